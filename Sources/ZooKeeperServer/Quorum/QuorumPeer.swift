import DequeModule
import Logging
import NIOCore
import NIOPosix
import QuorumCore
import ZooKeeperAdmin
import ZooKeeperCore
import ZooKeeperProtocol
import ZooKeeperStorage

/// The shell of one quorum member (Apache's QuorumPeer): it runs Fast Leader
/// Election while looking, then a ZAB leader or learner, and moves the server
/// core between roles. Everything it holds is touched only on the core's loop
/// (every quorum channel is created on that loop too); hence `@unchecked Sendable`.
final class QuorumPeer: @unchecked Sendable {
    let config: ServerConfig
    let myid: Int
    let runner: CoreRunner
    let loop: any EventLoop
    let logger: Logger
    let snapshotDirectory: String
    let logDirectory: String
    let zabSettings: ZabSettings
    let members: [Int: ServerEntry]
    let isObserver: Bool

    private(set) var election: FastLeaderElection
    private(set) var recorder = ElectionRecorder()
    private(set) var role: ZabRole = .looking
    private(set) var acceptedEpoch: Int64
    private(set) var currentEpoch: Int64
    /// mntr's zk_election_time: ms from looking to a decision.
    private(set) var electionTimes = SummaryMetric()
    private var lookingSinceMs: Int64
    private var history: [ZabTxn] = []
    private var historyFloorZxid: Int64 = 0
    /// Bumped at every role change: events of older connections are ignored.
    private(set) var generation = 0

    var electionListener: (any Channel)?
    var quorumListener: (any Channel)?
    var electionOut: [Int: any Channel] = [:]
    var electionConnecting: Set<Int> = []
    var latestNotification: [Int: Notification] = [:]
    /// Peers whose election port refused us or dropped our connection.
    var unreachableVoters: Set<Int> = []
    var learnerChannels: [Int: any Channel] = [:]
    var earlyLearners: [Int: (channel: any Channel, info: QuorumMessage)] = [:]
    var leaderChannel: (any Channel)?
    var pendingSyncAnswers: Deque<(sid: Int, afterZxid: Int64, payload: [UInt8])> = []
    static let maxPendingSyncAnswers = 10_000
    private var tickTask: RepeatedTask?
    /// A flush of the peer channels is queued on the loop (`scheduleFlush`).
    var flushScheduled = false
    /// Quorum packets waiting for that flush, per connection.
    var peerOutbound: [ObjectIdentifier: (channel: any Channel, buffer: ByteBuffer)] = [:]
    var isStopped = false

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
        members = Dictionary(uniqueKeysWithValues: config.servers.map { ($0.sid, $0) })
        let voters = Set(config.servers.filter { $0.role == .participant }.map(\.sid))
        isObserver = !voters.contains(myid)
        zabSettings = ZabSettings(
            myid: myid, voters: voters, tickMs: Int64(config.tickTimeMs),
            initLimitTicks: Int64(config.initLimitTicks), syncLimitTicks: Int64(config.syncLimitTicks))
        var electionSettings = FastLeaderElection.Settings(myid: myid, voters: voters)
        // A voter whose election port refuses us cannot send a better vote:
        // decide without finalizeWait once everyone else agrees (docs/ensemble.md).
        electionSettings.decidesWhenAllReachableAgree = true
        election = FastLeaderElection(settings: electionSettings)
        do {
            acceptedEpoch = Int64(try EpochFile.read(directory: snapshotDirectory, name: EpochFile.acceptedEpochName) ?? 0)
            currentEpoch = Int64(try EpochFile.read(directory: snapshotDirectory, name: EpochFile.currentEpochName) ?? 0)
        } catch {
            throw ServerStartError("cannot read the epoch files in \(snapshotDirectory): \(error)")
        }
        // A log newer than the current epoch file (Apache's upgrade case):
        // the epoch of the last txn is the current epoch.
        let lastEpoch = Zxid.epoch(runner.core.tree.lastProcessedZxid)
        if lastEpoch > currentEpoch { currentEpoch = lastEpoch }
        acceptedEpoch = max(acceptedEpoch, currentEpoch)
        history = recoveredHistory
        self.historyFloorZxid = historyFloorZxid
        lookingSinceMs = Clock.nowMs()
    }

    var nowMs: Int64 { Clock.nowMs() }

    // MARK: Lifecycle (on `loop`)

    func begin() {
        loop.preconditionInEventLoop()
        installHooks()
        installMembership()
        tickTask = loop.scheduleRepeatedTask(initialDelay: .milliseconds(10), delay: .milliseconds(10)) { [self] _ in tick() }
        lookAgain(reason: "starting")
    }

    func stop() {
        loop.preconditionInEventLoop()
        isStopped = true
        tickTask?.cancel()
        generation += 1
        closeRoleChannels()
        for entry in earlyLearners.values { entry.channel.close(promise: nil) }
        earlyLearners = [:]
        for channel in electionOut.values { channel.close(promise: nil) }
        electionOut = [:]
        electionListener?.close(promise: nil)
        quorumListener?.close(promise: nil)
    }

    private func installHooks() {
        runner.quorumTelemetry = { [unowned self] in telemetry() }
        runner.hooks = ReplicationHooks(
            proposed: { [unowned self] zxid, payload in
                withLeader { $0.propose(ZabTxn(zxid: zxid, payload: payload)) }
            },
            durable: { [unowned self] zxid in
                withLeader { $0.localSynced(upTo: zxid) }
                withLearner { $0.logSynced(upTo: zxid) }
            },
            forward: { [unowned self] request in
                send(toLeader: .request(payload: QuorumPayloads.encode(request)))
            })
    }

    // MARK: Looking

    /// Leaves whatever role we had, reloads state from disk (so the tree again
    /// equals the log, logged-but-uncommitted txns included, as Apache's
    /// database reload does) and starts an election round.
    func lookAgain(reason: String) {
        guard !isStopped else { return }
        if case .looking = role, reason != "starting" { return }
        logger.info("s\(myid) LOOKING: \(reason)")
        generation += 1
        closeRoleChannels()
        role = .looking
        pendingSyncAnswers = []
        runner.perform { $0.setServing(false) }
        runner.discardPendingLog()
        if reason != "starting" { resetState() }
        lookingSinceMs = nowMs
        let lastZxid = UInt64(bitPattern: runner.core.tree.lastProcessedZxid)
        let out = election.start(lastZxid: lastZxid, currentEpoch: UInt64(currentEpoch), nowMs: nowMs)
        recorder.started(round: election.round, nowMs: nowMs)
        performElection(out)
    }

    /// The tree must again equal the durable log. When it already does (every
    /// logged txn applied, nothing applied that is not logged) it is kept:
    /// reading the log back costs time the election would wait for. Without
    /// the log's txns in memory, learners behind us get a snapshot, never a
    /// DIFF from a gap.
    private func resetState() {
        let core = runner.core
        guard runner.lastLoggedZxid == core.tree.lastProcessedZxid else {
            reloadFromDisk()
            return
        }
        installCore(tree: core.tree, sessions: core.sessionTimeouts, role: isObserver ? .observer : .follower)
        history = []
        historyFloorZxid = core.tree.lastProcessedZxid
    }

    private func reloadFromDisk() {
        do {
            let recovered = try DiskRecovery.load(snapshotDirectory: snapshotDirectory, logDirectory: logDirectory, logger: logger)
            installCore(tree: recovered.state.tree, sessions: recovered.state.sessions, role: isObserver ? .observer : .follower)
            history = recovered.history
            historyFloorZxid = recovered.snapshotZxid
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
        installMembership()
    }

    /// /zookeeper/config lists the members, as on Apache quorum members.
    func installMembership() {
        guard let text = QuorumConfSnapshot(config: config)?.configZnodeText else { return }
        runner.core.installQuorumConfig(Array(text.utf8), nowMs: nowMs)
    }

    func electionReceived(_ notification: Notification) {
        logger.debug("election: from s\(notification.from) \(notification.state.rawValue) round \(notification.round) for \(notification.vote); we are \(election.state.rawValue) round \(election.round) for \(election.proposal)")
        if unreachableVoters.remove(notification.from) != nil {
            performElection(election.setUnreachable(unreachableVoters))
        }
        let out = election.receive(notification, nowMs: nowMs)
        if election.state == .looking || !out.isEmpty {
            recorder.received(notification, round: election.round, nowMs: nowMs)
        }
        performElection(out)
    }

    /// The election connection to `sid` failed or came up.
    func electionPeer(_ sid: Int, reachable: Bool) {
        let changed = reachable ? unreachableVoters.remove(sid) != nil : unreachableVoters.insert(sid).inserted
        guard changed else { return }
        logger.debug("election: s\(sid) \(reachable ? "reachable" : "unreachable"); unreachable now \(unreachableVoters.sorted())")
        performElection(election.setUnreachable(unreachableVoters))
    }

    func performElection(_ directives: [FastLeaderElection.Directive]) {
        for directive in directives {
            switch directive {
            case .send(let to, let notification):
                sendElection(notification, to: to)
            case .decided(let state, let vote, let round):
                recorder.decided(winner: vote.leader, round: round, nowMs: nowMs)
                electionTimes.record(nowMs - lookingSinceMs)
                become(state, leader: vote.leader)
            }
        }
    }

    private func become(_ state: PeerState, leader: Int) {
        logger.info("s\(myid) \(state.rawValue) (leader s\(leader)) after \(nowMs - lookingSinceMs) ms")
        generation += 1
        let tree = runner.core.tree
        if state == .leading {
            let zab = ZabLeader(settings: zabSettings, acceptedEpoch: acceptedEpoch, currentEpoch: currentEpoch,
                                lastZxid: tree.lastProcessedZxid, history: history, historyFloorZxid: historyFloorZxid, nowMs: nowMs)
            role = .leading(zab)
            admitEarlyLearners()
        } else {
            for entry in earlyLearners.values { entry.channel.close(promise: nil) }
            earlyLearners = [:]
            var learnerSettings = zabSettings
            learnerSettings.myid = myid
            let zab = ZabLearner(settings: learnerSettings, leader: leader, isObserver: state == .observing,
                                 acceptedEpoch: acceptedEpoch, currentEpoch: currentEpoch, lastZxid: tree.lastProcessedZxid, nowMs: nowMs)
            role = .learning(zab)
            connectToLeader(leader, generation: generation)
        }
        // Memory: the leader copies what it needs; learners never use it.
        history = []
    }

    // MARK: Time

    private func tick() {
        guard !isStopped else { return }
        switch role {
        case .looking:
            performElection(election.tick(nowMs: nowMs))
        case .leading:
            withLeader { $0.tick(nowMs: nowMs) }
        case .learning:
            withLearner { $0.tick(nowMs: nowMs) }
        }
        flushPeers()
    }

    /// Runs an input through the leader's machine, if we lead, then its
    /// directives. The machine is changed in place (`ZabRole.withLeader`):
    /// taken out and put back, its txn history was copied on every commit.
    private func withLeader(_ input: (inout ZabLeader) -> [ZabLeader.Directive]) {
        guard let out = role.withLeader(input) else { return }
        perform(out)
    }

    /// Runs an input through the learner's machine, if we follow or observe.
    private func withLearner(_ input: (inout ZabLearner) -> [ZabLearner.Directive]) {
        guard let out = role.withLearner(input) else { return }
        perform(out)
    }

    // MARK: Leader

    func learnerMessage(_ message: QuorumMessage, from sid: Int) {
        if case .request(let payload) = message {
            forwardedRequest(payload, from: sid)
        } else {
            withLeader { $0.receive(message, from: sid, nowMs: nowMs) }
        }
    }

    private func forwardedRequest(_ payload: [UInt8], from sid: Int) {
        // Only zxids are read from the leader here: a copy of the machine held
        // across `receiveForwarded` (which proposes) would make it copy its buffers.
        guard case .leading = role else { return }
        let request: ForwardedRequest
        do {
            request = try QuorumPayloads.decodeRequest(payload)
        } catch {
            learnerChannels[sid]?.close(promise: nil)
            logger.warning("s\(sid) sent an undecodable request: \(error); closing its connection")
            return
        }
        if request.opCode == OpCode.sync.rawValue {
            // Answered once everything proposed before it has committed.
            let path = (try? QuorumPayloads.syncPath(request)) ?? "/"
            let answer = QuorumPayloads.encode(.init(sessionId: request.sessionId, cxid: request.cxid, path: path))
            guard let proposed = role.leader?.lastProposedZxid, let committed = role.leader?.lastCommittedZxid else { return }
            // Bounded: syncs wait only for what is already proposed, so this fills
            // only while commits stall. At the bound the learner that sends more is
            // dropped (its clients reconnect and retry) rather than the leader's
            // memory growing without limit.
            guard pendingSyncAnswers.count < Self.maxPendingSyncAnswers else {
                logger.warning("\(pendingSyncAnswers.count) sync answers waiting for commits; closing s\(sid)'s connection")
                learnerChannels[sid]?.close(promise: nil)
                return
            }
            pendingSyncAnswers.append((sid, proposed, answer))
            answerSyncs(committedUpTo: committed)
            return
        }
        runner.perform { $0.receiveForwarded(request, nowMs: nowMs) }
    }

    /// Sync answers queue in the order their syncs arrived, and the zxid each
    /// waits for never decreases along the queue (the last proposed zxid at
    /// arrival): answering from the front costs O(answers), not O(waiting).
    private func answerSyncs(committedUpTo zxid: Int64) {
        while let entry = pendingSyncAnswers.first, entry.afterZxid <= zxid {
            pendingSyncAnswers.removeFirst()
            send(.syncAnswer(payload: entry.payload), to: entry.sid)
        }
    }

    func learnerClosed(_ sid: Int) {
        withLeader {
            $0.learnerDisconnected(sid)
            return []
        }
        pendingSyncAnswers.removeAll { $0.sid == sid }
    }

    private func perform(_ directives: [ZabLeader.Directive]) {
        for directive in directives {
            switch directive {
            case .persistAcceptedEpoch(let epoch):
                persist(epoch, name: EpochFile.acceptedEpochName)
                acceptedEpoch = epoch
            case .persistCurrentEpoch(let epoch):
                persist(epoch, name: EpochFile.currentEpochName)
                currentEpoch = epoch
            case .send(let sid, let message):
                send(message, to: sid)
            case .sendSnapshot(let sid):
                sendSnapshot(to: sid)
            case .commit(let zxid):
                runner.perform { $0.synced(upTo: zxid, nowMs: nowMs) }
                answerSyncs(committedUpTo: zxid)
            case .startServing(let epoch):
                let core = runner.core
                installCore(tree: core.tree, sessions: core.sessionTimeouts, role: .leader, epoch: epoch)
                election.establish(epoch: UInt64(epoch))
                logger.info("s\(myid) LEADING epoch \(epoch): serving, \(nowMs - lookingSinceMs) ms after it began looking")
            case .sessionTouches(_, let payload):
                if let touches = try? QuorumPayloads.decodeTouches(payload) {
                    runner.core.touchSessions(touches, nowMs: nowMs)
                }
            case .disconnect(let sid, let reason):
                logger.info("dropping learner s\(sid): \(reason)")
                learnerChannels.removeValue(forKey: sid)?.close(promise: nil)
            case .abandon(let reason):
                lookAgain(reason: reason)
                return
            }
        }
    }

    private func sendSnapshot(to sid: Int) {
        let tree = runner.core.tree
        var bytes: [UInt8] = []
        SnapshotCodec.encode(tree: tree, sessions: runner.core.sessionTimeouts) { bytes.append(contentsOf: $0) }
        send(.snap(zxid: tree.lastProcessedZxid, snapshot: bytes), to: sid)
    }

    // MARK: Learner

    func leaderMessage(_ message: QuorumMessage) {
        guard case .syncAnswer(let payload) = message else {
            withLearner { $0.receive(message, nowMs: nowMs) }
            return
        }
        if case .learning = role, let answer = try? QuorumPayloads.decodeSyncAnswer(payload) {
            runner.perform { $0.syncAnswered(sessionId: answer.sessionId, cxid: answer.cxid, path: answer.path, nowMs: nowMs) }
        }
    }

    func leaderConnected() {
        withLearner { $0.connected(nowMs: nowMs) }
    }

    func leaderClosed() {
        withLearner { $0.disconnected() }
    }

    /// Still in the role (and connection attempt) that `expected` names.
    func isCurrent(_ expected: Int) -> Bool {
        generation == expected && !isStopped
    }

    private func perform(_ directives: [ZabLearner.Directive]) {
        for directive in directives {
            switch directive {
            case .send(let message):
                send(toLeader: message)
            case .persistAcceptedEpoch(let epoch):
                persist(epoch, name: EpochFile.acceptedEpochName)
                acceptedEpoch = epoch
            case .persistCurrentEpoch(let epoch):
                persist(epoch, name: EpochFile.currentEpochName)
                currentEpoch = epoch
            case .log(let txn):
                runner.appendReplicated(zxid: txn.zxid, payload: txn.payload)
            case .apply(let txn):
                runner.perform { $0.applyCommitted(zxid: txn.zxid, payload: txn.payload, nowMs: nowMs) }
            case .truncate(let zxid):
                truncateLog(after: zxid)
            case .loadSnapshot(let zxid, let snapshot):
                installSnapshot(snapshot, zxid: zxid)
            case .startServing:
                runner.perform { $0.setServing(true) }
                // Announce the leader's established epoch to latecomers (Apache's updateElectionVote).
                election.establish(epoch: UInt64(currentEpoch))
                logger.info("s\(myid) \(isObserver ? "OBSERVING" : "FOLLOWING"): up to date, serving clients, \(nowMs - lookingSinceMs) ms after it began looking")
            case .answerPing:
                send(toLeader: .ping(payload: QuorumPayloads.encode(runner.core.takeSessionTouches())))
            case .abandon(let reason):
                lookAgain(reason: reason)
                return
            }
        }
    }

    private func truncateLog(after zxid: Int64) {
        let dropped = truncateDisk(after: zxid)
        logger.info("TRUNC to \(Zxid.hex(zxid)): dropped \(dropped) uncommitted txns")
        reloadFromDisk()
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

    private func installSnapshot(_ bytes: [UInt8], zxid: Int64) {
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
            installCore(tree: restored.tree, sessions: restored.sessions, role: isObserver ? .observer : .follower)
            logger.info("SNAP at \(Zxid.hex(zxid)): \(restored.tree.nodeCount) znodes from the leader")
        } catch {
            logger.error("cannot load the leader's snapshot: \(error)")
            lookAgain(reason: "bad snapshot from the leader")
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
