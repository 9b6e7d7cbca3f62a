@testable import QuorumCore
import ZooKeeperCore

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
    /// The configuration last activated (the real server's dynamic config
    /// file); nil: the initial one.
    var activeConfig: EnsembleSim.SimConfig?

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

/// One server: its disk, the shipped peer machine (lost at a crash), and
/// what the simulated shell around it holds: the applied state, the
/// outgoing election connections, a paused process's inbox.
final class SimNode {
    let sid: Int
    /// Not a voter of its active configuration (changes with reconfigs).
    var isObserver: Bool
    var disk = SimDisk()
    var up = false
    /// A paused process runs nothing; what arrives for it waits in `inbox`.
    var paused = false
    var inbox: [SimEvent] = []
    /// Bumped at every start and crash: timers of an older process are void.
    var incarnation = 0
    /// The machine `QuorumPeer` runs; nil while the process is down.
    var machine: QuorumPeerMachine?
    /// The data tree, reduced to the sequence of txns applied to it.
    var tree: [ZabTxn] = []
    /// With `SimOptions.realCore`: the shipped server core holding the real tree.
    var core: ServerCore?
    /// How much of `tree` is known to agree with the global committed sequence.
    var verified = 0
    var serving = false
    /// A stalled disk never completes an fsync; a slow one takes ten times longer.
    var stalled = false
    var slowDisk = false
    /// For the trace: the candidate this node was last reported voting for.
    var announcedVote: Int?
    /// The shell's outgoing election connections: up, and being made (with
    /// the newest notification to send once up).
    var electionLinks: Set<Int> = []
    var electionConnecting: [Int: Notification] = [:]

    init(sid: Int, voters: Set<Int>) {
        self.sid = sid
        isObserver = !voters.contains(sid)
    }

    var treeLastZxid: Int64 { tree.last?.zxid ?? 0 }

    var role: SimRole {
        guard up, let machine else { return .down }
        switch machine.role {
        case .looking: return .looking
        case .leading(let zab): return .leading(zab)
        case .learning(let zab): return .learning(zab)
        }
    }

    var leaderMachine: ZabLeader? { machine?.role.leader }
    var learnerMachine: ZabLearner? { machine?.role.learner }

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
    /// The peer machine's connect attempt this connection answers.
    let attempt: Int
    /// The learner's connect completed.
    var established = false
    /// The learner's first packet arrived (the leader's shell then hands the link to its machine).
    var introduced = false
    /// Arrival time of the last message each way: later ones never overtake it.
    var lastToLeader: Int64 = 0
    var lastToLearner: Int64 = 0
}

enum SimEvent {
    case tick(Int, incarnation: Int)
    case election(to: Int, Notification)
    case connected(connection: Int)
    /// The learner's connect to its leader failed (refused, or timed out).
    case connectFailed(Int, attempt: Int)
    /// An outgoing election connection came up or failed / dropped.
    case electionLink(Int, peer: Int, up: Bool, incarnation: Int)
    case quorum(connection: Int, toLeader: Bool, QuorumMessage)
    case closed(connection: Int, toLeader: Bool)
    case fsynced(Int, disk: Int, count: Int)
    case clientWrite(token: Int)
    /// The shell activates a configuration once the effects being performed are done.
    case activate(Int, incarnation: Int, config: EnsembleSim.SimConfig, byReconfigTxn: Bool)
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
