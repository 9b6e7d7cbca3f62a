/// Where one ensemble member answers: its client address (four-letter words go
/// there) and, optionally, its AdminServer HTTP port.
public struct NodeAddress: Hashable, Sendable, CustomStringConvertible {
    /// Host name or address literal; IPv6 without brackets.
    public var host: String
    public var clientPort: Int
    /// AdminServer port for this node; nil = use the monitor's default.
    public var adminPort: Int?

    public init(host: String, clientPort: Int, adminPort: Int? = nil) {
        self.host = host
        self.clientPort = clientPort
        self.adminPort = adminPort
    }

    /// `host:port`, with brackets around IPv6 literals, as users write it;
    /// `host:?` for a member whose client port is unknown (port 0).
    public var description: String {
        let port = clientPort == 0 ? "?" : String(clientPort)
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Identity for duplicate detection: host names are case-insensitive.
    var normalizedKey: String { "\(host.lowercased())|\(clientPort)" }
}

/// A `--servers` entry that cannot be read: the entry and what is wrong.
public struct ServerListError: Error, Equatable, Sendable, CustomStringConvertible {
    public var entry: String
    public var reason: String
    public var description: String { "server '\(entry)': \(reason)" }
}

/// Parses `--servers` lists: `host:port[@adminPort]` entries separated by
/// commas, IPv6 literals in brackets (`[::1]:2181`). A missing port means 2181,
/// as in a ZooKeeper connect string.
public enum ServerListParser {
    public static let defaultClientPort = 2181

    public static func parse(_ list: String) throws(ServerListError) -> [NodeAddress] {
        let entries = list.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: " \t") }
        guard entries.contains(where: { !$0.isEmpty }) else {
            throw ServerListError(entry: list, reason: "no servers given (expected host:port[,host:port...])")
        }
        var addresses: [NodeAddress] = []
        for entry in entries {
            guard !entry.isEmpty else {
                throw ServerListError(entry: list, reason: "empty entry between commas")
            }
            addresses.append(try parseEntry(entry))
        }
        return addresses
    }

    public static func parseEntry(_ entry: String) throws(ServerListError) -> NodeAddress {
        var hostPort = Substring(entry)
        var adminPort: Int?
        if let at = entry.lastIndex(of: "@") {
            let adminText = entry[entry.index(after: at)...]
            guard let port = portNumber(adminText) else {
                throw ServerListError(entry: entry, reason: "AdminServer port '\(adminText)' is not a port number (1-65535)")
            }
            adminPort = port
            hostPort = entry[..<at]
        }
        let host: Substring
        let portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw ServerListError(entry: entry, reason: "'[' without a closing ']'")
            }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let rest = hostPort[hostPort.index(after: close)...]
            if rest.isEmpty {
                portText = nil
            } else {
                guard rest.first == ":" else {
                    throw ServerListError(entry: entry, reason: "expected ':port' after ']'")
                }
                portText = rest.dropFirst()
            }
            guard host.contains(":") else {
                throw ServerListError(entry: entry, reason: "brackets are only for IPv6 literals")
            }
        } else {
            let colons = hostPort.filter { $0 == ":" }.count
            if colons > 1 {
                throw ServerListError(entry: entry, reason: "IPv6 literals need brackets, e.g. [::1]:2181")
            }
            if let colon = hostPort.firstIndex(of: ":") {
                host = hostPort[..<colon]
                portText = hostPort[hostPort.index(after: colon)...]
            } else {
                host = hostPort
                portText = nil
            }
        }
        guard !host.isEmpty else { throw ServerListError(entry: entry, reason: "missing host") }
        if let reason = HostNameSyntax.problem(String(host)) {
            throw ServerListError(entry: entry, reason: reason)
        }
        var port = defaultClientPort
        if let portText {
            guard let p = portNumber(portText) else {
                throw ServerListError(entry: entry, reason: "port '\(portText)' is not a port number (1-65535)")
            }
            port = p
        }
        return NodeAddress(host: String(host), clientPort: port, adminPort: adminPort)
    }

    static func portNumber(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int(text), (1...65535).contains(value) else { return nil }
        return value
    }
}

/// Host names as RFC 1123 allows them (letters, digits, '-', '.'; labels of at
/// most 63 characters) or address literals. Checked before any lookup so a
/// typo never becomes a DNS query.
enum HostNameSyntax {
    static func problem(_ host: String) -> String? {
        if host.contains(":") {
            let ok = host.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "%" || $0.isLetter || $0.isNumber }
            return ok ? nil : "'\(host)' is not an IPv6 literal"
        }
        guard host.count <= 253 else { return "host name longer than 253 characters" }
        for label in host.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty else { return "host name '\(host)' has an empty label" }
            guard label.count <= 63 else { return "host name label longer than 63 characters" }
            guard label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                return "'\(host)' is not a valid host name"
            }
            guard label.first != "-", label.last != "-" else { return "host name label may not start or end with '-'" }
        }
        return nil
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
