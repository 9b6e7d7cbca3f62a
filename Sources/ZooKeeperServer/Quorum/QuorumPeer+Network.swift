import NIOCore
import NIOPosix
import QuorumCore
import ZooKeeperAdmin
import ZooKeeperProtocol

/// The quorum peer's sockets. Election: each peer opens its own connection to
/// every other peer's election port and only writes on it (two one-way
/// connections per pair, so no tie-break is needed); a message that cannot be
/// sent is dropped, since FLE resends. Quorum port: the leader accepts
/// learners; a learner connects to its leader and retries until initLimit.
extension QuorumPeer {
    /// Binds the election and quorum ports of this member's server.N line.
    func bindListeners() throws {
        guard let me = members[myid] else { throw ServerStartError("myid \(myid) has no server.\(myid) line") }
        let electionBootstrap = ServerBootstrap(group: loop)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                // zkdash demo's partition: nothing gets through.
                guard !isPartitioned else { return channel.close() }
                var sender: Int?
                let key = ObjectIdentifier(channel)
                electionIn[key] = channel
                let handler = PeerFrameHandler(maxFrameBytes: QuorumWire.maxElectionFrameBytes, onFrame: { [self] channel, frame in
                    guard !isPartitioned else { channel.close(promise: nil); return }
                    guard let from = sender else {
                        do {
                            let hello = try QuorumWire.decodeElectionHello(frame)
                            sender = hello.sid
                            learnElectionAddress(hello)
                        } catch {
                            channel.close(promise: nil)
                        }
                        return
                    }
                    do {
                        electionReceived(try QuorumWire.decodeNotification(frame, from: from))
                    } catch {
                        logger.warning("bad election message from s\(from): \(error); closing")
                        channel.close(promise: nil)
                    }
                }, onClose: { [self] _ in electionIn[key] = nil })
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
        do {
            electionListener = try electionBootstrap.bind(host: me.host, port: me.electionPort).wait() as any Channel
        } catch {
            throw ServerStartError("cannot listen on election port \(me.host):\(me.electionPort): \(error)")
        }
        let quorumBootstrap = ServerBootstrap(group: loop)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                guard !isPartitioned else { return channel.close() }
                let link = newLink()
                var introduced = false
                let handler = PeerFrameHandler(maxFrameBytes: QuorumWire.maxQuorumFrameBytes, onFrame: { [self] channel, frame in
                    let message: QuorumMessage
                    do {
                        message = try QuorumWire.decodeQuorum(frame)
                    } catch {
                        logger.warning("bad quorum packet from a learner: \(error); closing")
                        channel.close(promise: nil)
                        return
                    }
                    if !introduced {
                        // The first packet names a member, or the connection closes.
                        // With reconfigEnabled anyone may sync as a non-voting
                        // learner (Apache's rule): how a new voter joins.
                        guard case .learnerInfo(let sid, _, _) = message, members[sid] != nil || config.reconfigEnabled, !isStopped else {
                            channel.close(promise: nil)
                            return
                        }
                        introduced = true
                        links[link] = channel
                        perform(machine.learnerIntroduced(sid, on: link, info: message, nowMs: nowMs))
                        return
                    }
                    guard links[link] === channel, !isPartitioned else { return }
                    perform(machine.learnerPacket(message, on: link, nowMs: nowMs))
                }, onClose: { [self] _ in
                    guard introduced else { return }
                    links[link] = nil
                    perform(machine.learnerLinkClosed(link))
                })
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
        do {
            quorumListener = try quorumBootstrap.bind(host: me.host, port: me.quorumPort).wait()
        } catch {
            electionListener?.close(promise: nil)
            throw ServerStartError("cannot listen on quorum port \(me.host):\(me.quorumPort): \(error)")
        }
    }

    // MARK: Election messages

    func sendElection(_ notification: Notification, to sid: Int) {
        // zkdash demo's partition: lost on the way (FLE resends).
        guard !isPartitioned else { return }
        if let channel = electionOut[sid], channel.isActive {
            channel.write(ByteBuffer(bytes: QuorumWire.encode(notification)), promise: nil)
            scheduleFlush()
            return
        }
        // Only the newest vote matters once the connection is up.
        latestNotification[sid] = notification
        guard !electionConnecting.contains(sid), let address = electionAddress(of: sid) else { return }
        electionConnecting.insert(sid)
        ClientBootstrap(group: loop)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.milliseconds(Int64(max(200, config.tickTimeMs))))
            .channelInitializer { channel in
                // Nothing comes back on an outgoing election connection; the
                // handler only notices its close.
                let handler = PeerFrameHandler(maxFrameBytes: QuorumWire.maxElectionFrameBytes, onFrame: { _, _ in }, onClose: { [self] channel in
                    guard electionOut[sid] === channel else { return }
                    electionOut[sid] = nil
                    electionPeer(sid, reachable: false)
                })
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
            .connect(host: address.host, port: address.port)
            .whenComplete { [self] result in
                electionConnecting.remove(sid)
                guard case .success(let channel) = result else {
                    if !isStopped { electionPeer(sid, reachable: false) }
                    return
                }
                guard !isStopped else { channel.close(promise: nil); return }
                electionOut[sid] = channel
                electionPeer(sid, reachable: true)
                channel.write(ByteBuffer(bytes: QuorumWire.electionHello(sid: myid, electionAddress: ownElectionAddress)), promise: nil)
                if let pending = latestNotification.removeValue(forKey: sid) {
                    channel.write(ByteBuffer(bytes: QuorumWire.encode(pending)), promise: nil)
                }
                channel.flush()
            }
    }

    /// A member's election port from its server line; a server outside the
    /// membership (joining by reconfig) at the address its hello gave.
    private func electionAddress(of sid: Int) -> HostPort? {
        if let member = members[sid] { return HostPort(host: member.host, port: member.electionPort) }
        return helloAddresses[sid]
    }

    private var ownElectionAddress: HostPort? {
        members[myid].map { HostPort(host: $0.host, port: $0.electionPort) }
    }

    /// Bounded: one address per sid that said hello, and only while
    /// reconfigEnabled lets outsiders join.
    private func learnElectionAddress(_ hello: QuorumWire.ElectionHello) {
        guard config.reconfigEnabled, members[hello.sid] == nil, let address = hello.electionAddress else { return }
        guard helloAddresses[hello.sid] != address else { return }
        if helloAddresses[hello.sid] == nil, helloAddresses.count >= 1024 { return }
        helloAddresses[hello.sid] = address
    }

    // MARK: Quorum messages

    /// Quorum packets collect in one buffer per connection until the flush
    /// (one allocation and one write per peer per loop pass, not per packet).
    func queue(_ message: QuorumMessage, on channel: any Channel) {
        let key = ObjectIdentifier(channel)
        if peerOutbound[key] == nil { peerOutbound[key] = (channel, channel.allocator.buffer(capacity: 4096)) }
        peerOutbound[key]?.buffer.writeBytes(QuorumWire.encode(message))
        scheduleFlush()
    }

    /// Flushes once the work now running on the loop is done: everything a
    /// batch of client requests, a read of peer frames or an fsync completion
    /// produced goes out in one write per peer. (Flushing per message cost a
    /// syscall per proposal; flushing only on the next tick delayed the
    /// leader's proposals and commits by up to 10 ms.)
    func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        loop.execute { [self] in
            flushScheduled = false
            flushPeers()
        }
    }

    /// Writes what is queued for each peer and flushes every peer channel.
    func flushPeers() {
        for (channel, buffer) in peerOutbound.values where channel.isActive {
            channel.write(buffer, promise: nil)
        }
        peerOutbound.removeAll(keepingCapacity: true)
        for channel in links.values { channel.flush() }
        for channel in electionOut.values { channel.flush() }
    }

    func connectToLeader(_ leader: Int, attempt: Int) {
        guard let peer = members[leader] else { return }
        guard !isPartitioned else {
            // As a connection attempt into a cut network: it times out.
            loop.scheduleTask(in: .milliseconds(Int64(max(200, config.tickTimeMs)))) { [self] in
                perform(machine.leaderLinkFailed(attempt: attempt, reason: "partitioned by zkdash demo", nowMs: nowMs))
            }
            return
        }
        let link = newLink()
        ClientBootstrap(group: loop)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.milliseconds(Int64(max(200, config.tickTimeMs))))
            .channelInitializer { [self] channel in
                let handler = PeerFrameHandler(maxFrameBytes: QuorumWire.maxQuorumFrameBytes, onFrame: { [self] channel, frame in
                    guard links[link] === channel, !isPartitioned else { return }
                    do {
                        perform(machine.leaderPacket(try QuorumWire.decodeQuorum(frame), on: link, nowMs: nowMs))
                    } catch {
                        logger.warning("bad quorum packet from leader s\(leader): \(error); closing")
                        channel.close(promise: nil)
                    }
                }, onClose: { [self] channel in
                    guard links[link] === channel else { return }
                    links[link] = nil
                    perform(machine.leaderLinkClosed(link, nowMs: nowMs))
                })
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
            .connect(host: peer.host, port: peer.quorumPort)
            .whenComplete { [self] result in
                switch result {
                case .success(let channel):
                    links[link] = channel
                    perform(machine.leaderLinkUp(link, attempt: attempt, nowMs: nowMs))
                case .failure(let error):
                    perform(machine.leaderLinkFailed(attempt: attempt, reason: "\(error)", nowMs: nowMs))
                }
            }
    }
}
