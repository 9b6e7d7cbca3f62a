/// The membership a `reconfig` request asks for, computed from the one in
/// force as Apache 3.8's PrepRequestProcessor does, with its errors:
///
/// - non-incremental (`newMembers`, `reconfig -members`): the whole new list,
///   `server.N=…` entries separated by commas or newlines;
/// - incremental (`joining` / `leaving`, `reconfig -add/-remove`): the
///   current members, minus the leaving sids, plus (or replacing) the joiners,
///   each `server.N=host:quorum:election[:role];[clientHost:]clientPort` —
///   a joiner must name its client port.
///
/// Pure: the caller checks what needs the running ensemble (a reconfig in
/// progress, the config version, a synced quorum of the new voters, the ACL
/// of /zookeeper/config) in Apache's order around it.
public enum ReconfigPlan {
    public enum Failure: Error, Equatable, Sendable {
        /// KeeperException.BadArguments, with Apache's message.
        case badArguments(String)
        /// A leaving id that is not a number: Apache's NumberFormatException,
        /// which its prep answers with MarshallingError.
        case notANumber(String)
    }

    /// The next membership, in sid order.
    /// `standaloneEnabled` (Apache's default true) requires 2 voters at least.
    public static func nextMembers(
        current: [ServerEntry], joining: String?, leaving: String?, newMembers: String?, standaloneEnabled: Bool = true
    ) throws(Failure) -> [ServerEntry] {
        let next: [ServerEntry]
        if let newMembers {
            next = try parseMembers(newMembers)
        } else {
            next = try incremental(current: current, joining: joining, leaving: leaving)
        }
        let voters = next.filter { $0.role == .participant }.count
        if standaloneEnabled, voters < 2 {
            throw .badArguments("Reconfig failed - new configuration must include at least 2 followers")
        } else if voters < 1 {
            throw .badArguments("Reconfig failed - new configuration must include at least 1 follower")
        }
        return next
    }

    /// `newMembers`: Apache reads it as a properties file once commas are
    /// newlines; every line must be a `server.N=` entry (a `version=` line is
    /// allowed and ignored, as the dynamic file has one).
    static func parseMembers(_ text: String) throws(Failure) -> [ServerEntry] {
        var members: [Int: ServerEntry] = [:]
        for rawLine in text.split(whereSeparator: { $0 == "," || $0.isNewline }) {
            let line = String(rawLine).trimmingJavaWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            guard let equals = line.firstIndex(of: "=") else { throw .badArguments("\(line): not a server.N=… entry") }
            let key = String(line[..<equals]).trimmingJavaWhitespace()
            let value = String(line[line.index(after: equals)...]).trimmingJavaWhitespace()
            if key == "version" { continue }
            guard key.hasPrefix("server."), let sid = Int(key.dropFirst("server.".count)), sid >= 0 else {
                throw .badArguments("\(key) is not a server.N key")
            }
            let entry: ServerEntry
            do {
                entry = try ServerEntry.parse(sid: sid, value: value)
            } catch {
                throw .badArguments("\(key)=\(value): \(error.reason)")
            }
            guard members[sid] == nil else { throw .badArguments("\(key) is given twice") }
            try checkNoSharedAddress(entry, among: Array(members.values))
            members[sid] = entry
        }
        return members.values.sorted { $0.sid < $1.sid }
    }

    static func incremental(current: [ServerEntry], joining: String?, leaving: String?) throws(Failure) -> [ServerEntry] {
        var next = Dictionary(current.map { ($0.sid, $0) }, uniquingKeysWith: { first, _ in first })
        for leaver in (leaving ?? "").split(separator: ",").map({ String($0).trimmingJavaWhitespace() }) where !leaver.isEmpty {
            guard let sid = Int(leaver) else { throw .notANumber(leaver) }
            next[sid] = nil
        }
        for joiner in (joining ?? "").split(separator: ",").map({ String($0).trimmingJavaWhitespace() }) where !joiner.isEmpty {
            let parts = joiner.split(separator: "=", omittingEmptySubsequences: true)
            guard parts.count == 2 else { throw .badArguments("Wrong format of server string") }
            let key = String(parts[0]).trimmingJavaWhitespace()
            guard let dot = key.lastIndex(of: "."), let sid = Int(key[key.index(after: dot)...]) else {
                throw .badArguments("Wrong format of server string")
            }
            let entry: ServerEntry
            do {
                entry = try ServerEntry.parse(sid: sid, value: String(parts[1]).trimmingJavaWhitespace())
            } catch {
                throw .badArguments("Reconfiguration failed")
            }
            guard entry.clientPort != nil else {
                throw .badArguments("Wrong format of server string - each server should have 3 ports specified")
            }
            try checkNoSharedAddress(entry, among: next.values.filter { $0.sid != sid })
            next[sid] = entry
        }
        return next.values.sorted { $0.sid < $1.sid }
    }

    /// Apache's `QuorumServer.checkAddressDuplicate`: no quorum, election or
    /// client address of a joiner may be another member's. Loopback and
    /// wildcard addresses are left out (several servers on one host share
    /// them), as Apache's `excludedSpecialAddresses` does.
    static func checkNoSharedAddress(_ entry: ServerEntry, among others: [ServerEntry]) throws(Failure) {
        let mine = addresses(entry)
        guard !mine.isEmpty else { return }
        for other in others where !mine.isDisjoint(with: addresses(other)) {
            throw .badArguments("server.\(entry.sid) shares an address with server.\(other.sid)")
        }
    }

    static func addresses(_ entry: ServerEntry) -> Set<String> {
        func isSpecial(_ host: String) -> Bool {
            host == "0.0.0.0" || host == "::" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
        }
        var out: Set<String> = []
        if !isSpecial(entry.host) { out.formUnion(["\(entry.host):\(entry.quorumPort)", "\(entry.host):\(entry.electionPort)"]) }
        if let port = entry.clientPort, let host = entry.clientHost, !isSpecial(host) { out.insert("\(host):\(port)") }
        return out
    }
}
