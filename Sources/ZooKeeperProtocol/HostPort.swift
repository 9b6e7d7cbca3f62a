/// `host`, `host:port`, `[ipv6]` or `[ipv6]:port`: the one host:port parser of
/// the project (client connect strings, `--servers` lists). Strict: a typo is
/// an error that says what is wrong, never a silently different address, and
/// host names are checked before any lookup so a typo never becomes a DNS query.
public struct HostPort: Hashable, Sendable {
    /// Host name or address literal; IPv6 without brackets.
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// What is wrong with an entry, in words (the caller names the entry).
    public enum ParseError: Error, Sendable, Equatable {
        case emptyHost
        case invalidHost(reason: String)
        case invalidPort(text: String)
        case invalidIPv6Literal(reason: String)

        public var reason: String {
            switch self {
            case .emptyHost: "missing host"
            case .invalidHost(let reason): reason
            case .invalidPort(let text): "port '\(text)' is not a port number (1-65535)"
            case .invalidIPv6Literal(let reason): reason
            }
        }
    }

    /// `defaultPort` when the entry names none (2181 in connect strings).
    public static func parse(_ entry: Substring, defaultPort: Int) throws(ParseError) -> HostPort {
        let host: Substring
        var portText: Substring?
        if entry.first == "[" {
            guard let close = entry.firstIndex(of: "]") else { throw .invalidIPv6Literal(reason: "'[' without a closing ']'") }
            host = entry[entry.index(after: entry.startIndex)..<close]
            let rest = entry[entry.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { throw .invalidIPv6Literal(reason: "expected ':port' after ']'") }
                portText = rest.dropFirst()
            }
            guard host.contains(":") else { throw .invalidIPv6Literal(reason: "brackets are only for IPv6 literals") }
            guard host.allSatisfy(isIPv6LiteralCharacter) else { throw .invalidIPv6Literal(reason: "'\(host)' is not an IPv6 literal") }
        } else {
            let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
            // A bare "::1" is ambiguous with host:port; Apache refuses it too.
            guard parts.count <= 2 else { throw .invalidHost(reason: "IPv6 literals need brackets, e.g. [::1]:2181") }
            host = parts[0]
            if parts.count == 2 { portText = parts[1] }
            guard !host.isEmpty else { throw .emptyHost }
            if let reason = hostNameProblem(host) { throw .invalidHost(reason: reason) }
        }
        var port = defaultPort
        if let portText {
            guard let value = portNumber(portText) else { throw .invalidPort(text: String(portText)) }
            port = value
        }
        return HostPort(host: String(host), port: port)
    }

    /// 1-65535, digits only.
    public static func portNumber(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Int(text), (1...65535).contains(value) else { return nil }
        return value
    }

    /// Host names as RFC 1123 allows them (letters, digits, '-', '.', and the
    /// '_' real deployments use; labels of 1-63 characters not starting or
    /// ending with '-'), at most 253 characters.
    public static func hostNameProblem(_ host: some StringProtocol) -> String? {
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

    /// Hex groups, colons, an embedded IPv4 tail, and a %zone suffix.
    static func isIPv6LiteralCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isHexDigit || character == ":" || character == "." || character == "%"
            || character.isLetter || character.isNumber)
    }

    /// `host:port`, with brackets around IPv6 literals, as users write it.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
