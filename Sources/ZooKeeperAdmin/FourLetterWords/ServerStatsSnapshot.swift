/// What Apache prints after `Mode:` (`ServerStats.getServerState`) and in
/// mntr's `zk_server_state`.
public enum ServerMode: String, Sendable, Equatable {
    case standalone
    case leader
    case follower
    case observer
    /// Partitioned quorum member serving reads only (`stat` adds a line).
    case readOnly = "read-only"
}

/// Request latencies in milliseconds, as Apache's `AvgMinMaxCounter` keeps
/// them: count and total, smallest and largest. All zero when nothing was
/// measured (Apache reports min 0, not "infinity", then).
public struct LatencyStats: Sendable, Equatable {
    /// Smallest latency seen, ms; 0 when `count` is 0.
    public var minMs: Int64
    /// Largest latency seen, ms.
    public var maxMs: Int64
    /// Sum of all latencies, ms.
    public var totalMs: Int64
    /// Number of measured requests.
    public var count: Int64

    public init(minMs: Int64 = 0, maxMs: Int64 = 0, totalMs: Int64 = 0, count: Int64 = 0) {
        self.minMs = minMs
        self.maxMs = maxMs
        self.totalMs = totalMs
        self.count = count
    }

    /// The server-wide average as Apache prints it: a double rounded half-up
    /// to 4 decimals (`1.9048`, `0.381`, `0.0`).
    public var apacheAverageMs: Double { JavaFormat.apacheAverage(total: totalMs, count: count) }

    /// The per-connection average (cons `avglat`): integer division.
    public var integerAverageMs: Int64 { count == 0 ? 0 : totalMs / count }
}

/// Server-wide counters behind `srvr`, `stat` and the start of `mntr`
/// (Apache's `ServerStats`). `srst` resets `latency` and the packet counters.
public struct ServerStatsSnapshot: Sendable, Equatable {
    /// Full version text printed after `Zookeeper version: ` and as
    /// `zk_version`, e.g. `3.8.0-zkdash, built on 2025-01-01 00:00 UTC`.
    /// Tools (zkServer.sh, exporters) take the leading `X.Y.Z` before `-`.
    public var version: String
    public var mode: ServerMode
    /// Latency of completed client requests, measured from arrival to
    /// response, ms.
    public var latency: LatencyStats
    /// Client packets received since start or `srst` (every request, ping,
    /// and the 4lw itself counts one).
    public var packetsReceived: Int64
    /// Client packets sent since start or `srst` (responses and notifications).
    public var packetsSent: Int64
    /// Open client connections, including the one asking.
    public var aliveConnections: Int
    /// Requests received but not yet answered, across all connections.
    public var outstandingRequests: Int64
    /// zxid of the last applied transaction (`Zxid: 0x1a`).
    public var lastProcessedZxid: Int64
    /// Number of znodes, including `/` and `/zookeeper` subtree nodes.
    public var nodeCount: Int

    public init(
        version: String, mode: ServerMode = .standalone, latency: LatencyStats = LatencyStats(),
        packetsReceived: Int64 = 0, packetsSent: Int64 = 0, aliveConnections: Int = 0,
        outstandingRequests: Int64 = 0, lastProcessedZxid: Int64 = 0, nodeCount: Int = 0
    ) {
        self.version = version
        self.mode = mode
        self.latency = latency
        self.packetsReceived = packetsReceived
        self.packetsSent = packetsSent
        self.aliveConnections = aliveConnections
        self.outstandingRequests = outstandingRequests
        self.lastProcessedZxid = lastProcessedZxid
        self.nodeCount = nodeCount
    }
}
