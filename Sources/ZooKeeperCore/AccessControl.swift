import ZooKeeperProtocol

/// The authentication schemes Apache ships by default: world, auth (expanded at
/// write time), digest, ip, plus "super" from `superDigest`; x509 on a server
/// with a secure client port and sasl when SASL is configured. ACL decisions
/// live here so prep (writes) and reads check them the same way.
public struct AccessControl: Sendable {
    /// `user:base64(sha1(user:password))` that grants super powers, as
    /// `DigestAuthenticationProvider.superDigest`.
    public var superDigest: String?
    /// Schemes of the optional providers this server has (Apache's
    /// ProviderRegistry): an ACL naming a scheme without a provider is invalid.
    public var x509Enabled: Bool
    public var saslEnabled: Bool

    public init(superDigest: String? = nil, x509Enabled: Bool = false, saslEnabled: Bool = false) {
        self.superDigest = superDigest
        self.x509Enabled = x509Enabled
        self.saslEnabled = saslEnabled
    }

    /// Schemes whose ids prove who the client is (Apache's
    /// `isAuthenticated()`): what an `auth` ACL entry expands to. Apache's ip
    /// provider reports false and "super" has no provider at all.
    static let provenSchemes: Set<String> = ["digest", "x509", "sasl"]

    /// `user:password` → `user:base64(sha1(user:password))`.
    public static func digestId(for credentials: String) -> String {
        let user = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return user + ":" + Base64.encode(SHA1.hash(Array(credentials.utf8)))
    }

    /// Ids an `addAuth` adds to a connection, or nil when the scheme is unknown
    /// (Apache answers AuthFailed and closes the connection).
    public func authenticate(scheme: String, auth: [UInt8], remoteAddress: String) -> [Id]? {
        switch scheme {
        case "ip":
            // Apache's IP provider ignores the payload and vouches for the
            // connection's own address.
            return [Id(scheme: "ip", id: remoteAddress)]
        case "digest":
            let digest = AccessControl.digestId(for: String(decoding: auth, as: UTF8.self))
            // Apache adds super first, then the digest id.
            var ids: [Id] = []
            if let superDigest, digest == superDigest { ids.append(Id(scheme: "super", id: "")) }
            ids.append(Id(scheme: "digest", id: digest))
            return ids
        default:
            return nil
        }
    }

    /// Apache's `checkACL`: an empty list, super, or any entry granting one of
    /// the bits of `perm` to an id the connection holds.
    public func isAllowed(_ perm: Perms, acl: [ACL], authIds: [Id]) -> Bool {
        if acl.isEmpty { return true }
        if authIds.contains(where: { $0.scheme == "super" }) { return true }
        // Any shared bit grants, as Apache's `(acl.perms & perm) != 0`.
        for entry in acl where !entry.perms.isDisjoint(with: perm) {
            if entry.id.scheme == "world" && entry.id.id == "anyone" { return true }
            for id in authIds where id.scheme == entry.id.scheme {
                if matches(scheme: id.scheme, id: id.id, aclExpression: entry.id.id) { return true }
            }
        }
        return false
    }

    private func matches(scheme: String, id: String, aclExpression: String) -> Bool {
        switch scheme {
        case "ip": IPMatcher.matches(address: id, expression: aclExpression)
        // Apache's SASLAuthenticationProvider.matches also lets a sasl id
        // named "super" through.
        case "sasl": id == aclExpression || id == "super"
        default: id == aclExpression
        }
    }

    /// Apache's `fixupACL`: drop duplicates, expand `auth` into the caller's
    /// authenticated ids, and refuse empty lists and ids a provider finds invalid.
    public func fixup(_ acl: [ACL], authIds: [Id]) -> Result<[ACL], ErrorCode> {
        var unique: [ACL] = []
        for entry in acl where !unique.contains(entry) { unique.append(entry) }
        if unique.isEmpty { return .failure(.invalidACL) }
        var fixed: [ACL] = []
        for entry in unique {
            let id = entry.id
            if id.scheme == "world" && id.id == "anyone" {
                fixed.append(entry)
            } else if id.scheme == "auth" {
                let authenticated = authIds.filter { AccessControl.provenSchemes.contains($0.scheme) }
                if authenticated.isEmpty { return .failure(.invalidACL) }
                fixed.append(contentsOf: authenticated.map { ACL(perms: entry.perms, id: $0) })
            } else if isValid(id) {
                fixed.append(entry)
            } else {
                return .failure(.invalidACL)
            }
        }
        return .success(fixed)
    }

    private func isValid(_ id: Id) -> Bool {
        switch id.scheme {
        case "digest": AccessControl.javaSplitCount(id.id, ":") == 2
        case "ip": IPMatcher.isValid(expression: id.id)
        case "x509": x509Enabled && AccessControl.isDistinguishedName(id.id)
        case "sasl": saslEnabled && AccessControl.isKerberosName(id.id)
        default: false
        }
    }

    /// Apache's X509 provider accepts what `new X500Principal(id)` parses: here,
    /// empty or `KEY=value` parts separated by unescaped commas.
    static func isDistinguishedName(_ text: String) -> Bool {
        if text.isEmpty { return true }
        var parts: [String] = [""]
        var escaped = false
        for character in text {
            if escaped { parts[parts.count - 1].append(character); escaped = false; continue }
            if character == "\\" { escaped = true; continue }
            if character == "," { parts.append(""); continue }
            parts[parts.count - 1].append(character)
        }
        return parts.allSatisfy { part in
            guard let equals = part.firstIndex(of: "=") else { return false }
            return !String(part[..<equals]).trimmingSpaces.isEmpty
        }
    }

    /// Apache's SASL provider accepts what Hadoop's `KerberosName` parses:
    /// `primary[/instance]@REALM`, or any name without `@`.
    static func isKerberosName(_ text: String) -> Bool {
        guard let at = text.firstIndex(of: "@") else { return true }
        let principal = text[..<at], realm = text[text.index(after: at)...]
        return !realm.contains("@") && !realm.contains("/") && principal.filter({ $0 == "/" }).count <= 1
    }

    /// Java's `String.split(sep).length`: trailing empty parts do not count
    /// ("bob:" is one part, "a:b:" two), which decides digest id validity.
    static func javaSplitCount(_ text: String, _ separator: Character) -> Int {
        var parts = text.split(separator: separator, omittingEmptySubsequences: false)
        while parts.count > 1, parts.last?.isEmpty == true { parts.removeLast() }
        return parts.count
    }

    /// The user part of an id, as Apache's whoAmI reports it (digest ids
    /// drop the hash).
    public static func userName(of id: Id) -> String {
        guard id.scheme == "digest", let colon = id.id.firstIndex(of: ":") else { return id.id }
        return String(id.id[..<colon])
    }

    /// Apache hides digest hashes from readers that lack ADMIN on the node.
    public static func redacted(_ acl: [ACL]) -> [ACL] {
        acl.map { entry in
            guard entry.id.scheme == "digest", let colon = entry.id.id.firstIndex(of: ":") else { return entry }
            return ACL(perms: entry.perms, id: Id(scheme: "digest", id: entry.id.id[..<colon] + ":x"))
        }
    }
}

/// The `ip` scheme: `addr` or `addr/bits`, IPv4 or IPv6.
enum IPMatcher {
    static func isValid(expression: String) -> Bool {
        parse(expression) != nil
    }

    static func matches(address: String, expression: String) -> Bool {
        guard let (network, bits) = parse(expression), let client = parseAddress(address),
              client.count == network.count else { return false }
        var remaining = bits
        for index in 0..<network.count {
            let take = min(8, max(0, remaining))
            remaining -= 8
            let mask: UInt8 = take == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if client[index] & mask != network[index] & mask { return false }
        }
        return true
    }

    private static func parse(_ expression: String) -> ([UInt8], Int)? {
        let parts = expression.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = parseAddress(String(parts[0])) else { return nil }
        let maxBits = address.count * 8
        if parts.count == 2 {
            guard let bits = Int(parts[1]), bits >= 0, bits <= maxBits else { return nil }
            return (address, bits)
        }
        return (address, maxBits)
    }

    /// IPv4 only, as Apache's IPAuthenticationProvider (its IPv6 parsing is
    /// a TODO): an IPv6 ACL is InvalidACL and an IPv6 client matches nothing.
    static func parseAddress(_ text: String) -> [UInt8]? {
        if text.contains(":") { return nil }
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, let value = UInt8(octet) else { return nil }
            bytes.append(value)
        }
        return bytes
    }
}
