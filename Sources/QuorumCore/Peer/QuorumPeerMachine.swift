import DequeModule

/// Everything one quorum member decides (Apache's QuorumPeer without its
/// threads and sockets): Fast Leader Election while looking, then a ZAB leader
/// or learner; which quorum links belong to the current role; the txn history
/// a new leader starts from; learners that arrive before we lead; voters we
/// cannot reach; sync answers waiting for commits. Inputs are messages, link
/// and reachability reports, fsync progress and ticks, with the time passed
/// in; outputs are `PeerEffect`s for the shell, in order.
///
/// The shipped shell (`QuorumPeer`, NIO and disk) and the deterministic
/// simulation drive this same machine: a bug in the glue between election,
/// ZAB and the core is a bug here, where the simulation can find it.
public struct QuorumPeerMachine: Sendable {
    public struct Settings: Sendable {
        public var zab: ZabSettings
        /// Voters and observers: a leader outside this set is never followed.
        public var members: Set<Int>
        public var election: FastLeaderElection.Settings
        /// Sync answers waiting for commits, at most (see `syncRequested`).
        public var maxPendingSyncAnswers = 10_000

        public init(zab: ZabSettings, members: Set<Int>) {
            precondition(members.isSuperset(of: zab.voters), "every voter is a member")
            precondition(members.contains(zab.myid), "s\(zab.myid) is not a member")
            self.zab = zab
            self.members = members
            var election = FastLeaderElection.Settings(myid: zab.myid, voters: zab.voters)
            // A voter whose election port refuses us cannot send a better vote:
            // decide without finalizeWait once everyone else agrees (docs/ensemble.md).
            election.decidesWhenAllReachableAgree = true
            self.election = election
        }
    }

    struct PendingSyncAnswer: Sendable {
        var sid: Int
        /// The last zxid proposed when the sync arrived: answered once it commits.
        var afterZxid: Int64
        var payload: [UInt8]
    }

    public internal(set) var settings: Settings
    public var myid: Int { settings.zab.myid }
    /// Observing: an observer's role, or looking as an observer of the
    /// configuration. A server outside it (joining or removed by reconfig)
    /// follows without a vote, as Apache's participants do.
    public var isObserver: Bool {
        role.learner?.isObserver ?? (!settings.zab.voters.contains(myid) && settings.members.contains(myid))
    }
    /// The voters of a reconfig this server logged and has not seen
    /// activated (QuorumPeerMachine+Reconfig.swift).
    public internal(set) var proposedVoters: Set<Int>?
    /// The voter a committed reconfig designated to lead when it removed our
    /// leader: the next election proposes it (QuorumPeerMachine+Reconfig.swift).
    public internal(set) var designatedLeader: Int?

    public internal(set) var election: FastLeaderElection
    public internal(set) var recorder = ElectionRecorder()
    public internal(set) var role: ZabRole = .looking
    public internal(set) var acceptedEpoch: Int64
    public internal(set) var currentEpoch: Int64
    public internal(set) var lookingSinceMs: Int64
    /// Bumped at every role change: a connect begun for an older role is void.
    public internal(set) var generation = 0
    public internal(set) var isStopped = false
    /// A `restoreState` is out: the election starts when `stateRestored` answers.
    public internal(set) var awaitingState = false
    /// The applied zxid the shell reported last (at start or `stateRestored`):
    /// the zxid an election proposes and a new role starts from.
    var appliedZxid: Int64
    /// Logged txns above `historyFloorZxid` a new leader may DIFF from; dropped
    /// once a role begins (the leader copies what it needs).
    var history: [ZabTxn]
    var historyFloorZxid: Int64
    public internal(set) var unreachableVoters: Set<Int> = []

    /// Leader side: each learner's bound link, and the reverse.
    var learnerLinks: [Int: PeerLink] = [:]
    var learnerOfLink: [PeerLink: Int] = [:]
    /// Learners that introduced themselves while we still looked: followers
    /// often decide a little before their leader (each waits finalizeWait on
    /// its own clock), so they are held, not refused, and join once we lead.
    var earlyLearners: [Int: (link: PeerLink, info: QuorumMessage)] = [:]
    /// Learner side: the established link to the leader.
    public internal(set) var leaderLink: PeerLink?
    var pendingSyncAnswers: Deque<PendingSyncAnswer> = []

    /// A member that recovered `appliedZxid` (its tree) with `history` logged
    /// above `historyFloorZxid`, and these epochs from its epoch files.
    public init(settings: Settings, acceptedEpoch: Int64, currentEpoch: Int64, appliedZxid: Int64,
                history: [ZabTxn], historyFloorZxid: Int64, nowMs: Int64) {
        self.settings = settings
        election = FastLeaderElection(settings: settings.election)
        // A log newer than the current epoch file (Apache's upgrade case):
        // the epoch of the last txn is the current epoch.
        let current = max(currentEpoch, Zxid.epoch(appliedZxid))
        self.currentEpoch = current
        self.acceptedEpoch = max(acceptedEpoch, current)
        self.appliedZxid = appliedZxid
        self.history = history
        self.historyFloorZxid = historyFloorZxid
        lookingSinceMs = nowMs
    }

    // MARK: Lifecycle

    public mutating func start(nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        lookAgain(reason: nil, nowMs: nowMs, into: &out)
        return out
    }

    /// The process is shutting down: every link closes, nothing more happens.
    public mutating func stop() -> [PeerEffect] {
        var out: [PeerEffect] = []
        isStopped = true
        generation += 1
        closeRoleLinks(into: &out)
        for sid in earlyLearners.keys.sorted() { out.append(.close(earlyLearners[sid]!.link)) }
        earlyLearners = [:]
        return out
    }

    public mutating func tick(nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        guard !isStopped, !awaitingState else { return out }
        switch role {
        case .looking:
            electionDirectives(election.tick(nowMs: nowMs), nowMs: nowMs, into: &out)
        case .leading:
            runLeader({ $0.tick(nowMs: nowMs) }, nowMs: nowMs, into: &out)
        case .learning:
            runLearner({ $0.tick(nowMs: nowMs) }, nowMs: nowMs, into: &out)
        }
        return out
    }

    /// The answer to `restoreState`: the tree again equals the durable log.
    public mutating func stateRestored(appliedZxid: Int64, history: [ZabTxn], historyFloorZxid: Int64, nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        precondition(awaitingState, "stateRestored without a restoreState")
        precondition(history.last.map { $0.zxid == appliedZxid } ?? true, "history ends at \(Zxid.hex(history.last?.zxid ?? 0)), tree at \(Zxid.hex(appliedZxid))")
        awaitingState = false
        self.appliedZxid = appliedZxid
        self.history = history
        self.historyFloorZxid = historyFloorZxid
        guard !isStopped else { return out }
        beginElection(nowMs: nowMs, into: &out)
        return out
    }

    // MARK: Looking

    /// Leaves whatever role we had and looks for a leader; `reason` nil: the
    /// process just started (its state is fresh from disk). Otherwise the tree
    /// must first equal the durable log again, logged-but-uncommitted txns
    /// included, as Apache's database reload does: the election starts once
    /// the shell answers `restoreState`.
    mutating func lookAgain(reason: String?, nowMs: Int64, into out: inout [PeerEffect]) {
        guard !isStopped else { return }
        if reason != nil, case .looking = role { return }
        out.append(.log(.info, "s\(myid) LOOKING: \(reason ?? "starting")"))
        generation += 1
        closeRoleLinks(into: &out)
        role = .looking
        pendingSyncAnswers.removeAll()
        out.append(.leaveRole)
        if reason == nil {
            beginElection(nowMs: nowMs, into: &out)
        } else {
            awaitingState = true
            out.append(.restoreState)
        }
    }

    private mutating func beginElection(nowMs: Int64, into out: inout [PeerEffect]) {
        lookingSinceMs = nowMs
        let directives = election.start(lastZxid: UInt64(bitPattern: appliedZxid), currentEpoch: UInt64(currentEpoch), nowMs: nowMs,
                                        proposing: designatedLeader)
        designatedLeader = nil
        recorder.started(round: election.round, nowMs: nowMs)
        electionDirectives(directives, nowMs: nowMs, into: &out)
    }

    public mutating func electionReceived(_ notification: Notification, nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        guard !isStopped else { return out }
        // A voter we hear from is reachable again.
        if unreachableVoters.remove(notification.from) != nil, !awaitingState {
            electionDirectives(election.setUnreachable(unreachableVoters), nowMs: nowMs, into: &out)
        }
        // While the state is restored the election has not begun: FLE resends.
        guard !awaitingState else { return out }
        let directives = election.receive(notification, nowMs: nowMs)
        if election.state == .looking || !directives.isEmpty {
            recorder.received(notification, round: election.round, nowMs: nowMs)
        }
        electionDirectives(directives, nowMs: nowMs, into: &out)
        return out
    }

    /// The shell's election connection to `sid` failed, dropped or came up.
    public mutating func electionPeer(_ sid: Int, reachable: Bool, nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        let changed = reachable ? unreachableVoters.remove(sid) != nil : unreachableVoters.insert(sid).inserted
        guard changed, !isStopped, !awaitingState else { return out }
        electionDirectives(election.setUnreachable(unreachableVoters), nowMs: nowMs, into: &out)
        return out
    }

    /// The shell's peer network came back (zkdash demo healed a partition):
    /// a LOOKING server announces its vote at once.
    public mutating func networkHealed(nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        guard !isStopped, !awaitingState else { return out }
        electionDirectives(election.resendNow(nowMs: nowMs), nowMs: nowMs, into: &out)
        return out
    }

    private mutating func electionDirectives(_ directives: [FastLeaderElection.Directive], nowMs: Int64, into out: inout [PeerEffect]) {
        for directive in directives {
            switch directive {
            case .send(let to, let notification):
                out.append(.sendElection(to: to, notification))
            case .decided(let state, let vote, let round):
                recorder.decided(winner: vote.leader, round: round, nowMs: nowMs)
                out.append(.decided(state, leader: vote.leader, round: round, afterMs: nowMs - lookingSinceMs))
                become(state, leader: vote.leader, nowMs: nowMs, into: &out)
            case .newerConfig(let text):
                out.append(.newerConfig(text))
            }
        }
    }

    private mutating func become(_ state: PeerState, leader: Int, nowMs: Int64, into out: inout [PeerEffect]) {
        precondition(state != .looking && !awaitingState)
        generation += 1
        if state == .leading {
            precondition(leader == myid, "s\(myid) leads for s\(leader)")
            role = .leading(ZabLeader(settings: settings.zab, acceptedEpoch: acceptedEpoch, currentEpoch: currentEpoch,
                                      lastZxid: appliedZxid, history: history, historyFloorZxid: historyFloorZxid,
                                      proposedVoters: proposedVoters, nowMs: nowMs))
            history = []
            admitEarlyLearners(nowMs: nowMs, into: &out)
        } else {
            for sid in earlyLearners.keys.sorted() { out.append(.close(earlyLearners[sid]!.link)) }
            earlyLearners = [:]
            role = .learning(ZabLearner(settings: settings.zab, leader: leader, isObserver: state == .observing,
                                        acceptedEpoch: acceptedEpoch, currentEpoch: currentEpoch, lastZxid: appliedZxid, nowMs: nowMs))
            history = []
            guard settings.members.contains(leader), leader != myid else {
                lookAgain(reason: "leader s\(leader) is not in the configuration", nowMs: nowMs, into: &out)
                return
            }
            out.append(.connectToLeader(sid: leader, attempt: generation))
        }
    }

    /// Closes the links of the role we leave (held early learners stay: they
    /// may be ours when we lead).
    mutating func closeRoleLinks(into out: inout [PeerEffect]) {
        for sid in learnerLinks.keys.sorted() { out.append(.close(learnerLinks[sid]!)) }
        learnerLinks = [:]
        learnerOfLink = [:]
        if let link = leaderLink { out.append(.close(link)) }
        leaderLink = nil
    }

    /// The epochs are the machine's and the disk's alike: the shell writes
    /// them through before anything that depends on them is sent.
    mutating func persist(acceptedEpoch epoch: Int64, into out: inout [PeerEffect]) {
        assert(epoch >= acceptedEpoch, "accepted epoch goes back from \(acceptedEpoch) to \(epoch)")
        acceptedEpoch = epoch
        out.append(.persistAcceptedEpoch(epoch))
    }

    mutating func persist(currentEpoch epoch: Int64, into out: inout [PeerEffect]) {
        assert(epoch <= acceptedEpoch, "current epoch \(epoch) above the accepted \(acceptedEpoch)")
        currentEpoch = epoch
        out.append(.persistCurrentEpoch(epoch))
    }

    // MARK: Disk

    /// The local log is on disk up to `zxid`: the leader's own ack, or the
    /// learner's ack to its leader.
    public mutating func durable(upTo zxid: Int64, nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        runLeader({ $0.localSynced(upTo: zxid) }, nowMs: nowMs, into: &out)
        runLearner({ $0.logSynced(upTo: zxid) }, nowMs: nowMs, into: &out)
        return out
    }

    /// The leader's core prepared and logged a txn; `reconfiguringTo`: it is a
    /// reconfig that makes these the voters.
    public mutating func proposed(_ txn: ZabTxn, reconfiguringTo newVoters: Set<Int>? = nil, nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        if let newVoters { reconfigSeen(voters: newVoters) }
        runLeader({ $0.propose(txn, reconfiguringTo: newVoters) }, nowMs: nowMs, into: &out)
        return out
    }
}
