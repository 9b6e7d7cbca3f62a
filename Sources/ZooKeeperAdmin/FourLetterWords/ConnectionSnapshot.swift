import ZooKeeperProtocol

/// One client connection as `cons` and `stat` list it (Apache's
/// `ServerCnxn.dumpConnectionInfo`). `crst` resets the counters, latencies,
/// `lastOperation`, `lastCxid`, `lastZxid` and `lastResponseMs`.
public struct ConnectionSnapshot: Sendable, Equatable {
    /// Peer address as Java's `InetSocketAddress.toString()` prints it:
    /// `/127.0.0.1:54321`, `/[0:0:0:0:0:0:0:1]:54321`. See `javaSocketAddress`.
    public var remoteAddress: String
    /// NIO selection interest, printed in hex: 1 = reading, 4 = writing,
    /// 5 = both, 0 = neither (a 4lw connection, or reads paused by throttling).
    public var interestOps: Int
    /// Requests from this connection not yet answered.
    public var queuedRequests: Int64
    /// Packets received on this connection since accept or `crst`.
    public var packetsReceived: Int64
    /// Packets sent on this connection since accept or `crst`.
    public var packetsSent: Int64
    /// Session id, 0 while the connection has no session yet (then `cons`
    /// prints only address, interest, queued, recved and sent).
    public var sessionId: Int64
    /// Short name of the last answered operation (`PING`, `GETD`, ...), `NA`
    /// before the first one; see `lastOperationName(for:)`.
    public var lastOperation: String
    /// When the connection was accepted, ms since the Unix epoch (`est=`).
    public var establishedEpochMs: Int64
    /// Negotiated session timeout, ms (`to=`).
    public var sessionTimeoutMs: Int
    /// Last client xid answered; -1 (omitted from `cons`) when none yet, as
    /// pings and other special xids do not count.
    public var lastCxid: Int64
    /// zxid sent with the last response; -1 (printed `0xffffffffffffffff`)
    /// before the first response.
    public var lastZxid: Int64
    /// Time of the last response, ms on the server's monotonic clock
    /// (Apache prints `System.nanoTime()/1e6`, an arbitrary origin); 0 if none.
    public var lastResponseMs: Int64
    /// Latency of the last response, ms.
    public var lastLatencyMs: Int64
    /// Latencies of this connection's responses, ms (`avglat` is integer).
    public var latency: LatencyStats

    public init(
        remoteAddress: String, interestOps: Int = 1, queuedRequests: Int64 = 0,
        packetsReceived: Int64 = 0, packetsSent: Int64 = 0, sessionId: Int64 = 0,
        lastOperation: String = "NA", establishedEpochMs: Int64 = 0, sessionTimeoutMs: Int = 0,
        lastCxid: Int64 = -1, lastZxid: Int64 = -1, lastResponseMs: Int64 = 0, lastLatencyMs: Int64 = 0,
        latency: LatencyStats = LatencyStats()
    ) {
        self.remoteAddress = remoteAddress
        self.interestOps = interestOps
        self.queuedRequests = queuedRequests
        self.packetsReceived = packetsReceived
        self.packetsSent = packetsSent
        self.sessionId = sessionId
        self.lastOperation = lastOperation
        self.establishedEpochMs = establishedEpochMs
        self.sessionTimeoutMs = sessionTimeoutMs
        self.lastCxid = lastCxid
        self.lastZxid = lastZxid
        self.lastResponseMs = lastResponseMs
        self.lastLatencyMs = lastLatencyMs
        self.latency = latency
    }

    /// `/host:port` with IPv6 literals in brackets, like Java 14+. (Java
    /// spells IPv6 uncompressed, `0:0:0:0:0:0:0:1`; pass that form for an
    /// exact match.)
    public static func javaSocketAddress(host: String, port: Int) -> String {
        host.contains(":") ? "/[\(host)]:\(port)" : "/\(host):\(port)"
    }

    /// The `lop=` names Apache's `FinalRequestProcessor` records; operations
    /// it never records there (auth, sasl, notification, ...) leave `NA`.
    public static func lastOperationName(for op: OpCode) -> String {
        switch op {
        case .ping: "PING"
        case .createSession: "SESS"
        case .multi: "MULT"
        case .multiRead: "MLTR"
        case .create, .create2, .createTTL, .createContainer: "CREA"
        case .delete, .deleteContainer: "DELE"
        case .setData: "SETD"
        case .reconfig: "RECO"
        case .setACL: "SETA"
        case .closeSession: "CLOS"
        case .sync: "SYNC"
        case .check: "CHEC"
        case .exists: "EXIS"
        case .getData: "GETD"
        case .setWatches: "SETW"
        case .setWatches2: "STW2"
        case .addWatch: "ADDW"
        case .getACL: "GETA"
        case .getChildren, .getChildren2: "GETC"
        case .getAllChildrenNumber: "GETACN"
        case .checkWatches: "CHKW"
        case .removeWatches: "REMW"
        case .whoAmI: "HOMI"
        case .getEphemerals: "GETE"
        case .notification, .auth, .sasl, .error: "NA"
        }
    }
}
