// Zxids: ZooKeeperProtocol.Zxid, the one zxid type of the project.
@_exported import struct ZooKeeperProtocol.Zxid

/// One replicated transaction: its zxid and its serialized form (the bytes the
/// txn log stores). ZAB never looks inside the payload.
public struct ZabTxn: Hashable, Sendable {
    public var zxid: Int64
    public var payload: [UInt8]

    public init(zxid: Int64, payload: [UInt8]) {
        self.zxid = zxid
        self.payload = payload
    }
}

/// What leader and learners say to each other over the quorum port
/// (Apache's QuorumPacket types). Acks and commits are cumulative here: a
/// learner logs proposals in order, so `ack(z)` covers every proposal up to z,
/// and `commit(z)` commits every pending proposal up to z.
public enum QuorumMessage: Hashable, Sendable {
    /// FOLLOWERINFO / OBSERVERINFO: who connects and the epoch it accepted last.
    case learnerInfo(sid: Int, acceptedEpoch: Int64, isObserver: Bool)
    /// LEADERINFO: the epoch the new leader proposes.
    case leaderInfo(newEpoch: Int64)
    /// ACKEPOCH: the learner's current epoch and last logged zxid.
    case ackEpoch(currentEpoch: Int64, lastZxid: Int64)
    /// Synchronisation: the txns that follow complete the learner's log.
    case diff(zxid: Int64)
    /// Synchronisation: drop logged txns above `zxid` first.
    case trunc(zxid: Int64)
    /// Synchronisation: replace everything with this snapshot, taken at `zxid`.
    case snap(zxid: Int64, snapshot: [UInt8])
    case proposal(ZabTxn)
    case commit(zxid: Int64)
    /// A committed txn for an observer, which never acks.
    case inform(ZabTxn)
    /// The learner has the leader's history; once it acks this, it counts.
    /// `config`: the leader's membership text (/zookeeper/config), as
    /// Apache's NEWLEADER carries its quorum verifier; empty from a leader
    /// without reconfigEnabled.
    case newLeader(zxid: Int64, config: [UInt8] = [])
    case ack(zxid: Int64)
    /// The leader is serving: so may the learner.
    case upToDate
    /// Liveness both ways; the learner's answer carries session touches.
    case ping(payload: [UInt8])
    /// A client write forwarded by a learner (opaque to ZAB).
    case request(payload: [UInt8])
    /// The leader's answer to a forwarded `sync` (opaque to ZAB).
    case syncAnswer(payload: [UInt8])

    /// Apache's QuorumPacket type numbers, used on the wire.
    public var typeCode: Int32 {
        switch self {
        case .request: 1
        case .proposal: 2
        case .ack: 3
        case .commit: 4
        case .ping: 5
        case .syncAnswer: 7
        case .newLeader: 10
        case .learnerInfo(_, _, let isObserver): isObserver ? 16 : 11
        case .upToDate: 12
        case .diff: 13
        case .trunc: 14
        case .snap: 15
        case .leaderInfo: 17
        case .ackEpoch: 18
        case .inform: 8
        }
    }
}
