import ZooKeeperAdmin

/// `conf`: the node's configuration as `key=value` lines; on a quorum member
/// also `serverId=N`, the `server.N=…` membership and its `version`.
public struct ConfReport: Sendable, Equatable {
    public var values: [String: String]
    /// The node's own id (`serverId`, the myid); nil on a standalone server.
    public var serverId: Int?
    /// Ensemble membership, in sid order.
    public var members: [ServerEntry]
    public var clientPort: Int?
    public var clientPortAddress: String?
    public var tickTimeMs: Int?

    public static func parse(_ text: String) -> ReplyClass<ConfReport> {
        ReplyClass.classify(text, parse: parseReport)
    }

    static func parseReport(_ text: String) -> ConfReport? {
        var values: [String: String] = [:]
        var members: [ServerEntry] = []
        for (key, value) in FourLetterReply.pairs(text, separator: "=") {
            if key.hasPrefix("server."), let sid = Int(key.dropFirst("server.".count)) {
                if let entry = try? ServerEntry.parse(sid: sid, value: String(value)) {
                    members.append(entry)
                }
                continue
            }
            values[String(key)] = String(value)
        }
        // A conf answer always names the data directory and tick time.
        guard values["dataDir"] != nil || values["tickTime"] != nil else { return nil }
        // Apache prints the standalone id as serverId=0 and no membership.
        let serverId = values["serverId"].flatMap { Int($0) }
        return ConfReport(
            values: values,
            serverId: members.isEmpty && serverId == 0 ? nil : serverId,
            members: members.sorted { $0.sid < $1.sid },
            clientPort: values["clientPort"].flatMap { Int($0) },
            clientPortAddress: values["clientPortAddress"],
            tickTimeMs: values["tickTime"].flatMap { Int($0) }
        )
    }

    public var participants: [ServerEntry] { members.filter { $0.role == .participant } }
    /// The membership's `version=` (hex): 0 for a static zoo.cfg, else the
    /// zxid that stamped it (a reconfig, or Apache's first leader).
    public var configVersion: Int64? { values["version"].flatMap { Int64($0, radix: 16) } }
    public var ownEntry: ServerEntry? { members.first { $0.sid == serverId } }
}
