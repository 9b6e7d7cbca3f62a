/// Everything `mntr` prints. Apache's mntr is `zk_version`, `zk_server_state`
/// and then every registered metric; the gauges below are the ones a
/// standalone 3.8 server registers itself (`ZooKeeperServer.registerMetrics`),
/// printed in the order 3.8 prints them. Apache then dumps ~300 more counters
/// and summaries from its metrics library; pass any you keep in
/// `additionalMetrics`.
public struct MonitorSnapshot: Sendable, Equatable {
    /// Version, state, latencies, packets, connections, outstanding requests.
    public var stats: ServerStatsSnapshot
    /// Ephemeral znodes across all sessions.
    public var ephemeralsCount: Int
    /// Sessions known to the server (Apache: `zkdb.getSessionCount()`).
    public var globalSessions: Int
    /// Local (non-global) sessions; 0 when local sessions are off.
    public var localSessions: Int
    /// Data watches plus child watches (each path/watcher pair counts once
    /// per kind), i.e. more than `wchs` shows, which counts data watches only.
    public var watchCount: Int
    /// Sum over znodes of path length + data length, bytes (Apache's
    /// `DataTree.approximateDataSize`).
    public var approximateDataSizeBytes: Int64
    /// Open file descriptors of the server process; -1 if unknown.
    public var openFileDescriptorCount: Int64
    /// File descriptor limit of the server process; -1 if unknown.
    public var maxFileDescriptorCount: Int64
    /// Time since the server started, ms (`srst` does not reset it).
    public var uptimeMs: Int64
    /// Probability of dropping new connections under load (0.0 = never).
    public var connectionDropProbability: Double
    /// Size of the last response sent, bytes; -1 before any.
    public var lastClientResponseSizeBytes: Int64
    /// Smallest response sent, bytes; -1 before any.
    public var minClientResponseSizeBytes: Int64
    /// Largest response sent, bytes; -1 before any.
    public var maxClientResponseSizeBytes: Int64
    /// TLS handshakes in progress (0 without TLS).
    public var outstandingTlsHandshakes: Int
    /// Failed authentication attempts.
    public var authFailedCount: Int64
    /// Non-mTLS connections from remote hosts (only counted with mTLS).
    public var nonMtlsRemoteConnCount: Int64
    /// Non-mTLS connections from the local host (only counted with mTLS).
    public var nonMtlsLocalConnCount: Int64
    /// Extra `zk_<key>` lines, printed after the gauges in this order.
    public var additionalMetrics: [MonitorMetric]

    public init(
        stats: ServerStatsSnapshot, ephemeralsCount: Int = 0, globalSessions: Int = 0, localSessions: Int = 0,
        watchCount: Int = 0, approximateDataSizeBytes: Int64 = 0, openFileDescriptorCount: Int64 = -1,
        maxFileDescriptorCount: Int64 = -1, uptimeMs: Int64 = 0, connectionDropProbability: Double = 0,
        lastClientResponseSizeBytes: Int64 = -1, minClientResponseSizeBytes: Int64 = -1,
        maxClientResponseSizeBytes: Int64 = -1, outstandingTlsHandshakes: Int = 0, authFailedCount: Int64 = 0,
        nonMtlsRemoteConnCount: Int64 = 0, nonMtlsLocalConnCount: Int64 = 0, additionalMetrics: [MonitorMetric] = []
    ) {
        self.stats = stats
        self.ephemeralsCount = ephemeralsCount
        self.globalSessions = globalSessions
        self.localSessions = localSessions
        self.watchCount = watchCount
        self.approximateDataSizeBytes = approximateDataSizeBytes
        self.openFileDescriptorCount = openFileDescriptorCount
        self.maxFileDescriptorCount = maxFileDescriptorCount
        self.uptimeMs = uptimeMs
        self.connectionDropProbability = connectionDropProbability
        self.lastClientResponseSizeBytes = lastClientResponseSizeBytes
        self.minClientResponseSizeBytes = minClientResponseSizeBytes
        self.maxClientResponseSizeBytes = maxClientResponseSizeBytes
        self.outstandingTlsHandshakes = outstandingTlsHandshakes
        self.authFailedCount = authFailedCount
        self.nonMtlsRemoteConnCount = nonMtlsRemoteConnCount
        self.nonMtlsLocalConnCount = nonMtlsLocalConnCount
        self.additionalMetrics = additionalMetrics
    }
}

/// One extra `zk_<key>\t<value>` line of mntr.
public struct MonitorMetric: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        /// Printed as a plain integer.
        case integer(Int64)
        /// Printed like Java's `Double.toString` (`0.0`, `1.9048`, `1.0E-4`).
        case double(Double)
        case text(String)
    }

    /// Key without the `zk_` prefix, e.g. `proposal_count`.
    public var key: String
    public var value: Value

    public init(key: String, value: Value) {
        self.key = key
        self.value = value
    }
}
