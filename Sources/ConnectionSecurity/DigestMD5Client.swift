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
        self.cnonce = cnonce ?? DigestMD5.randomNonce()
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
            let fields = try DigestMD5.parse(String(decoding: token, as: UTF8.self))
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
        let fields = try DigestMD5.parse(text)
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
        func digest(_ a2: String) -> String {
            DigestMD5.digest(username: username, realm: realm, password: password, nonce: nonce, cnonce: cnonce,
                             authzid: nil, nc: nc, a2: a2, utf8: utf8)
        }
        var parts: [String] = []
        if utf8 { parts.append("charset=utf-8") }
        parts.append("username=\(DigestMD5.quoted(username))")
        if fields["realm"] != nil { parts.append("realm=\(DigestMD5.quoted(realm))") }
        parts += ["nonce=\(DigestMD5.quoted(nonce))", "nc=\(nc)", "cnonce=\(DigestMD5.quoted(cnonce))", "digest-uri=\(DigestMD5.quoted(digestURI))",
                  "maxbuf=65536", "response=\(digest("AUTHENTICATE:\(digestURI)"))", "qop=\(qop)"]
        return (parts.joined(separator: ","), digest(":\(digestURI)"))
    }
}

extension StringProtocol {
    func trimmedSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
