/// A follower's or observer's side of ZAB (Apache's Learner, Follower and
/// Observer) as a pure state machine.
///
/// Persist before ACK is structural: an ACK names a zxid only once the shell
/// reported the log durable up to it (`logSynced`), the NEWLEADER ack waits
/// until every txn of the synchronisation is durable, and epochs are persisted
/// by directives that come before the message that depends on them.
public struct ZabLearner: Sendable {
    public enum Phase: String, Sendable { case connecting, discovery, synchronization, broadcast }

    public enum Directive: Hashable, Sendable {
        case send(QuorumMessage)
        case persistAcceptedEpoch(Int64)
        case persistCurrentEpoch(Int64)
        /// Append to the txn log; durability is reported through `logSynced`.
        case log(ZabTxn)
        /// Committed: apply to the data tree, in this order.
        case apply(ZabTxn)
        /// Drop every logged txn above `zxid` and reload state from disk.
        case truncate(to: Int64)
        /// Replace state with this snapshot and make it durable.
        case loadSnapshot(zxid: Int64, snapshot: [UInt8])
        /// Synchronised with a serving leader: serve clients.
        case startServing
        /// Answer the leader's ping (with the sessions' activity).
        case answerPing
        /// The leader's membership, from its NEWLEADER: in force here when newer.
        case leaderConfig([UInt8])
        case abandon(reason: String)
    }

    public let settings: ZabSettings
    public let leader: Int
    public let isObserver: Bool
    public private(set) var phase: Phase = .connecting
    public private(set) var acceptedEpoch: Int64
    public private(set) var currentEpoch: Int64
    public private(set) var lastLoggedZxid: Int64
    public private(set) var durableZxid: Int64
    public private(set) var lastCommittedZxid: Int64
    private var pending: [ZabTxn] = []
    private var pendingHead = 0
    /// NEWLEADER received: ack it once the log is durable up to `requiredZxid`.
    private var newLeaderAck: (zxid: Int64, requiredZxid: Int64)?
    private var newLeaderAcked = false
    private var ackedZxid: Int64 = 0
    private let startedMs: Int64
    private var lastHeardMs: Int64

    public init(settings: ZabSettings, leader: Int, isObserver: Bool, acceptedEpoch: Int64, currentEpoch: Int64, lastZxid: Int64, nowMs: Int64) {
        self.settings = settings
        self.leader = leader
        self.isObserver = isObserver
        self.acceptedEpoch = acceptedEpoch
        self.currentEpoch = currentEpoch
        lastLoggedZxid = lastZxid
        durableZxid = lastZxid
        lastCommittedZxid = lastZxid
        startedMs = nowMs
        lastHeardMs = nowMs
    }

    /// The connection to the leader's quorum port is up: introduce ourselves.
    public mutating func connected(nowMs: Int64) -> [Directive] {
        guard phase == .connecting else { return [] }
        phase = .discovery
        lastHeardMs = nowMs
        return [.send(.learnerInfo(sid: settings.myid, acceptedEpoch: acceptedEpoch, isObserver: isObserver))]
    }

    /// The connection dropped, at any phase: look again. (A leader that has
    /// not finished its own election holds an early learner's connection
    /// rather than refusing it, so a drop always means the leader is gone or
    /// is not leading.)
    public mutating func disconnected() -> [Directive] {
        [.abandon(reason: "connection to leader s\(leader) lost")]
    }

    public mutating func receive(_ message: QuorumMessage, nowMs: Int64) -> [Directive] {
        lastHeardMs = nowMs
        switch message {
        case .leaderInfo(let epoch):
            return leaderInfo(epoch)
        case .diff:
            phase = .synchronization
            return []
        case .trunc(let zxid):
            phase = .synchronization
            pending = []
            pendingHead = 0
            lastLoggedZxid = zxid
            durableZxid = zxid
            lastCommittedZxid = zxid
            return [.truncate(to: zxid)]
        case .snap(let zxid, let snapshot):
            phase = .synchronization
            pending = []
            pendingHead = 0
            lastLoggedZxid = zxid
            durableZxid = zxid
            lastCommittedZxid = zxid
            return [.loadSnapshot(zxid: zxid, snapshot: snapshot)]
        case .proposal(let txn):
            guard !isObserver, txn.zxid > lastLoggedZxid else { return [] }
            lastLoggedZxid = txn.zxid
            pending.append(txn)
            return [.log(txn)]
        case .commit(let zxid):
            return commit(upTo: zxid)
        case .inform(let txn):
            guard txn.zxid > lastLoggedZxid else { return [] }
            lastLoggedZxid = txn.zxid
            lastCommittedZxid = txn.zxid
            return [.log(txn), .apply(txn)]
        case .newLeader(let zxid, let config):
            let out = newLeader(zxid)
            return config.isEmpty || out.contains(where: { if case .abandon = $0 { true } else { false } }) ? out : [.leaderConfig(config)] + out
        case .upToDate:
            guard phase == .synchronization, newLeaderAcked else { return [] }
            phase = .broadcast
            return [.startServing]
        case .ping:
            return [.answerPing]
        default:
            return []
        }
    }

    private mutating func leaderInfo(_ epoch: Int64) -> [Directive] {
        guard phase == .discovery else { return [] }
        if epoch < acceptedEpoch {
            return [.abandon(reason: "leader s\(leader) proposes epoch \(epoch), older than accepted epoch \(acceptedEpoch)")]
        }
        var out: [Directive] = []
        if epoch > acceptedEpoch {
            acceptedEpoch = epoch
            out.append(.persistAcceptedEpoch(epoch))
        }
        out.append(.send(.ackEpoch(currentEpoch: currentEpoch, lastZxid: lastLoggedZxid)))
        return out
    }

    private mutating func commit(upTo zxid: Int64) -> [Directive] {
        var out: [Directive] = []
        while pendingHead < pending.count, pending[pendingHead].zxid <= zxid {
            // Applied in zxid order, each once, and only what was logged.
            assert(pending[pendingHead].zxid > lastCommittedZxid && pending[pendingHead].zxid <= lastLoggedZxid,
                   "apply \(Zxid.hex(pending[pendingHead].zxid)) after \(Zxid.hex(lastCommittedZxid)), logged \(Zxid.hex(lastLoggedZxid))")
            out.append(.apply(pending[pendingHead]))
            lastCommittedZxid = pending[pendingHead].zxid
            pendingHead += 1
        }
        if pendingHead > 1024, pendingHead * 2 > pending.count {
            pending.removeFirst(pendingHead)
            pendingHead = 0
        }
        return out
    }

    private mutating func newLeader(_ zxid: Int64) -> [Directive] {
        guard phase == .synchronization || phase == .discovery, Zxid.epoch(zxid) == acceptedEpoch else {
            return [.abandon(reason: "NEWLEADER \(Zxid.hex(zxid)) does not match accepted epoch \(acceptedEpoch)")]
        }
        phase = .synchronization
        newLeaderAck = (zxid, lastLoggedZxid)
        return ackIfDurable()
    }

    /// The shell's log is durable up to `zxid`.
    public mutating func logSynced(upTo zxid: Int64) -> [Directive] {
        durableZxid = max(durableZxid, zxid)
        return ackIfDurable()
    }

    private mutating func ackIfDurable() -> [Directive] {
        var out: [Directive] = []
        if let pendingAck = newLeaderAck, durableZxid >= pendingAck.requiredZxid {
            newLeaderAck = nil
            newLeaderAcked = true
            ackedZxid = pendingAck.zxid
            // The new epoch becomes current only now that the leader's history
            // is on disk, then NEWLEADER is acked (Apache's ZOOKEEPER-4643
            // order). Persisted at NEWLEADER already, a crash before the
            // history was durable left a short log under the newest epoch: its
            // vote then beat servers holding committed txns, and the ensemble
            // simulation saw the new leader truncate them away.
            currentEpoch = Zxid.epoch(pendingAck.zxid)
            out.append(.persistCurrentEpoch(currentEpoch))
            out.append(.send(.ack(zxid: pendingAck.zxid)))
        }
        // Proposals of this epoch, acked cumulatively once on disk.
        if newLeaderAcked, !isObserver, durableZxid > ackedZxid, Zxid.epoch(durableZxid) == currentEpoch {
            ackedZxid = durableZxid
            out.append(.send(.ack(zxid: durableZxid)))
        }
        return out
    }

    /// Gives up when synchronisation takes longer than initLimit or the
    /// leader falls silent for syncLimit.
    public mutating func tick(nowMs: Int64) -> [Directive] {
        if phase != .broadcast {
            guard nowMs - startedMs > settings.initLimitMs else { return [] }
            return [.abandon(reason: "no sync with leader s\(leader) within initLimit (\(settings.initLimitMs) ms)")]
        }
        guard nowMs - lastHeardMs > settings.syncLimitMs else { return [] }
        return [.abandon(reason: "no word from leader s\(leader) for \(nowMs - lastHeardMs) ms (syncLimit \(settings.syncLimitMs) ms)")]
    }
}
