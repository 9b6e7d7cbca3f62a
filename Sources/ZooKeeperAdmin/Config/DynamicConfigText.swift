/// The text of Apache's dynamic config files (3.5+): what a reconfiguration
/// writes beside zoo.cfg (`zoo.cfg.dynamic.<hex version>`: the `server.N`
/// lines, no version inside) and how zoo.cfg is edited to point at it
/// (Apache's `QuorumPeerConfig.editStaticConfig`). Pure: the quorum shell
/// does the writing.
public enum DynamicConfigText {
    /// `<zoo.cfg path>.dynamic.<hex version>`, Apache's name.
    public static func fileName(configPath: String, version: Int64) -> String {
        "\(configPath).dynamic.\(String(version, radix: 16))"
    }

    /// The dynamic file's text: one `server.N=` line per member, sid order.
    public static func dynamicFile(_ membership: QuorumMembership) -> String {
        membership.members.map { "server.\($0.sid)=\(QuorumConfSnapshot.memberText($0))" }.joined(separator: "\n") + "\n"
    }

    /// zoo.cfg without its membership (`server.N`, `group.N`, `weight.N`, an
    /// older `dynamicConfigFile`) and, when this server's line carries its
    /// client address (`eraseClientInfo`), without `clientPort` /
    /// `clientPortAddress`; then `dynamicConfigFile=<path>`. Every other
    /// line, comments included, stays as it was.
    public static func staticFile(editing text: String, dynamicPath: String, eraseClientInfo: Bool) -> String {
        var kept: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let key = line.split(separator: "=", maxSplits: 1).first.map { String($0).trimmingJavaWhitespace() } ?? ""
            let membershipKey = key.hasPrefix("server.") || key.hasPrefix("group.") || key.hasPrefix("weight.") || key == "dynamicConfigFile"
            let clientKey = key == "clientPort" || key == "clientPortAddress"
            if membershipKey || (eraseClientInfo && clientKey) { continue }
            kept.append(line)
        }
        while kept.last?.isEmpty == true { kept.removeLast() }
        return kept.joined(separator: "\n") + (kept.isEmpty ? "" : "\n") + "dynamicConfigFile=\(dynamicPath)\n"
    }
}
