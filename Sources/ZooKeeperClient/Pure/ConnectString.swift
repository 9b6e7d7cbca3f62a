import ZooKeeperProtocol

// "h1:p1,h2:p2/chroot" as Apache's ConnectStringParser reads it, but strict:
// Apache prints a stack trace and skips an entry it cannot parse, which turns
// a typo into a silently smaller ensemble. Here every bad entry is an error.

/// Why a connect string was refused; each case names the offending text.
public enum ConnectStringError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case emptyHost(entry: String)
    case invalidHost(entry: String)
    case invalidPort(entry: String)
    case invalidIPv6Literal(entry: String)
    case invalidChroot(chroot: String, reason: String)

    public var description: String {
        switch self {
        case .empty: "connect string names no server"
        case let .emptyHost(entry): "connect string entry \"\(entry)\" has no host"
        case let .invalidHost(entry): "connect string entry \"\(entry)\" is not host, host:port or [ipv6]:port"
        case let .invalidPort(entry): "connect string entry \"\(entry)\" has a port that is not a number from 1 to 65535"
        case let .invalidIPv6Literal(entry): "connect string entry \"\(entry)\" has a malformed [IPv6] literal"
        case let .invalidChroot(chroot, reason): "chroot \"\(chroot)\" is invalid: \(reason)"
        }
    }
}

/// A parsed connect string: the servers in the order written and the chroot
/// every request path is placed under.
public struct ConnectString: Sendable, Hashable {
    public static let defaultPort = 2181

    public var servers: [ServerAddress]
    /// nil when there is none; a lone "/" also means none, as in Apache.
    public var chroot: String?

    public init(servers: [ServerAddress], chroot: String? = nil) {
        self.servers = servers
        self.chroot = chroot
    }

    public init(parsing text: String) throws(ConnectStringError) {
        var hostPart = Substring(text)
        var chrootText: Substring?
        if let slash = text.firstIndex(of: "/") {
            hostPart = text[..<slash]
            chrootText = text[slash...]
        }
        var servers: [ServerAddress] = []
        for rawEntry in hostPart.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = rawEntry.trimmingASCIISpaces()
            if entry.isEmpty {
                // ",," or a trailing comma: a slip worth reporting, not skipping.
                if hostPart.trimmingASCIISpaces().isEmpty { throw .empty }
                throw .emptyHost(entry: String(rawEntry))
            }
            servers.append(try Self.parseServer(entry))
        }
        if servers.isEmpty { throw .empty }
        self.servers = servers
        if let chrootText {
            self.chroot = try Self.parseChroot(String(chrootText))
        } else {
            self.chroot = nil
        }
    }

    /// Each entry goes through `HostPort`, the project's one host:port parser.
    private static func parseServer(_ entry: Substring) throws(ConnectStringError) -> ServerAddress {
        do {
            let parsed = try HostPort.parse(entry, defaultPort: defaultPort)
            return ServerAddress(host: parsed.host, port: parsed.port)
        } catch {
            switch error {
            case .emptyHost: throw .emptyHost(entry: String(entry))
            case .invalidHost: throw .invalidHost(entry: String(entry))
            case .invalidPort: throw .invalidPort(entry: String(entry))
            case .invalidIPv6Literal: throw .invalidIPv6Literal(entry: String(entry))
            }
        }
    }

    private static func parseChroot(_ chroot: String) throws(ConnectStringError) -> String? {
        if chroot == "/" { return nil }
        if let reason = PathValidation.problem(in: chroot) {
            throw .invalidChroot(chroot: chroot, reason: reason)
        }
        return chroot
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Substring {
    func trimmingASCIISpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
