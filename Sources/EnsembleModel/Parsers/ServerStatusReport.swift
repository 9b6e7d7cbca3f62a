import ZooKeeperProtocol
/// `srvr` (and the summary part of `stat`): Apache's `ServerStats` text.
///
///     Zookeeper version: 3.8.0-…, built on …
///     Latency min/avg/max: 0/0.5/3
///     Received: 12
///     Sent: 11
///     Connections: 1
///     Outstanding: 0
///     Zxid: 0x100000003
///     Mode: leader
///     Node count: 5
///     Proposal sizes last/min/max: 36/32/59      (leaders only)
public struct ServerStatusReport: Sendable, Equatable {
    public var version: String?
    public var latencyMinMs: Double?
    public var latencyAvgMs: Double?
    public var latencyMaxMs: Double?
    public var packetsReceived: Int64?
    public var packetsSent: Int64?
    public var connections: Int?
    public var outstanding: Int?
    public var zxid: Zxid?
    /// The `Mode:` word as printed (leader, follower, observer, standalone, read-only).
    public var mode: String
    public var nodeCount: Int?

    /// The state the mode names; `read-only` servers are out of the quorum
    /// and looking for it.
    public var state: NodeState? {
        if mode == "read-only" { return .looking }
        return NodeState(mode: mode)
    }

    public static func parse(_ text: String) -> ReplyClass<ServerStatusReport> {
        ReplyClass.classify(text, parse: parseReport)
    }

    /// nil unless the text has a `Mode:` line: without it nothing is known.
    static func parseReport(_ text: String) -> ServerStatusReport? {
        var report = ServerStatusReport(mode: "")
        var sawMode = false
        for (key, value) in FourLetterReply.pairs(text, separator: ":") {
            switch key {
            case "Zookeeper version": report.version = String(value)
            case "Latency min/avg/max":
                let parts = value.split(separator: "/")
                if parts.count == 3 {
                    report.latencyMinMs = Double(parts[0])
                    report.latencyAvgMs = Double(parts[1])
                    report.latencyMaxMs = Double(parts[2])
                }
            case "Received": report.packetsReceived = Int64(value)
            case "Sent": report.packetsSent = Int64(value)
            case "Connections": report.connections = Int(value)
            case "Outstanding": report.outstanding = Int(value)
            case "Zxid": report.zxid = Zxid(text: value)
            case "Mode":
                report.mode = value.lowercased()
                sawMode = true
            case "Node count": report.nodeCount = Int(value)
            default: break
            }
        }
        guard sawMode, report.state != nil else { return nil }
        return report
    }
}
