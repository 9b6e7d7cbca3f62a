import ZooKeeperProtocol

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

    /// `host:port[@adminPort]`; host and port through `HostPort`, the project's
    /// one host:port parser.
    public static func parseEntry(_ entry: String) throws(ServerListError) -> NodeAddress {
        var hostPort = Substring(entry)
        var adminPort: Int?
        if let at = entry.lastIndex(of: "@") {
            let adminText = entry[entry.index(after: at)...]
            guard let port = HostPort.portNumber(adminText) else {
                throw ServerListError(entry: entry, reason: "AdminServer port '\(adminText)' is not a port number (1-65535)")
            }
            adminPort = port
            hostPort = entry[..<at]
        }
        do {
            let parsed = try HostPort.parse(hostPort, defaultPort: defaultClientPort)
            return NodeAddress(host: parsed.host, clientPort: parsed.port, adminPort: adminPort)
        } catch {
            throw ServerListError(entry: entry, reason: error.reason)
        }
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
