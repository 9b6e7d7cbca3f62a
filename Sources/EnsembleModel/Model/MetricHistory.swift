/// The per-node figures kept over time for sparklines and trends.
public enum Metric: String, Sendable, CaseIterable {
    case packetsReceivedPerSecond, packetsSentPerSecond, txnsPerSecond
    case latencyAvgMs, outstanding, connections, znodes, watches, lagTxns
}

/// One ring buffer per metric, one value per poll round (nil when the node did
/// not say), so every buffer stays aligned with poll time.
public struct MetricHistory: Sendable {
    public private(set) var series: [Metric: RingBuffer<Double?>]
    public private(set) var timesMs: RingBuffer<Int64>

    public init(capacity: Int) {
        var series: [Metric: RingBuffer<Double?>] = [:]
        for metric in Metric.allCases { series[metric] = RingBuffer(capacity: capacity) }
        self.series = series
        timesMs = RingBuffer(capacity: capacity)
    }

    public func values(_ metric: Metric) -> [Double?] { series[metric]?.values ?? [] }

    mutating func record(_ status: NodeStatus, atMs timeMs: Int64) {
        timesMs.append(timeMs)
        for metric in Metric.allCases {
            series[metric]?.append(Self.value(metric, of: status))
        }
    }

    static func value(_ metric: Metric, of status: NodeStatus) -> Double? {
        switch metric {
        case .packetsReceivedPerSecond: status.packetsReceivedPerSecond
        case .packetsSentPerSecond: status.packetsSentPerSecond
        case .txnsPerSecond: status.txnsPerSecond
        case .latencyAvgMs: status.latencyAvgMs
        case .outstanding: status.outstanding.map(Double.init)
        case .connections: status.connections.map(Double.init)
        case .znodes: status.znodes.map(Double.init)
        case .watches: status.watches.map(Double.init)
        case .lagTxns: status.lagTxns.map(Double.init)
        }
    }
}
