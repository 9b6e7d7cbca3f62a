/// The knobs the core needs from zoo.cfg, already validated.
public struct ServerSettings: Sendable {
    public var tickTimeMs: Int
    public var minSessionTimeoutMs: Int
    public var maxSessionTimeoutMs: Int
    public var serverId: Int64
    public var superDigest: String?
    /// SASL (`authProvider.N=...SASLAuthenticationProvider`); nil: `sasl`
    /// requests are answered as by a server without it, and `sasl` ACLs are invalid.
    public var sasl: SASLServerOffer?
    /// A secure client port exists: its sessions carry `x509` identities and
    /// `x509` ACLs are valid (Apache registers X509AuthenticationProvider then).
    public var x509Enabled: Bool
    /// Requests a connection may have queued before the shell stops reading
    /// from it (Apache throttles on globalOutstandingLimit the same way).
    public var maxOutstandingPerConnection: Int
    /// Writes prepped and not yet applied, over all connections: at this bound
    /// the shell stops reading from every connection that sends another, and
    /// resumes them at half (the in-flight queue is bounded whatever the number
    /// of connections).
    public var maxInFlightTxns: Int
    /// Txns between snapshots (zoo.cfg snapCount).
    public var snapCount: Int
    /// How often container nodes are checked for removal (Apache: 60 s).
    public var containerCheckIntervalMs: Int
    /// zoo.cfg `reconfigEnabled` and `standaloneEnabled` (Reconfig.swift).
    public var reconfigEnabled = false
    public var standaloneEnabled = true

    public init(
        tickTimeMs: Int = 2000, minSessionTimeoutMs: Int? = nil, maxSessionTimeoutMs: Int? = nil,
        serverId: Int64 = 0, superDigest: String? = nil, maxOutstandingPerConnection: Int = 1000,
        maxInFlightTxns: Int = 50_000, snapCount: Int = 100_000, containerCheckIntervalMs: Int = 60_000,
        sasl: SASLServerOffer? = nil, x509Enabled: Bool = false
    ) {
        self.sasl = sasl
        self.x509Enabled = x509Enabled
        precondition(maxInFlightTxns >= 2, "maxInFlightTxns must allow at least 2 writes in flight")
        self.maxInFlightTxns = maxInFlightTxns
        self.tickTimeMs = tickTimeMs
        self.minSessionTimeoutMs = minSessionTimeoutMs ?? tickTimeMs * 2
        self.maxSessionTimeoutMs = maxSessionTimeoutMs ?? tickTimeMs * 20
        self.serverId = serverId
        self.superDigest = superDigest
        self.maxOutstandingPerConnection = maxOutstandingPerConnection
        self.snapCount = snapCount
        self.containerCheckIntervalMs = containerCheckIntervalMs
    }
}

/// Latency figures in milliseconds, as `srvr` and `mntr` print them.
public struct LatencyStats: Sendable, Equatable {
    public private(set) var minMs: Int64 = 0
    public private(set) var maxMs: Int64 = 0
    public private(set) var totalMs: Int64 = 0
    public private(set) var count: Int64 = 0

    public init() {}

    public mutating func record(_ latencyMs: Int64) {
        minMs = count == 0 ? latencyMs : min(minMs, latencyMs)
        maxMs = max(maxMs, latencyMs)
        totalMs += latencyMs
        count += 1
    }

    public var averageMs: Double { count == 0 ? 0 : Double(totalMs) / Double(count) }

    public mutating func reset() { self = LatencyStats() }
}

/// Counters for the four-letter words.
public struct ServerCounters: Sendable, Equatable {
    public var packetsReceived: Int64 = 0
    public var packetsSent: Int64 = 0
    public var latency = LatencyStats()
    /// Sizes of reply frames without their length prefix; -1 before the first.
    public var lastResponseSizeBytes: Int64 = -1
    public var minResponseSizeBytes: Int64 = -1
    public var maxResponseSizeBytes: Int64 = -1
    public init() {}

    mutating func recordResponse(sizeBytes: Int) {
        let size = Int64(sizeBytes)
        lastResponseSizeBytes = size
        minResponseSizeBytes = minResponseSizeBytes < 0 ? size : min(minResponseSizeBytes, size)
        maxResponseSizeBytes = max(maxResponseSizeBytes, size)
    }
}

/// Apache's summary metrics (mntr prints avg/min/max/cnt/sum of each).
public struct SummaryMetric: Sendable, Equatable {
    public private(set) var count: Int64 = 0
    public private(set) var sum: Int64 = 0
    public private(set) var min: Int64 = 0
    public private(set) var max: Int64 = 0

    public init() {}

    public mutating func record(_ value: Int64) {
        min = count == 0 ? value : Swift.min(min, value)
        max = count == 0 ? value : Swift.max(max, value)
        sum += value
        count += 1
    }

    public var average: Double { count == 0 ? 0 : Double(sum) / Double(count) }
}
