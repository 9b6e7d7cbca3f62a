import DequeModule

/// Timing and membership shared by both sides of ZAB.
public struct ZabSettings: Sendable, Equatable {
    public var myid: Int
    /// Voting members, this server included when it votes.
    public var voters: Set<Int>
    public var tickMs: Int64
    /// Ticks a learner may take to connect and sync (zoo.cfg initLimit).
    public var initLimitTicks: Int64
    /// Ticks without a word before a peer counts as gone (zoo.cfg syncLimit).
    public var syncLimitTicks: Int64
    /// Committed txns the leader keeps in memory to sync learners by DIFF;
    /// a learner further behind gets a snapshot.
    public var maxHistory: Int
    /// The membership in force as /zookeeper/config text, sent with NEWLEADER
    /// (empty: none is sent, the ensemble does not reconfigure).
    public var configData: [UInt8] = []

    public init(myid: Int, voters: Set<Int>, tickMs: Int64, initLimitTicks: Int64, syncLimitTicks: Int64, maxHistory: Int = 100_000) {
        self.myid = myid
        self.voters = voters
        self.tickMs = tickMs
        self.initLimitTicks = initLimitTicks
        self.syncLimitTicks = syncLimitTicks
        self.maxHistory = maxHistory
    }

    var initLimitMs: Int64 { tickMs * initLimitTicks }
    var syncLimitMs: Int64 { tickMs * syncLimitTicks }
}

/// The leader's side of ZAB (Apache's Leader and LearnerHandler) as a pure
/// state machine: learner messages, local fsync progress, proposals and ticks
/// in; directives out. Directives are performed in order: persist directives
/// complete before anything after them is sent.
///
/// Phases: discovery (a quorum reports its accepted epoch; the new epoch is
/// one past the highest and is persisted before LEADERINFO goes out; a quorum
/// acks it), synchronisation (each learner gets DIFF / TRUNC / SNAP and then
/// NEWLEADER; once a quorum acks NEWLEADER the epoch becomes current and the
/// leader serves), broadcast (PROPOSAL → ACK from a quorum → COMMIT, INFORM
/// to observers).
///
/// Reconfiguration (Apache's ZOOKEEPER-107): while a reconfig txn is
/// outstanding (`pendingReconfig`), every commit needs a quorum of the old
/// voters and of the new ones; the new voters count alone from the commit of
/// the reconfig txn on, for the txns proposed after it too (they follow it in
/// every log, so any later leader holds the reconfig and needs the new
/// voters' quorum). Apache keeps requiring the old quorum for those; voters
/// the reconfig demoted may have stopped acking by then, and the ensemble
/// simulation saw commits stall for good. A follower that is not a voter yet (a
/// server joining by reconfig) is synced, gets proposals and acks them like
/// any follower: its acks count once its configuration is proposed.
public struct ZabLeader: Sendable {
    public enum Phase: String, Sendable { case discovery, synchronization, broadcast }

    public enum Directive: Hashable, Sendable {
        case persistAcceptedEpoch(Int64)
        case persistCurrentEpoch(Int64)
        case send(to: Int, QuorumMessage)
        /// Send `.snap` of the tree as committed now (at `lastCommittedZxid`).
        case sendSnapshot(to: Int)
        /// Apply and answer everything up to this zxid locally.
        case commit(upTo: Int64)
        /// A quorum has the new epoch's history: serve clients.
        case startServing(epoch: Int64)
        /// A learner reported activity of its clients' sessions.
        case sessionTouches(from: Int, payload: [UInt8])
        case disconnect(Int, reason: String)
        /// Leading failed (no quorum, or a learner is ahead): look again.
        case abandon(reason: String)
    }

    enum LearnerPhase: Sendable, Equatable { case connected, epochAcked, syncing, synced }

    struct Learner: Sendable {
        var isObserver: Bool
        var acceptedEpoch: Int64
        var phase: LearnerPhase = .connected
        var lastZxid: Int64 = 0
        var ackedZxid: Int64 = 0
        var lastHeardMs: Int64
        var upToDateSent = false
    }

    public private(set) var settings: ZabSettings
    /// A reconfig txn proposed (or found in the log a new leader starts
    /// from) and not committed yet, with the voters it makes.
    public private(set) var pendingReconfig: (zxid: Int64, voters: Set<Int>)?
    public private(set) var phase: Phase = .discovery
    public private(set) var newEpoch: Int64?
    public private(set) var lastCommittedZxid: Int64
    public private(set) var lastProposedZxid: Int64
    /// Apache's zk_pending_syncs: learners being synchronised right now.
    public var pendingSyncs: Int { learners.values.filter { $0.phase == .syncing }.count }
    public var syncedFollowers: [Int] { learners.filter { !$0.value.isObserver && $0.value.phase == .synced }.map(\.key).sorted() }
    public var syncedObservers: [Int] { learners.filter { $0.value.isObserver && $0.value.phase == .synced }.map(\.key).sorted() }
    public var connectedLearners: [Int] { learners.keys.sorted() }

    private var acceptedEpoch: Int64
    private var currentEpoch: Int64
    private var learners: [Int: Learner] = [:]
    private var epochReporters: Set<Int>
    private var epochAckers: Set<Int>
    private var newLeaderAckers: Set<Int>
    private var highestAcceptedEpoch: Int64
    /// Committed txns above the last snapshot, for DIFF (bounded).
    private var history: TxnHistory
    /// Proposed, not yet committed, in zxid order.
    private var outstanding: Deque<ZabTxn> = []
    private var localDurableZxid: Int64
    private let startedMs: Int64
    private var nextPingMs: Int64

    /// `history` holds the txns logged after its floor (the last snapshot);
    /// the leader's whole log counts as committed in its epoch. Only its
    /// newest `settings.maxHistory` txns are kept.
    ///
    /// `proposedVoters`: the voters of a reconfig txn in our log that we have
    /// not seen committed. It commits with the rest of the log once a quorum
    /// of both configurations has synced (every phase needs both until then).
    public init(settings: ZabSettings, acceptedEpoch: Int64, currentEpoch: Int64, lastZxid: Int64,
                history: [ZabTxn], historyFloorZxid: Int64, proposedVoters: Set<Int>? = nil, nowMs: Int64) {
        self.settings = settings
        if let proposed = proposedVoters, proposed != settings.voters { pendingReconfig = (lastZxid, proposed) }
        self.acceptedEpoch = acceptedEpoch
        self.currentEpoch = currentEpoch
        self.history = TxnHistory(capacity: settings.maxHistory, floorZxid: historyFloorZxid, txns: history)
        lastCommittedZxid = lastZxid
        lastProposedZxid = lastZxid
        localDurableZxid = lastZxid
        highestAcceptedEpoch = acceptedEpoch
        epochReporters = [settings.myid]
        epochAckers = [settings.myid]
        newLeaderAckers = [settings.myid]
        startedMs = nowMs
        nextPingMs = nowMs + settings.tickMs
    }

    private var newLeaderZxid: Int64 { Zxid.make(epoch: newEpoch ?? 0, counter: 0) }

    /// A majority of the voters in force and, while a reconfig is pending,
    /// of its voters too.
    private func isQuorum(_ sids: Set<Int>) -> Bool {
        guard sids.intersection(settings.voters).count > settings.voters.count / 2 else { return false }
        guard let pending = pendingReconfig else { return true }
        return sids.intersection(pending.voters).count > pending.voters.count / 2
    }

    /// The voters whose acks count now, in either configuration.
    public var countingVoters: Set<Int> { pendingReconfig.map { settings.voters.union($0.voters) } ?? settings.voters }

    // MARK: Learners

    public mutating func receive(_ message: QuorumMessage, from sid: Int, nowMs: Int64) -> [Directive] {
        if case .learnerInfo(_, let accepted, let isObserver) = message {
            return learnerJoined(sid, acceptedEpoch: accepted, isObserver: isObserver, nowMs: nowMs)
        }
        guard learners[sid] != nil else { return [] }
        learners[sid]?.lastHeardMs = nowMs
        switch message {
        case .ackEpoch(let theirEpoch, let theirZxid):
            return epochAcked(sid, currentEpoch: theirEpoch, lastZxid: theirZxid)
        case .ack(let zxid):
            return acked(sid, zxid: zxid)
        case .ping(let payload):
            return payload.isEmpty ? [] : [.sessionTouches(from: sid, payload: payload)]
        default:
            // Requests and sync go to the server core, not to ZAB.
            return []
        }
    }

    private mutating func learnerJoined(_ sid: Int, acceptedEpoch accepted: Int64, isObserver observer: Bool, nowMs: Int64) -> [Directive] {
        // The learner's own word decides how it is fed (Apache's LearnerType):
        // a participant outside our voters is a non-voting follower, whose
        // acks count only once a configuration naming it is proposed.
        learners[sid] = Learner(isObserver: observer, acceptedEpoch: accepted, lastHeardMs: nowMs)
        highestAcceptedEpoch = max(highestAcceptedEpoch, accepted)
        if let epoch = newEpoch { return [.send(to: sid, .leaderInfo(newEpoch: epoch))] }
        if !observer { epochReporters.insert(sid) }
        guard isQuorum(epochReporters) else { return [] }
        // Apache's getEpochToPropose: one past every epoch anyone accepted.
        let epoch = max(highestAcceptedEpoch, acceptedEpoch) + 1
        newEpoch = epoch
        acceptedEpoch = epoch
        var out: [Directive] = [.persistAcceptedEpoch(epoch)]
        for learner in learners.keys.sorted() { out.append(.send(to: learner, .leaderInfo(newEpoch: epoch))) }
        return out
    }

    private mutating func epochAcked(_ sid: Int, currentEpoch theirEpoch: Int64, lastZxid theirZxid: Int64) -> [Directive] {
        guard var learner = learners[sid], learner.phase == .connected else { return [] }
        learner.phase = .epochAcked
        learner.lastZxid = theirZxid
        learners[sid] = learner
        if phase == .discovery, !learner.isObserver {
            // A voter with a newer history than ours means the election chose
            // wrongly (or we lost state): leading must not go on.
            if theirEpoch > currentEpoch || (theirEpoch == currentEpoch && theirZxid > lastCommittedZxid) {
                return [.abandon(reason: "s\(sid) is ahead of the leader (epoch \(theirEpoch), zxid \(Zxid.hex(theirZxid)))")]
            }
            epochAckers.insert(sid)
            guard isQuorum(epochAckers) else { return [] }
            phase = .synchronization
            return learners.filter { $0.value.phase == .epochAcked }.keys.sorted().flatMap { sync($0) }
        }
        return phase == .discovery ? [] : sync(sid)
    }

    /// Apache's LearnerHandler.syncFollower: the cheapest way to bring the
    /// learner's log to ours, then NEWLEADER.
    private mutating func sync(_ sid: Int) -> [Directive] {
        guard var learner = learners[sid] else { return [] }
        learner.phase = .syncing
        learners[sid] = learner
        let peerZxid = learner.lastZxid
        var out: [Directive] = []
        if peerZxid == lastCommittedZxid {
            out.append(.send(to: sid, .diff(zxid: lastCommittedZxid)))
        } else if peerZxid >= history.floorZxid, peerZxid < lastCommittedZxid {
            // Resume after the newest txn both logs can share.
            let common = history.newest(atOrBelow: peerZxid)?.zxid ?? history.floorZxid
            out.append(.send(to: sid, common == peerZxid ? .diff(zxid: lastCommittedZxid) : .trunc(zxid: common)))
            out += sendCommitted(history.txns(above: common), to: sid, observer: learner.isObserver)
        } else if peerZxid > lastCommittedZxid {
            // The learner logged txns that never committed (or that are still
            // outstanding and will be proposed to it again below).
            out.append(.send(to: sid, .trunc(zxid: lastCommittedZxid)))
        } else {
            out.append(.sendSnapshot(to: sid))
        }
        if !learner.isObserver {
            for txn in outstanding { out.append(.send(to: sid, .proposal(txn))) }
        }
        out.append(.send(to: sid, .newLeader(zxid: newLeaderZxid, config: settings.configData)))
        return out
    }

    /// Committed txns for a learner's log: proposals then one cumulative
    /// commit for a follower, informs for an observer.
    private func sendCommitted(_ txns: [ZabTxn], to sid: Int, observer: Bool) -> [Directive] {
        guard let last = txns.last else { return [] }
        if observer { return txns.map { .send(to: sid, .inform($0)) } }
        return txns.map { .send(to: sid, .proposal($0)) } + [.send(to: sid, .commit(zxid: last.zxid))]
    }

    private mutating func acked(_ sid: Int, zxid: Int64) -> [Directive] {
        guard var learner = learners[sid] else { return [] }
        var out: [Directive] = []
        if zxid == newLeaderZxid, learner.phase == .syncing {
            learner.phase = .synced
            learners[sid] = learner
            if !learner.isObserver { newLeaderAckers.insert(sid) }
            if phase == .broadcast {
                learners[sid]?.upToDateSent = true
                out.append(.send(to: sid, .upToDate))
            } else if phase == .synchronization, isQuorum(newLeaderAckers) {
                out += startBroadcast()
            }
        }
        if !learner.isObserver, zxid > learner.ackedZxid {
            learners[sid]?.ackedZxid = zxid
            out += commitReady()
        }
        return out
    }

    private mutating func startBroadcast() -> [Directive] {
        guard let epoch = newEpoch else { return [] }
        phase = .broadcast
        currentEpoch = epoch
        // The whole log is the new epoch's committed history now.
        activatePendingReconfig(committedUpTo: lastCommittedZxid)
        var out: [Directive] = [.persistCurrentEpoch(epoch), .startServing(epoch: epoch)]
        for (sid, learner) in learners.sorted(by: { $0.key < $1.key }) where learner.phase == .synced {
            learners[sid]?.upToDateSent = true
            out.append(.send(to: sid, .upToDate))
        }
        return out
    }

    public mutating func learnerDisconnected(_ sid: Int) {
        learners[sid] = nil
        newLeaderAckers.remove(sid)
    }

    // MARK: Broadcast

    /// A txn the local core prepared (zxids increase by one within the epoch).
    ///
    /// `reconfiguringTo`: the txn is a reconfig making these the voters. The
    /// core refuses a second one while one is outstanding (ReconfigInProgress).
    public mutating func propose(_ txn: ZabTxn, reconfiguringTo newVoters: Set<Int>? = nil) -> [Directive] {
        guard phase == .broadcast, txn.zxid > lastProposedZxid else { return [] }
        if let newVoters {
            precondition(pendingReconfig == nil, "a second reconfig \(Zxid.hex(txn.zxid)) while one is outstanding")
            pendingReconfig = (txn.zxid, newVoters)
        }
        assert(newEpoch.map { Zxid.epoch(txn.zxid) == $0 } ?? true, "proposal \(Zxid.hex(txn.zxid)) outside the leader's epoch")
        lastProposedZxid = txn.zxid
        outstanding.append(txn)
        return learners.keys.sorted().compactMap { sid in
            guard let learner = learners[sid], !learner.isObserver, learner.phase == .syncing || learner.phase == .synced else { return nil }
            return .send(to: sid, .proposal(txn))
        }
    }

    /// Our own log is on disk up to `zxid`: the leader's ack.
    public mutating func localSynced(upTo zxid: Int64) -> [Directive] {
        localDurableZxid = max(localDurableZxid, zxid)
        return commitReady()
    }

    private func ackedZxid(of sid: Int) -> Int64? {
        if sid == settings.myid { return localDurableZxid }
        guard let learner = learners[sid], !learner.isObserver, learner.phase == .synced else { return nil }
        return learner.ackedZxid
    }

    /// The highest zxid a quorum of voters has on disk: acks are cumulative,
    /// so it is the majority-th highest of the voters' acked zxids. O(voters).
    /// While a reconfig is pending, the lower of both configurations' (a
    /// commit before the reconfig txn then waits for the new voters too:
    /// stricter than needed, never weaker).
    private func quorumDurableZxid() -> Int64 {
        let current = durableZxid(ofQuorumIn: settings.voters)
        guard let pending = pendingReconfig else { return current }
        return min(current, durableZxid(ofQuorumIn: pending.voters))
    }

    private func durableZxid(ofQuorumIn voters: Set<Int>) -> Int64 {
        var acked: [Int64] = []
        acked.reserveCapacity(voters.count)
        for sid in voters { acked.append(ackedZxid(of: sid) ?? Int64.min) }
        acked.sort(by: >)
        let majority = voters.count / 2 + 1
        return acked.count >= majority ? acked[majority - 1] : Int64.min
    }

    /// The reconfig txn committed (or the log holding it became the new
    /// epoch's): its voters alone count from now on.
    private mutating func activatePendingReconfig(committedUpTo zxid: Int64) {
        guard let pending = pendingReconfig, pending.zxid <= zxid else { return }
        settings.voters = pending.voters
        pendingReconfig = nil
    }

    /// The quorum shell activated a configuration the leader did not propose
    /// itself (observers changed, or the same voters): keeps the machine's
    /// voters equal to the members' view.
    public mutating func setVoters(_ voters: Set<Int>) {
        guard pendingReconfig == nil else { return }
        settings.voters = voters
    }

    /// The membership text NEWLEADER carries from now on.
    public mutating func setConfigData(_ data: [UInt8]) {
        settings.configData = data
    }

    /// Commits the longest prefix of outstanding proposals a quorum has on
    /// disk. Costs O(voters + txns committed), whatever the history holds.
    private mutating func commitReady() -> [Directive] {
        guard phase == .broadcast, let oldest = outstanding.first else { return [] }
        let durable = quorumDurableZxid()
        guard oldest.zxid <= durable else { return [] }
        var committed: [ZabTxn] = []
        while let txn = outstanding.first, txn.zxid <= durable {
            committed.append(outstanding.removeFirst())
        }
        let upTo = committed[committed.count - 1].zxid
        // Commits only move forward, never past what was proposed, and only
        // what a quorum of voters has on disk.
        assert(upTo > lastCommittedZxid && upTo <= lastProposedZxid && upTo <= durable,
               "commit \(Zxid.hex(upTo)) after \(Zxid.hex(lastCommittedZxid)), proposed \(Zxid.hex(lastProposedZxid)), durable \(Zxid.hex(durable))")
        lastCommittedZxid = upTo
        activatePendingReconfig(committedUpTo: upTo)
        var out: [Directive] = [.commit(upTo: upTo)]
        for sid in learners.keys.sorted() {
            guard let learner = learners[sid] else { continue }
            guard learner.phase == .syncing || learner.phase == .synced else { continue }
            if learner.isObserver {
                out += sendCommitted(committed, to: sid, observer: true)
            } else {
                out.append(.send(to: sid, .commit(zxid: upTo)))
            }
        }
        history.append(contentsOf: committed)
        assert(outstanding.first.map { $0.zxid > upTo } ?? true, "a proposal at or below the commit point is still outstanding")
        return out
    }

    /// Times the history's buffer was copied because it was shared: stays 0
    /// while the holder mutates this machine in place (see `TxnHistory`).
    public var historyBufferCopies: Int { history.bufferCopies }
    /// Committed txns kept in memory for DIFF.
    public var historyCount: Int { history.count }
    /// Proposed and not yet committed.
    public var outstandingCount: Int { outstanding.count }

    // MARK: Time

    /// Pings every tick; gives up when learners do not show up within
    /// initLimit, or when fewer than a quorum answered within syncLimit.
    public mutating func tick(nowMs: Int64) -> [Directive] {
        if phase != .broadcast {
            guard nowMs - startedMs > settings.initLimitMs else { return [] }
            let waitedFor = phase == .discovery ? (newEpoch == nil ? "followers" : "epoch acks") : "NEWLEADER acks"
            return [.abandon(reason: "no quorum of \(waitedFor) within initLimit (\(settings.initLimitMs) ms)")]
        }
        var out: [Directive] = []
        for (sid, learner) in learners.sorted(by: { $0.key < $1.key }) where nowMs - learner.lastHeardMs > settings.syncLimitMs {
            learnerDisconnected(sid)
            out.append(.disconnect(sid, reason: "no answer for \(nowMs - learner.lastHeardMs) ms (syncLimit \(settings.syncLimitMs) ms)"))
        }
        let alive = Set(learners.filter { !$0.value.isObserver && $0.value.phase == .synced }.keys).union([settings.myid])
        if !isQuorum(alive) {
            out.append(.abandon(reason: "lost the quorum: \(alive.intersection(countingVoters).count) of \(countingVoters.count) voters in touch"))
            return out
        }
        if nowMs >= nextPingMs {
            nextPingMs = nowMs + settings.tickMs
            for sid in learners.keys.sorted() { out.append(.send(to: sid, .ping(payload: []))) }
        }
        return out
    }
}
