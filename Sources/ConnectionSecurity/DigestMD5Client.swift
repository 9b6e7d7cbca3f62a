import Crypto
import Foundation

/// A SASL login that failed, in words.
public struct SASLError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The client side of SASL DIGEST-MD5 (RFC 2831), as Apache ZooKeeper's
/// `SASLAuthenticationProvider` with a JAAS `Server` section expects it: the
/// client sends an empty first token, answers the server's challenge with
/// `qop=auth`, and checks the server's `rspauth`. MD5 is the mechanism's own
/// (swift-crypto's `Insecure.MD5`); nothing here is confidential beyond the
/// password, which never leaves in clear.
public struct DigestMD5Client: Sendable {
    enum Phase: Sendable, Equatable {
        case awaitingChallenge
        case awaitingRspauth(expected: String)
        case complete
    }

    public let username: String
    let password: String
    /// ZooKeeper's service principal for DIGEST-MD5: "zookeeper/zk-sasl-md5".
    public let digestURI: String
    let cnonce: String
    private(set) var phase: Phase = .awaitingChallenge

    public init(username: String, password: String, digestURI: String = "zookeeper/zk-sasl-md5", cnonce: String? = nil) {
        self.username = username
        self.password = password
        self.digestURI = digestURI
        self.cnonce = cnonce ?? Self.randomNonce()
    }

    /// DIGEST-MD5 has no initial response: the first token is empty.
    public var initialToken: [UInt8] { [] }

    public var isComplete: Bool { phase == .complete }

    /// The next token for the server's `token`, or nil once the login is complete.
    public mutating func respond(to token: [UInt8]) throws(SASLError) -> [UInt8]? {
        switch phase {
        case .awaitingChallenge:
            let (response, rspauth) = try answer(challenge: String(decoding: token, as: UTF8.self))
            phase = .awaitingRspauth(expected: rspauth)
            return Array(response.utf8)
        case .awaitingRspauth(let expected):
            let fields = try Self.parse(String(decoding: token, as: UTF8.self))
            guard let rspauth = fields["rspauth"] else { throw SASLError("SASL: the server did not confirm the login (no rspauth)") }
            guard rspauth == expected else { throw SASLError("SASL: the server's rspauth does not match: it does not know this password") }
            phase = .complete
            return nil
        case .complete:
            return nil
        }
    }

    /// The response to a challenge, and the rspauth the server must send back.
    func answer(challenge text: String) throws(SASLError) -> (response: String, rspauth: String) {
        let fields = try Self.parse(text)
        guard let nonce = fields["nonce"] else { throw SASLError("SASL: the server's challenge has no nonce") }
        let qops = (fields["qop"] ?? "auth").split(separator: ",").map { $0.trimmedSpaces() }
        guard qops.contains("auth") else {
            throw SASLError("SASL: the server offers only \(qops.joined(separator: ", ")); zkdash supports qop=auth")
        }
        if let algorithm = fields["algorithm"], algorithm != "md5-sess" {
            throw SASLError("SASL: unsupported DIGEST-MD5 algorithm \(algorithm)")
        }
        let utf8 = fields["charset"]?.lowercased() == "utf-8"
        let realm = fields["realm"] ?? ""
        let nc = "00000001"
        let qop = "auth"
        // A1 = H(user:realm:password) ":" nonce ":" cnonce (md5-sess)
        let userHash = Self.md5(Self.bytes(username, utf8) + Array(":".utf8) + Self.bytes(realm, utf8) + Array(":".utf8) + Self.bytes(password, utf8))
        let a1 = userHash + Array(":\(nonce):\(cnonce)".utf8)
        let ha1 = Self.hex(Self.md5(a1))
        func digest(_ a2: String) -> String {
            let ha2 = Self.hex(Self.md5(Array(a2.utf8)))
            return Self.hex(Self.md5(Array("\(ha1):\(nonce):\(nc):\(cnonce):\(qop):\(ha2)".utf8)))
        }
        var parts: [String] = []
        if utf8 { parts.append("charset=utf-8") }
        parts.append("username=\(Self.quoted(username))")
        if fields["realm"] != nil { parts.append("realm=\(Self.quoted(realm))") }
        parts += ["nonce=\(Self.quoted(nonce))", "nc=\(nc)", "cnonce=\(Self.quoted(cnonce))", "digest-uri=\(Self.quoted(digestURI))",
                  "maxbuf=65536", "response=\(digest("AUTHENTICATE:\(digestURI)"))", "qop=\(qop)"]
        return (parts.joined(separator: ","), digest(":\(digestURI)"))
    }

    /// `key=value` or `key="quoted, value"` pairs separated by commas.
    static func parse(_ text: String) throws(SASLError) -> [String: String] {
        var fields: [String: String] = [:]
        var chars = Array(text)[...]
        while !chars.isEmpty {
            while let first = chars.first, first == "," || first == " " { chars.removeFirst() }
            guard !chars.isEmpty else { break }
            guard let equals = chars.firstIndex(of: "=") else { throw SASLError("SASL: malformed challenge: \(text)") }
            let key = String(chars[chars.startIndex..<equals]).trimmedSpaces().lowercased()
            chars = chars[(equals + 1)...]
            var value = ""
            if chars.first == "\"" {
                chars.removeFirst()
                var closed = false
                while let c = chars.popFirst() {
                    if c == "\\", let next = chars.popFirst() { value.append(next); continue }
                    if c == "\"" { closed = true; break }
                    value.append(c)
                }
                guard closed else { throw SASLError("SASL: malformed challenge (unclosed quote): \(text)") }
            } else {
                while let c = chars.first, c != "," { value.append(c); chars.removeFirst() }
                value = value.trimmedSpaces()
            }
            // RFC 2831 allows several realms; the first one is used.
            if fields[key] == nil { fields[key] = value }
        }
        return fields
    }

    /// With charset=utf-8, a string whose characters all fit ISO 8859-1 is
    /// hashed in ISO 8859-1 (RFC 2831 2.1.2.1); otherwise in UTF-8.
    static func bytes(_ text: String, _ utf8: Bool) -> [UInt8] {
        guard utf8 else { return text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }
        if text.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) { return text.unicodeScalars.map { UInt8($0.value) } }
        return Array(text.utf8)
    }

    static func md5(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: bytes)) }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func randomNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16) }.joined()
    }
}

extension StringProtocol {
    func trimmedSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
