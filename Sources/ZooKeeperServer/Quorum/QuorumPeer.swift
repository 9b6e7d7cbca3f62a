import Logging
import NIOCore
import NIOPosix
import QuorumCore
import ZooKeeperAdmin
import ZooKeeperCore
import ZooKeeperProtocol
import ZooKeeperStorage

/// The shell of one quorum member: sockets, disk and the server core around
/// the pure `QuorumPeerMachine`, which decides everything (election, ZAB role,
/// history, links, sync answers). The simulation drives that same machine.
/// Everything here is touched only on the core's loop (every quorum channel
/// is created on that loop too); hence `@unchecked Sendable`.
final class QuorumPeer: @unchecked Sendable {
    let config: ServerConfig
    let myid: Int
    let runner: CoreRunner
    let loop: any EventLoop
    let logger: Logger
    let snapshotDirectory: String
    let logDirectory: String
    /// Members by sid, and the membership they come from: zoo.cfg's, until a
    /// reconfig (kept in /zookeeper/config, so it survives restarts) changes it.
    var members: [Int: ServerEntry]
    var membership: QuorumMembership

    var machine: QuorumPeerMachine
    /// mntr's zk_election_time: ms from looking to a decision.
    private(set) var electionTimes = SummaryMetric()

    var electionListener: (any Channel)?
    var quorumListener: (any Channel)?
    var electionOut: [Int: any Channel] = [:]
    var electionConnecting: Set<Int> = []
    var latestNotification: [Int: Notification] = [:]
    /// Election addresses of servers outside the membership, from their hellos (reconfig joiners).
    var helloAddresses: [Int: HostPort] = [:]
    /// The quorum-port connections the machine knows by link.
    var links: [PeerLink: any Channel] = [:]
    private var nextLinkId = 0
    private var tickTask: RepeatedTask?
    /// A flush of the peer channels is queued on the loop (`scheduleFlush`).
    var flushScheduled = false
    /// Quorum packets waiting for that flush, per connection.
    var peerOutbound: [ObjectIdentifier: (channel: any Channel, buffer: ByteBuffer)] = [:]
    /// Election connections peers opened to us (closed when the demo cuts us off).
    var electionIn: [ObjectIdentifier: any Channel] = [:]
    /// zkdash demo's partition (DemoControl `part`), read on each tick.
    var isPartitioned = false
    /// zkdash demo's slow disk: the highest zxid this node's log holds, and the
    /// committed txns held back until it does (in zxid order; bounded as the
    /// log queue is, by the leader's in-flight bound).
    var durableZxid: Int64 = 0
    var heldCommits: [ZabTxn] = []

    var isStopped: Bool { machine.isStopped }
    var isObserver: Bool { machine.isObserver }

    init(config: ServerConfig, runner: CoreRunner, snapshotDirectory: String, logDirectory: String,
         recoveredHistory: [ZabTxn], historyFloorZxid: Int64, logger: Logger) throws {
        guard let myid = config.myid else { throw ServerStartError("a quorum member needs dataDir/myid") }
        self.config = config
        self.myid = myid
        self.runner = runner
        loop = runner.loop
        self.logger = logger
        self.snapshotDirectory = snapshotDirectory
        self.logDirectory = logDirectory
        membership = Self.startingMembership(config: config)
        members = Dictionary(uniqueKeysWithValues: membership.members.map { ($0.sid, $0) })
        guard members[myid] != nil else { throw ServerStartError("myid \(myid) has no server.\(myid) line") }
        let voters = membership.voters
        let zabSettings = ZabSettings(
            myid: myid, voters: voters, tickMs: Int64(config.tickTimeMs),
            initLimitTicks: Int64(config.initLimitTicks), syncLimitTicks: Int64(config.syncLimitTicks))
        let acceptedEpoch: Int64
        let currentEpoch: Int64
        do {
            acceptedEpoch = Int64(try EpochFile.read(directory: snapshotDirectory, name: EpochFile.acceptedEpochName) ?? 0)
            currentEpoch = Int64(try EpochFile.read(directory: snapshotDirectory, name: EpochFile.currentEpochName) ?? 0)
        } catch {
            throw ServerStartError("cannot read the epoch files in \(snapshotDirectory): \(error)")
        }
        machine = QuorumPeerMachine(
            settings: .init(zab: zabSettings, members: Set(members.keys)), acceptedEpoch: acceptedEpoch, currentEpoch: currentEpoch,
            appliedZxid: runner.core.tree.lastProcessedZxid, history: recoveredHistory, historyFloorZxid: historyFloorZxid,
            nowMs: Clock.nowMs())
    }

    var nowMs: Int64 { Clock.nowMs() }

    // MARK: Lifecycle (on `loop`)

    func begin() {
        loop.preconditionInEventLoop()
        installHooks()
        installMembership(adoptNewer: false)
        noteRestoredMembership()
        tickTask = loop.scheduleRepeatedTask(initialDelay: .milliseconds(10), delay: .milliseconds(10)) { [self] _ in tick() }
        perform(machine.start(nowMs: nowMs))
    }

    func stop() {
        loop.preconditionInEventLoop()
        tickTask?.cancel()
        perform(machine.stop())
        for channel in links.values { channel.close(promise: nil) }
        links = [:]
        for channel in electionOut.values { channel.close(promise: nil) }
        electionOut = [:]
        electionListener?.close(promise: nil)
        quorumListener?.close(promise: nil)
    }

    private func installHooks() {
        runner.quorumTelemetry = { [unowned self] in telemetry() }
        runner.hooks = ReplicationHooks(
            proposed: { [unowned self] zxid, payload in
                perform(machine.proposed(ZabTxn(zxid: zxid, payload: payload), reconfiguringTo: reconfigLogged(payload), nowMs: nowMs))
            },
            durable: { [unowned self] zxid in
                durableZxid = max(durableZxid, zxid)
                perform(machine.durable(upTo: zxid, nowMs: nowMs))
                releaseHeldCommits()
            },
            forward: { [unowned self] request in
                guard let link = machine.leaderLink else { return }
                send(.request(payload: ReplicationPayloads.encode(request)), on: link)
            },
            reconfigured: { [unowned self] text in adopt(text) })
    }

    private func tick() {
        guard !isStopped else { return }
        if let demoControl = runner.demoControl, demoControl.isPartitioned != isPartitioned {
            setPartitioned(demoControl.isPartitioned)
        }
        perform(machine.tick(nowMs: nowMs))
        refreshReconfigView()
        flushPeers()
    }

    // MARK: Election

    func electionReceived(_ notification: Notification) {
        let election = machine.election
        logger.debug("""
            election: from s\(notification.from) \(notification.state.rawValue) round \(notification.round) for \(notification.vote); \
            we are \(election.state.rawValue) round \(election.round) for \(election.proposal)
            """)
        perform(machine.electionReceived(notification, nowMs: nowMs))
    }

    /// The election connection to `sid` failed or came up.
    func electionPeer(_ sid: Int, reachable: Bool) {
        logger.debug("election: s\(sid) \(reachable ? "reachable" : "unreachable")")
        perform(machine.electionPeer(sid, reachable: reachable, nowMs: nowMs))
    }

    // MARK: Links

    /// Names a new quorum-port connection for the machine.
    func newLink() -> PeerLink {
        nextLinkId += 1
        return PeerLink(nextLinkId)
    }

    func send(_ message: QuorumMessage, on link: PeerLink) {
        guard let channel = links[link] else { return }
        queue(message, on: channel)
    }

    /// Closes after what is queued for the link has gone out (a removed
    /// leader's last commits, a refusal's reason).
    private func close(_ link: PeerLink) {
        guard let channel = links.removeValue(forKey: link) else { return }
        guard let pending = peerOutbound.removeValue(forKey: ObjectIdentifier(channel))?.buffer, pending.readableBytes > 0 else {
            channel.close(promise: nil)
            return
        }
        channel.writeAndFlush(pending).whenComplete { _ in channel.close(promise: nil) }
    }

    // MARK: Effects

    /// Carries out what the machine decided, in order.
    func perform(_ effects: [PeerEffect]) {
        for effect in effects {
            switch effect {
            case .sendElection(let to, let notification):
                sendElection(notification, to: to)
            case .decided(let state, let leader, _, let afterMs):
                logger.info("s\(myid) \(state.rawValue) (leader s\(leader)) after \(afterMs) ms")
                electionTimes.record(afterMs)
            case .connectToLeader(let sid, let attempt):
                connectToLeader(sid, attempt: attempt)
            case .send(let link, let message):
                send(message, on: link)
            case .sendSnapshot(let link):
                sendSnapshot(on: link)
            case .answerPing(let link):
                send(.ping(payload: ReplicationPayloads.encode(runner.core.takeSessionTouches())), on: link)
            case .close(let link):
                close(link)
            case .persistAcceptedEpoch(let epoch):
                persist(epoch, name: EpochFile.acceptedEpochName)
            case .persistCurrentEpoch(let epoch):
                persist(epoch, name: EpochFile.currentEpochName)
            case .append(let txn):
                if let voters = reconfigLogged(txn.payload) { machine.reconfigLogged(voters: voters) }
                runner.appendReplicated(zxid: txn.zxid, payload: txn.payload)
            case .truncate(let zxid):
                truncateLog(after: zxid)
            case .installSnapshot(let zxid, let bytes):
                if let failure = installSnapshot(bytes, zxid: zxid) {
                    // What followed the snapshot belonged to the role just left.
                    perform(machine.snapshotRejected(failure, nowMs: nowMs))
                    return
                }
            case .leaveRole:
                heldCommits = []
                runner.perform { $0.setServing(false) }
                runner.discardPendingLog()
            case .restoreState:
                restoreState()
            case .apply(let txn):
                applyCommitted(txn)
            case .commit(let zxid):
                runner.perform { $0.synced(upTo: zxid, nowMs: nowMs) }
            case .serveAsLeader(let epoch):
                let core = runner.core
                installCore(tree: core.tree, sessions: core.sessionTimeouts, role: .leader, epoch: epoch)
            case .serveAsLearner:
                installMembership()
                runner.perform { $0.setServing(true) }
            case .sessionTouches(_, let payload):
                if let touches = try? ReplicationPayloads.decodeTouches(payload) {
                    runner.core.touchSessions(touches, nowMs: nowMs)
                }
            case .forwarded(let sid, let link, let payload):
                forwardedRequest(payload, from: sid, on: link)
            case .syncAnswered(let payload):
                if let answer = try? ReplicationPayloads.decodeSyncAnswer(payload) {
                    runner.perform { $0.syncAnswered(sessionId: answer.sessionId, cxid: answer.cxid, path: answer.path, nowMs: nowMs) }
                }
            case .newerConfig(let bytes):
                peerSentMembership(bytes)
            case .log(.info, let line):
                logger.info("\(line)")
            case .log(.warning, let line):
                logger.warning("\(line)")
            }
        }
        scheduleFlush()
    }

    private func forwardedRequest(_ payload: [UInt8], from sid: Int, on link: PeerLink) {
        do {
            switch try ReplicationPayloads.route(payload) {
            case .request(let request):
                runner.perform { $0.receiveForwarded(request, nowMs: nowMs) }
            case .sync(let answer):
                perform(machine.syncRequested(on: link, answer: answer, nowMs: nowMs))
            }
        } catch {
            logger.warning("s\(sid) sent an undecodable request: \(error); closing its connection")
            close(link)
        }
    }

    private func sendSnapshot(on link: PeerLink) {
        let tree = runner.core.tree
        var bytes: [UInt8] = []
        SnapshotCodec.encode(tree: tree, sessions: runner.core.sessionTimeouts) { bytes.append(contentsOf: $0) }
        send(.snap(zxid: tree.lastProcessedZxid, snapshot: bytes), on: link)
    }

    // MARK: Core and disk

    private var learnerRole: ServerRole { isObserver ? .observer : .follower }

    /// The tree must again equal the durable log. When it already does (every
    /// logged txn applied, nothing applied that is not logged) it is kept:
    /// reading the log back costs time the election would wait for. Without
    /// the log's txns in memory, learners behind us get a snapshot, never a
    /// DIFF from a gap.
    private func restoreState() {
        let core = runner.core
        let applied = core.tree.lastProcessedZxid
        if runner.lastLoggedZxid == applied {
            installCore(tree: core.tree, sessions: core.sessionTimeouts, role: learnerRole)
            noteRestoredMembership()
            perform(machine.stateRestored(appliedZxid: applied, history: [], historyFloorZxid: applied, nowMs: nowMs))
        } else {
            let recovered = reloadFromDisk()
            noteRestoredMembership()
            perform(machine.stateRestored(appliedZxid: recovered.state.tree.lastProcessedZxid, history: recovered.history,
                                          historyFloorZxid: recovered.snapshotZxid, nowMs: nowMs))
        }
    }

    @discardableResult
    private func reloadFromDisk() -> DiskRecovery.Result {
        do {
            let recovered = try DiskRecovery.load(snapshotDirectory: snapshotDirectory, logDirectory: logDirectory, logger: logger)
            installCore(tree: recovered.state.tree, sessions: recovered.state.sessions, role: learnerRole)
            return recovered
        } catch {
            logger.critical("cannot reload state from \(config.dataDir): \(error); exiting")
            exitProcess(2)
        }
    }

    /// A fresh core for a role; the old one's clients were already closed.
    func installCore(tree: DataTree, sessions: [Int64: Int], role: ServerRole, epoch: Int64 = 0) {
        runner.perform { $0.setServing(false) }
        runner.core = ServerCore(settings: runner.core.settings, tree: tree, sessions: sessions, nowMs: nowMs, role: role, epoch: epoch)
        runner.rollSnapshotThreshold()
        installMembership(epoch: role == .leader ? epoch : nil, adoptNewer: role == .leader)
    }

    private func truncateLog(after zxid: Int64) {
        durableZxid = min(durableZxid, zxid)
        let dropped = truncateDisk(after: zxid)
        logger.info("TRUNC to \(Zxid.hex(zxid)): dropped \(dropped) uncommitted txns")
        reloadFromDisk()
        noteRestoredMembership()
    }

    /// Nothing on disk above `zxid` survives, now or at any later recovery: the
    /// batch on its way is finished and not reported, the snapshot fence moves
    /// first (a background snapshot begun before is deleted, not published:
    /// issue 14 item 0), then log records and snapshots above `zxid` go.
    /// Returns the number of log records dropped.
    private func truncateDisk(after zxid: Int64) -> Int {
        runner.discardPendingLog()
        runner.snapshotFence.invalidate()
        var dropped = 0
        do {
            try runner.withLogWriter { writer in
                writer.close()
                dropped = try TxnLogTruncation.truncate(logDirectory: logDirectory, snapshotDirectory: snapshotDirectory, afterZxid: zxid)
                writer = try TxnLogWriter(directory: logDirectory)
                return zxid
            }
        } catch {
            logger.critical("cannot truncate the log to \(Zxid.hex(zxid)): \(error); exiting")
            exitProcess(2)
        }
        return dropped
    }

    /// Installs the leader's snapshot; returns why it could not, or nil.
    private func installSnapshot(_ bytes: [UInt8], zxid: Int64) -> String? {
        do {
            var offset = 0
            let restored = try SnapshotCodec.decode(totalBytes: bytes.count) { count in
                let chunk = Array(bytes[offset..<min(bytes.count, offset + count)])
                offset += chunk.count
                return chunk
            }
            // The leader's state replaces this node's history: nothing of it above
            // the snapshot may be recovered later (log records of another history,
            // or a background snapshot of the old tree finishing after this).
            let dropped = truncateDisk(after: restored.tree.lastProcessedZxid)
            if dropped > 0 { logger.info("SNAP: dropped \(dropped) logged txns above \(Zxid.hex(restored.tree.lastProcessedZxid))") }
            // Durable before anything is acked on top of it.
            _ = try DiskRecovery.writeSnapshot(tree: restored.tree, sessions: restored.sessions, directory: snapshotDirectory,
                                               fence: runner.snapshotFence)
            runner.snapshotInstalled(at: restored.tree.lastProcessedZxid)
            installCore(tree: restored.tree, sessions: restored.sessions, role: learnerRole)
            logger.info("SNAP at \(Zxid.hex(zxid)): \(restored.tree.nodeCount) znodes from the leader")
            return nil
        } catch {
            logger.error("cannot load the leader's snapshot: \(error)")
            return "\(error)"
        }
    }

    private func persist(_ epoch: Int64, name: String) {
        do {
            try EpochFile.write(UInt64(epoch), directory: snapshotDirectory, name: name)
        } catch {
            // An epoch we cannot persist must not be used.
            logger.critical("cannot write \(name) \(epoch): \(error); exiting")
            exitProcess(2)
        }
    }
}
