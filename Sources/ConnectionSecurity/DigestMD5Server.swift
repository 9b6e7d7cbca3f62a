/// The server side of SASL DIGEST-MD5 (RFC 2831) as Apache ZooKeeper runs it
/// (`Sasl.createSaslServer("DIGEST-MD5", "zookeeper", "zk-sasl-md5", …)` with
/// users from a JAAS `Server` section): an empty first token gets the
/// challenge, the client's digest-response gets `rspauth`, anything else is
/// refused. One value per connection; it holds the nonce it issued.
public struct DigestMD5ServerExchange: Sendable {
    enum Phase: Sendable, Equatable {
        case awaitingFirstToken
        case awaitingResponse(nonce: String)
        case finished
    }

    /// user → password, from the JAAS file's `user_NAME="password"` options.
    let users: [String: String]
    private let nonce: String
    private(set) var phase: Phase = .awaitingFirstToken

    public init(users: [String: String], nonce: String? = nil) {
        self.users = users
        self.nonce = nonce ?? DigestMD5.randomNonce()
    }

    public enum Outcome: Sendable, Equatable {
        case challenge([UInt8])
        /// `authenticationID` is the user the password proved; Apache's
        /// callback handler derives the session's `sasl` identity from it
        /// (never from a client-chosen authzid).
        case authenticated(rspauth: [UInt8], authenticationID: String, authorizationID: String)
    }

    public mutating func evaluate(_ token: [UInt8]) throws(SASLError) -> Outcome {
        switch phase {
        case .awaitingFirstToken:
            guard token.isEmpty else {
                phase = .finished
                throw SASLError("DIGEST-MD5 must not have an initial response")
            }
            phase = .awaitingResponse(nonce: nonce)
            let challenge = "realm=\"\(DigestMD5.realm)\",nonce=\"\(nonce)\",qop=\"auth\",charset=utf-8,algorithm=md5-sess"
            return .challenge(Array(challenge.utf8))
        case .awaitingResponse(let nonce):
            phase = .finished
            return try verify(String(decoding: token, as: UTF8.self), nonce: nonce)
        case .finished:
            throw SASLError("DIGEST-MD5 authentication already completed")
        }
    }

    private func verify(_ text: String, nonce: String) throws(SASLError) -> Outcome {
        let fields = try DigestMD5.parse(text)
        func field(_ name: String) throws(SASLError) -> String {
            guard let value = fields[name] else { throw SASLError("DIGEST-MD5: digest response format violation: no \(name)") }
            return value
        }
        let utf8 = fields["charset"].map { $0.lowercased() == "utf-8" } ?? false
        if let charset = fields["charset"], !utf8 { throw SASLError("DIGEST-MD5: unsupported charset \(charset)") }
        let username = try field("username")
        let realm = fields["realm"] ?? ""
        guard realm == DigestMD5.realm || (realm.isEmpty && fields["realm"] == nil) else {
            throw SASLError("DIGEST-MD5: digest response format violation: unknown realm \(realm)")
        }
        guard try field("nonce") == nonce else { throw SASLError("DIGEST-MD5: digest response format violation: nonce mismatch") }
        let cnonce = try field("cnonce")
        let nc = try field("nc")
        guard Int(nc, radix: 16) == 1 else { throw SASLError("DIGEST-MD5: nonce count \(nc) (a new login must start at 00000001)") }
        let qop = fields["qop"] ?? "auth"
        guard qop == "auth" else { throw SASLError("DIGEST-MD5: qop \(qop) is not offered (auth only)") }
        let uri = try field("digest-uri")
        guard uri == DigestMD5.digestURI else {
            throw SASLError("DIGEST-MD5: digest response format violation: digest-uri \(uri) is not \(DigestMD5.digestURI)")
        }
        let response = try field("response").lowercased()
        guard let password = users[username] else {
            throw SASLError("User '\(username)' not found in list of DIGEST-MD5 authenticateable users.")
        }
        let authzid = fields["authzid"]
        let expected = DigestMD5.digest(username: username, realm: realm, password: password, nonce: nonce, cnonce: cnonce,
                                        authzid: authzid, nc: nc, a2: "AUTHENTICATE:\(uri)", utf8: utf8)
        guard expected == response else {
            throw SASLError("DIGEST-MD5: digest response format violation. Mismatched response.")
        }
        let rspauth = DigestMD5.digest(username: username, realm: realm, password: password, nonce: nonce, cnonce: cnonce,
                                       authzid: authzid, nc: nc, a2: ":\(uri)", utf8: utf8)
        return .authenticated(rspauth: Array("rspauth=\(rspauth)".utf8), authenticationID: username,
                              authorizationID: authzid ?? username)
    }
}
