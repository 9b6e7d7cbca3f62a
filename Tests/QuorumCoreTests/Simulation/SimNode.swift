@testable import QuorumCore

/// What one simulated server keeps on disk.
struct SimDisk {
    var acceptedEpoch: Int64 = 0
    var currentEpoch: Int64 = 0
    /// A snapshot loaded from a leader: its whole applied sequence at `snapshotZxid`.
    var snapshot: [ZabTxn] = []
    var snapshotZxid: Int64 = 0
    /// Txns logged after the snapshot; the first `durable` survive a power loss.
    var log: [ZabTxn] = []
    var durable = 0
    /// Changes whenever the log is rewritten (truncation, snapshot, reload,
    /// crash), so that an fsync issued against older contents reports nothing.
    var generation = 0
    /// The batch being written and synced: the log up to this count.
    var syncingTo: Int?

    var lastZxid: Int64 { log.last?.zxid ?? snapshotZxid }
    var durableZxid: Int64 { durable > 0 ? log[durable - 1].zxid : snapshotZxid }

    /// The process stops, or leaves its role: as the shell's log queue, it
    /// finishes the batch it is writing (power loss aside) and loses the txns
    /// queued behind it. Returns how many txns were lost.
    mutating func dropUnsynced(finishingBatch: Bool) -> Int {
        if finishingBatch, let count = syncingTo { durable = max(durable, count) }
        syncingTo = nil
        let lost = log.count - durable
        log.removeLast(lost)
        return lost
    }
}

enum SimRole {
    case down
    case looking
    case leading(ZabLeader)
    case learning(ZabLearner)
}

/// One server: its disk, and the in-memory state of the shell around the
/// election and ZAB machines (lost at a crash).
final class SimNode {
    let sid: Int
    let isObserver: Bool
    var disk = SimDisk()
    var up = false
    /// A paused process runs nothing; what arrives for it waits in `inbox`.
    var paused = false
    var inbox: [SimEvent] = []
    /// Bumped at every start and crash: timers of an older process are void.
    var incarnation = 0
    /// Bumped at every role change, like the real shell's `generation`.
    var roleGeneration = 0
    var election: FastLeaderElection
    var role: SimRole = .down
    /// The epochs as the shell holds them in memory (written through to disk).
    var acceptedEpoch: Int64 = 0
    var currentEpoch: Int64 = 0
    /// The data tree, reduced to the sequence of txns applied to it.
    var tree: [ZabTxn] = []
    /// How much of `tree` is known to agree with the global committed sequence.
    var verified = 0
    /// The txns the shell holds for a leader's DIFFs (the log read at the
    /// last reload), after `historyFloorZxid`.
    var history: [ZabTxn] = []
    var historyFloorZxid: Int64 = 0
    var serving = false
    /// Learner side: the connection to the leader's quorum port.
    var leaderConnection: Int?
    /// Leader side: each learner's accepted connection.
    var learnerConnections: [Int: Int] = [:]
    /// Learners that introduced themselves while this server still looked:
    /// held (connection and LEARNERINFO) until it leads, as the shell does.
    var earlyLearners: [Int: (connection: Int, info: QuorumMessage)] = [:]
    /// A stalled disk never completes an fsync; a slow one takes ten times longer.
    var stalled = false
    var slowDisk = false
    /// For the trace: the candidate this node was last reported voting for.
    var announcedVote: Int?
    /// The shell's outgoing election connections: up, being made (with the
    /// newest notification to send once up), and the peers it knows it cannot
    /// reach (refused or dropped), which lets the election decide early.
    var electionLinks: Set<Int> = []
    var electionConnecting: [Int: Notification] = [:]
    var unreachable: Set<Int> = []

    init(sid: Int, voters: Set<Int>) {
        self.sid = sid
        isObserver = !voters.contains(sid)
        election = Self.newElection(sid: sid, voters: voters)
    }

    /// As QuorumPeer makes it: deciding early once every reachable voter agrees.
    static func newElection(sid: Int, voters: Set<Int>) -> FastLeaderElection {
        var settings = FastLeaderElection.Settings(myid: sid, voters: voters)
        settings.decidesWhenAllReachableAgree = true
        return FastLeaderElection(settings: settings)
    }

    var treeLastZxid: Int64 { tree.last?.zxid ?? 0 }

    /// Epochs are written through to disk at once, as the directives require.
    func persist(acceptedEpoch epoch: Int64) {
        disk.acceptedEpoch = epoch
        acceptedEpoch = epoch
    }

    func persist(currentEpoch epoch: Int64) {
        disk.currentEpoch = epoch
        currentEpoch = epoch
    }

    var leaderMachine: ZabLeader? {
        if case .leading(let zab) = role { return zab }
        return nil
    }

    var learnerMachine: ZabLearner? {
        if case .learning(let zab) = role { return zab }
        return nil
    }

    /// A leader that answers clients (the client model writes through it).
    var isServingLeader: Bool {
        up && !paused && serving && leaderMachine?.phase == .broadcast
    }
}

/// A learner's TCP connection to a leader's quorum port: an in-order stream
/// each way that can break but never reorders or duplicates.
struct SimConnection {
    let learner: Int
    let leader: Int
    var open = true
    /// The learner's connect completed.
    var established = false
    /// The leader accepted the learner's LEARNERINFO on it.
    var bound = false
    /// Arrival time of the last message each way: later ones never overtake it.
    var lastToLeader: Int64 = 0
    var lastToLearner: Int64 = 0
}

enum SimEvent {
    case tick(Int, incarnation: Int)
    case election(to: Int, Notification)
    case connected(connection: Int)
    /// The learner's connect to its leader failed (refused, or timed out).
    case connectFailed(Int, role: Int)
    /// An outgoing election connection came up or failed / dropped.
    case electionLink(Int, peer: Int, up: Bool, incarnation: Int)
    case quorum(connection: Int, toLeader: Bool, QuorumMessage)
    case closed(connection: Int, toLeader: Bool)
    case fsynced(Int, disk: Int, count: Int)
    case clientWrite(token: Int)
}

/// A leader's snapshot as bytes (the `.snap` message carries bytes): per txn
/// its zxid, the payload's length and the payload, big-endian.
enum SimSnapshot {
    static func encode(_ txns: [ZabTxn]) -> [UInt8] {
        var bytes: [UInt8] = []
        for txn in txns {
            append(UInt64(bitPattern: txn.zxid), bytes: 8, to: &bytes)
            append(UInt64(txn.payload.count), bytes: 4, to: &bytes)
            bytes += txn.payload
        }
        return bytes
    }

    static func decode(_ bytes: [UInt8]) -> [ZabTxn]? {
        var txns: [ZabTxn] = []
        var offset = 0
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { return nil }
            let zxid = Int64(bitPattern: read(bytes, at: offset, count: 8))
            let length = Int(read(bytes, at: offset + 8, count: 4))
            offset += 12
            guard offset + length <= bytes.count else { return nil }
            txns.append(ZabTxn(zxid: zxid, payload: Array(bytes[offset..<offset + length])))
            offset += length
        }
        return txns
    }

    private static func append(_ value: UInt64, bytes count: Int, to bytes: inout [UInt8]) {
        for shift in stride(from: (count - 1) * 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    private static func read(_ bytes: [UInt8], at offset: Int, count: Int) -> UInt64 {
        bytes[offset..<offset + count].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
