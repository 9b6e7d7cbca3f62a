/// An ensemble's membership and its version, as /zookeeper/config holds it
/// (Apache's QuorumVerifier): one `server.N=` line per member in sid order,
/// then `version=` in hex, no final newline. The version is 0 for a static
/// zoo.cfg, else the zxid of the reconfig that made it.
public struct QuorumMembership: Sendable, Equatable {
    public var members: [ServerEntry]
    public var version: Int64

    public init(members: [ServerEntry], version: Int64) {
        self.members = members.sorted { $0.sid < $1.sid }
        self.version = version
    }

    public var voters: Set<Int> { Set(members.filter { $0.role == .participant }.map(\.sid)) }
    public var sids: Set<Int> { Set(members.map(\.sid)) }

    public var text: String {
        members.map { "server.\($0.sid)=\(QuorumConfSnapshot.memberText($0))" }.joined(separator: "\n")
            + "\nversion=\(String(version, radix: 16))"
    }

    /// Reads /zookeeper/config text back; nil when it is not that format.
    public static func parse(_ text: String) -> QuorumMembership? {
        var version: Int64?
        var serverLines: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("version=") {
                version = Int64(line.dropFirst("version=".count), radix: 16)
            } else {
                serverLines.append(String(line))
            }
        }
        guard let version, let members = try? ReconfigPlan.parseMembers(serverLines.joined(separator: "\n")) else { return nil }
        return QuorumMembership(members: members, version: version)
    }
}
