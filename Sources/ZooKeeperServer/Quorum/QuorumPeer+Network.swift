import NIOCore
import NIOPosix
import QuorumCore
import ZooKeeperAdmin

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
                var sender: Int?
                let handler = PeerFrameHandler(maxFrameBytes: QuorumWire.maxElectionFrameBytes, onFrame: { [self] channel, frame in
                    guard let from = sender else {
                        do { sender = try QuorumWire.decodeElectionHello(frame) } catch { channel.close(promise: nil) }
                        return
                    }
                    do {
                        electionReceived(try QuorumWire.decodeNotification(frame, from: from))
                    } catch {
                        logger.warning("bad election message from s\(from): \(error); closing")
                        channel.close(promise: nil)
                    }
                }, onClose: { _ in })
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
                var learnerId: Int?
                let handler = PeerFrameHandler(maxFrameBytes: QuorumWire.maxQuorumFrameBytes, onFrame: { [self] channel, frame in
                    let message: QuorumMessage
                    do {
                        message = try QuorumWire.decodeQuorum(frame)
                    } catch {
                        logger.warning("bad quorum packet from a learner: \(error); closing")
                        channel.close(promise: nil)
                        return
                    }
                    if learnerId == nil {
                        guard case .learnerInfo(let sid, _, _) = message, members[sid] != nil else {
                            channel.close(promise: nil)
                            return
                        }
                        learnerId = sid
                        learnerArrived(sid, channel: channel, info: message)
                        scheduleFlush()
                        return
                    }
                    guard let sid = learnerId, learnerChannels[sid] === channel else { return }
                    learnerMessage(message, from: sid)
                    scheduleFlush()
                }, onClose: { [self] channel in
                    guard let sid = learnerId else { return }
                    if earlyLearners[sid]?.channel === channel { earlyLearners[sid] = nil }
                    guard learnerChannels[sid] === channel else { return }
                    learnerChannels[sid] = nil
                    learnerClosed(sid)
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
        if let channel = electionOut[sid], channel.isActive {
            channel.write(ByteBuffer(bytes: QuorumWire.encode(notification)), promise: nil)
            scheduleFlush()
            return
        }
        // Only the newest vote matters once the connection is up.
        latestNotification[sid] = notification
        guard !electionConnecting.contains(sid), let peer = members[sid] else { return }
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
            .connect(host: peer.host, port: peer.electionPort)
            .whenComplete { [self] result in
                electionConnecting.remove(sid)
                guard case .success(let channel) = result else {
                    if !isStopped { electionPeer(sid, reachable: false) }
                    return
                }
                guard !isStopped else { channel.close(promise: nil); return }
                electionOut[sid] = channel
                electionPeer(sid, reachable: true)
                channel.write(ByteBuffer(bytes: QuorumWire.electionHello(sid: myid)), promise: nil)
                if let pending = latestNotification.removeValue(forKey: sid) {
                    channel.write(ByteBuffer(bytes: QuorumWire.encode(pending)), promise: nil)
                }
                channel.flush()
            }
    }

    // MARK: Quorum messages

    func send(_ message: QuorumMessage, to sid: Int) {
        guard let channel = learnerChannels[sid] else { return }
        queue(message, on: channel)
    }

    func send(toLeader message: QuorumMessage) {
        guard let channel = leaderChannel else { return }
        queue(message, on: channel)
    }

    /// Quorum packets collect in one buffer per connection until the flush
    /// (one allocation and one write per peer per loop pass, not per packet).
    private func queue(_ message: QuorumMessage, on channel: any Channel) {
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
        for channel in learnerChannels.values { channel.flush() }
        for channel in electionOut.values { channel.flush() }
        leaderChannel?.flush()
    }

    /// A learner introduced itself. Followers often finish the election a
    /// little before their leader does (each waits finalizeWait on its own
    /// clock): a learner that arrives while we still look is held, not
    /// refused, and joins as soon as we lead.
    func learnerArrived(_ sid: Int, channel: any Channel, info: QuorumMessage) {
        switch role {
        case .leading:
            learnerChannels.removeValue(forKey: sid)?.close(promise: nil)
            learnerChannels[sid] = channel
            learnerMessage(info, from: sid)
        case .looking:
            earlyLearners.removeValue(forKey: sid)?.channel.close(promise: nil)
            earlyLearners[sid] = (channel, info)
        case .learning:
            channel.close(promise: nil)
        }
    }

    /// On becoming leader, the learners that arrived early join.
    func admitEarlyLearners() {
        let early = earlyLearners
        earlyLearners = [:]
        for (sid, entry) in early.sorted(by: { $0.key < $1.key }) where entry.channel.isActive {
            learnerArrived(sid, channel: entry.channel, info: entry.info)
        }
    }

    func closeRoleChannels() {
        peerOutbound.removeAll()
        for channel in learnerChannels.values { channel.close(promise: nil) }
        learnerChannels = [:]
        leaderChannel?.close(promise: nil)
        leaderChannel = nil
    }

    func connectToLeader(_ leader: Int, generation expected: Int) {
        guard let peer = members[leader] else {
            lookAgain(reason: "leader s\(leader) is not in the configuration")
            return
        }
        ClientBootstrap(group: loop)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.milliseconds(Int64(max(200, config.tickTimeMs))))
            .channelInitializer { [self] channel in
                let handler = PeerFrameHandler(maxFrameBytes: QuorumWire.maxQuorumFrameBytes, onFrame: { [self] channel, frame in
                    guard leaderChannel === channel else { return }
                    do {
                        leaderMessage(try QuorumWire.decodeQuorum(frame))
                    } catch {
                        logger.warning("bad quorum packet from leader s\(leader): \(error); closing")
                        channel.close(promise: nil)
                    }
                }, onClose: { [self] channel in
                    guard leaderChannel === channel else { return }
                    leaderChannel = nil
                    leaderClosed()
                })
                return channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
            .connect(host: peer.host, port: peer.quorumPort)
            .whenComplete { [self] result in
                guard isCurrent(expected) else {
                    if case .success(let channel) = result { channel.close(promise: nil) }
                    return
                }
                switch result {
                case .success(let channel):
                    leaderChannel = channel
                    leaderConnected()
                case .failure(let error):
                    // Every member binds its quorum port at start, so a refusal
                    // means the chosen leader is gone: do not wait for initLimit
                    // (meanwhile we would tell others we follow a dead leader).
                    lookAgain(reason: "leader s\(leader) refused the quorum connection: \(error)")
                }
            }
    }
}
