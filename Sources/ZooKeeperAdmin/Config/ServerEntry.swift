/// Whether a quorum member votes (`participant`) or only follows (`observer`).
public enum PeerType: String, Sendable, Equatable {
    case participant, observer
}

/// One `server.N=...` line of zoo.cfg:
/// `host:quorumPort:electionPort[:participant|:observer][;[clientHost:]clientPort]`
/// with IPv6 hosts in brackets (`[::1]:2888:3888`).
public struct ServerEntry: Sendable, Equatable {
    /// The `N` of `server.N`; matches the `myid` file of that server.
    public var sid: Int
    /// Host name or address literal, brackets removed for IPv6.
    public var host: String
    /// Port followers use to talk to the leader (2888 by convention).
    public var quorumPort: Int
    /// Port used for leader election (3888 by convention).
    public var electionPort: Int
    public var role: PeerType
    /// Client bind host from the `;host:port` part, nil when only a port (or
    /// nothing) was given. Apache binds 0.0.0.0 in that case.
    public var clientHost: String?
    /// Client port from the `;[host:]port` part, nil when absent.
    public var clientPort: Int?

    public init(
        sid: Int, host: String, quorumPort: Int, electionPort: Int, role: PeerType = .participant,
        clientHost: String? = nil, clientPort: Int? = nil
    ) {
        self.sid = sid
        self.host = host
        self.quorumPort = quorumPort
        self.electionPort = electionPort
        self.role = role
        self.clientHost = clientHost
        self.clientPort = clientPort
    }
}

/// Parsing of `server.N` values, following `QuorumPeer.QuorumServer` and
/// `ConfigUtils.getHostAndPort` of Apache 3.8. Returns the failure reason as
/// text; the caller wraps it into a `ConfigError` with key and line.
enum ServerEntryParser {
    static let wrongFormat =
        "does not have the form host:port:port[:type][;[host:]port]"

    static func parse(sid: Int, value: String) -> Result<ServerEntry, ReasonText> {
        let serverClient = javaSplit(value, ";")
        guard serverClient.count <= 2, let serverPart = serverClient.first else {
            return .failure(ReasonText(wrongFormat))
        }
        if serverPart.contains("|") {
            return .failure(ReasonText("multiple addresses per server (multiAddress) are not supported"))
        }
        let parts: [String]
        switch hostAndPort(serverPart) {
        case .success(let p): parts = p
        case .failure(let e): return .failure(e)
        }
        guard (3...4).contains(parts.count) else { return .failure(ReasonText(wrongFormat)) }
        let host = parts[0]
        guard !host.isEmpty else { return .failure(ReasonText("missing host")) }
        guard let quorumPort = parsePort(parts[1]) else {
            return .failure(ReasonText("quorum port \(parts[1]) is not a port number (1-65535)"))
        }
        guard let electionPort = parsePort(parts[2]) else {
            return .failure(ReasonText("election port \(parts[2]) is not a port number (1-65535)"))
        }
        guard quorumPort != electionPort else {
            return .failure(ReasonText("quorum and election port must be different"))
        }
        var role = PeerType.participant
        if parts.count == 4 {
            guard let r = PeerType(rawValue: parts[3].trimmingJavaWhitespace().lowercased()) else {
                return .failure(ReasonText("unrecognised peer type \(parts[3]) (participant or observer)"))
            }
            role = r
        }
        var entry = ServerEntry(sid: sid, host: host, quorumPort: quorumPort, electionPort: electionPort, role: role)
        if serverClient.count == 2 {
            let client: [String]
            switch hostAndPort(serverClient[1]) {
            case .success(let p): client = p
            case .failure(let e): return .failure(e)
            }
            guard (1...2).contains(client.count) else { return .failure(ReasonText(wrongFormat)) }
            guard let port = parsePort(client[client.count - 1]) else {
                return .failure(ReasonText("client port \(client[client.count - 1]) is not a port number (1-65535)"))
            }
            entry.clientPort = port
            if client.count == 2 { entry.clientHost = client[0] }
        }
        return .success(entry)
    }

    /// `ConfigUtils.getHostAndPort`: `[v6]:a:b` → `[v6, a, b]`, else split on `:`.
    static func hostAndPort(_ s: String) -> Result<[String], ReasonText> {
        guard s.hasPrefix("[") else { return .success(javaSplit(s, ":")) }
        guard let close = s.firstIndex(of: "]") else {
            return .failure(ReasonText("\(s) starts with '[' but has no matching ']:'"))
        }
        let host = String(s[s.index(after: s.startIndex)..<close])
        let afterClose = s.index(after: close)
        if afterClose == s.endIndex { return .success([host]) }
        guard s[afterClose] == ":" else { return .failure(ReasonText("\(s): expected ':' after ']'")) }
        let rest = s[s.index(after: afterClose)...]
        guard !rest.isEmpty else { return .failure(ReasonText("\(s) doesn't have a port after colon")) }
        return .success([host] + javaSplit(String(rest), ":"))
    }

    /// Blanks around a port are tolerated (Apache trims only the type part
    /// and would reject `3888 `, which is invisible in an editor).
    static func parsePort(_ s: String) -> Int? {
        guard let p = JavaNumbers.parseInt(s.trimmingJavaWhitespace()), (1...65535).contains(p) else { return nil }
        return Int(p)
    }

    /// `String.split(regex)` in Java drops trailing empty strings, so
    /// `a:1:2:` has three parts and `a:1:2;` has no client part.
    static func javaSplit(_ s: String, _ separator: Character) -> [String] {
        var parts = s.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
        while parts.count > 1, parts.last == "" { parts.removeLast() }
        return parts
    }
}

/// A failure reason in words, as a typed `Error` for `Result`.
struct ReasonText: Error, Equatable {
    var text: String
    init(_ text: String) { self.text = text }
}

/// Java's `Integer.parseInt` / `Long.parseLong`: optional sign, ASCII digits
/// only, no blanks, range-checked. Anything else is a NumberFormatException.
enum JavaNumbers {
    static func parseInt(_ s: String) -> Int32? {
        parseLong(s).flatMap { Int32(exactly: $0) }
    }

    static func parseLong(_ s: String) -> Int64? {
        var digits = Substring(s)
        var negative = false
        if let first = digits.first, first == "+" || first == "-" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        // Accumulate negatively so Int64.min parses, as in Java.
        var value: Int64 = 0
        for c in digits {
            let d = Int64(c.asciiValue! - 48)
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (v, o2) = m.subtractingReportingOverflow(d)
            guard !o1, !o2 else { return nil }
            value = v
        }
        if negative { return value }
        return value == .min ? nil : -value
    }
}

/// Why a `server.N` value could not be read.
public struct ServerEntryFormatError: Error, Equatable, Sendable {
    public var reason: String
}

extension ServerEntry {
    /// Reads a `server.N` value as zoo.cfg or a `conf` answer spells it, with
    /// Apache's rules (used by the monitor to learn an ensemble's membership).
    public static func parse(sid: Int, value: String) throws(ServerEntryFormatError) -> ServerEntry {
        switch ServerEntryParser.parse(sid: sid, value: value) {
        case .success(let entry): return entry
        case .failure(let reason): throw ServerEntryFormatError(reason: reason.text)
        }
    }
}
