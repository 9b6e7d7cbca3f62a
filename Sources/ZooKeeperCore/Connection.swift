import ZooKeeperProtocol

public typealias ConnectionID = Int64

/// What the core remembers of one client connection.
public struct ConnectionState: Sendable {
    /// A request waiting its turn: reads queue behind the same connection's
    /// writes so a client never reads older state than it wrote.
    enum Queued: Sendable, Equatable {
        case awaitingTxn(zxid: Int64)
        /// A learner's request that went to the leader: answered when its txn
        /// commits (or, for a sync, when the leader answers it). `syncPath` is
        /// the path a sync asked about, echoed in its reply.
        case awaitingForward(cxid: Int32, opCode: OpCode, receivedAtMs: Int64, syncPath: String? = nil)
        case read(header: RequestHeader, request: ClientRequest, receivedAtMs: Int64)
        /// A read whose body did not parse: answered MarshallingError in turn.
        case undecodableRead(header: RequestHeader, receivedAtMs: Int64)
    }

    public let id: ConnectionID
    public let remoteAddress: String
    public let remotePort: Int
    public let openedAtMs: Int64
    public internal(set) var sessionId: Int64 = 0
    public internal(set) var sessionTimeoutMs: Int = 0
    public internal(set) var isEstablished = false
    public internal(set) var authIds: [Id]
    /// SASL login progress; nil before the first `sasl` request.
    var sasl: SASLProgress?
    /// On a learner: the handshake waiting for its session's createSession
    /// txn to commit, answered then.
    var pendingConnect: ConnectRequest?
    var queue: [Queued] = []
    var queueHead = 0
    var isReadingPaused = false
    public var isReadingPausedForReport: Bool { isReadingPaused }

    // Per-connection figures for `cons`.
    public internal(set) var packetsReceived: Int64 = 0
    public internal(set) var packetsSent: Int64 = 0
    public internal(set) var lastCxid: Int32 = -1
    public internal(set) var lastZxid: Int64 = -1
    public internal(set) var lastResponseAtMs: Int64 = 0
    public internal(set) var lastLatencyMs: Int64 = 0
    public internal(set) var lastOperation = "NA"
    public internal(set) var latency = LatencyStats()

    init(id: ConnectionID, remoteAddress: String, remotePort: Int, openedAtMs: Int64) {
        self.id = id
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.openedAtMs = openedAtMs
        // Every connection carries its address as an `ip` identity.
        authIds = [Id(scheme: "ip", id: remoteAddress)]
    }

    public var outstandingRequests: Int { queue.count - queueHead }

    /// What request handling reads of a connection, without its queue. A
    /// whole `ConnectionState` held in a local while the request is queued
    /// shares the queue's buffer, so the append copies every queued request:
    /// O(requests in flight) per request.
    struct Facts {
        var id: ConnectionID
        var sessionId: Int64
        var sessionTimeoutMs: Int
        var authIds: [Id]
        var outstandingRequests: Int
        var isReadingPaused: Bool
    }

    var facts: Facts {
        Facts(id: id, sessionId: sessionId, sessionTimeoutMs: sessionTimeoutMs, authIds: authIds,
              outstandingRequests: outstandingRequests, isReadingPaused: isReadingPaused)
    }

    mutating func enqueue(_ item: Queued) {
        queue.append(item)
    }

    var front: Queued? { queueHead < queue.count ? queue[queueHead] : nil }

    mutating func popFront() {
        queueHead += 1
        // Compact once the consumed prefix dominates, keeping appends amortised O(1).
        if queueHead > 64 && queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
    }
}

/// Apache's four-letter `lastOp` codes, shown by `cons`.
extension OpCode {
    public var lastOperationCode: String {
        switch self {
        case .ping: "PING"
        case .createSession: "SESS"
        case .create, .create2, .createTTL, .createContainer: "CREA"
        case .delete, .deleteContainer: "DELE"
        case .exists: "EXIS"
        case .getData: "GETD"
        case .setData: "SETD"
        case .getACL: "GETA"
        case .setACL: "SETA"
        case .getChildren: "GETC"
        case .getChildren2: "GETC"
        case .sync: "SYNC"
        case .check: "CHEC"
        case .multi: "MULT"
        case .multiRead: "MLTR"
        case .setWatches, .setWatches2: "SETW"
        case .closeSession: "CLOS"
        case .getEphemerals: "GETE"
        case .addWatch: "ADDW"
        case .checkWatches: "CHKW"
        case .removeWatches: "REMW"
        case .whoAmI: "HOMI"
        case .getAllChildrenNumber: "GETACN"
        default: "NA"
        }
    }
}
