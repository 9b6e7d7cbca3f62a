@testable import ConnectionSecurity
import Foundation
import NIOSSL
import Testing

/// The server side of DIGEST-MD5 against our client (which RFC 2831's
/// example pins) and against every way a response can be wrong.
struct DigestMD5ServerTests {
    static let users = ["alice": "alice-secret", "bob": "bob-secret"]

    /// Runs a whole login; returns the server's outcome of round 2.
    static func login(_ user: String, _ password: String, server: inout DigestMD5ServerExchange) throws -> DigestMD5ServerExchange.Outcome {
        var client = DigestMD5Client(username: user, password: password)
        guard case .challenge(let challenge) = try server.evaluate(client.initialToken) else {
            Issue.record("round 1 must be a challenge")
            throw SASLError("no challenge")
        }
        let response = try #require(try client.respond(to: challenge))
        let outcome = try server.evaluate(response)
        if case .authenticated(let rspauth, _, _) = outcome {
            #expect(try client.respond(to: rspauth) == nil)
            #expect(client.isComplete, "the client accepts the server's rspauth")
        }
        return outcome
    }

    @Test func theRightPasswordLogsInAndTheServerProvesItKnowsIt() throws {
        var server = DigestMD5ServerExchange(users: Self.users, nonce: "fixed-nonce")
        let outcome = try Self.login("alice", "alice-secret", server: &server)
        guard case .authenticated(let rspauth, let authn, let authz) = outcome else { Issue.record("\(outcome)"); return }
        #expect(String(decoding: rspauth, as: UTF8.self).hasPrefix("rspauth="))
        #expect(authn == "alice" && authz == "alice")
        // Apache's SaslServer refuses anything after completion.
        #expect(throws: SASLError("DIGEST-MD5 authentication already completed")) { try server.evaluate([]) }
    }

    @Test func theChallengeIsApachesWithAFreshNonceEachTime() throws {
        var first = DigestMD5ServerExchange(users: Self.users)
        var second = DigestMD5ServerExchange(users: Self.users)
        guard case .challenge(let a) = try first.evaluate([]), case .challenge(let b) = try second.evaluate([]) else {
            Issue.record("no challenge"); return
        }
        let text = String(decoding: a, as: UTF8.self)
        for part in [#"realm="zk-sasl-md5""#, "nonce=", "charset=utf-8", "algorithm=md5-sess"] { #expect(text.contains(part), "\(text)") }
        let nonceA = try #require(try DigestMD5.parse(text)["nonce"])
        let nonceB = try #require(try DigestMD5.parse(String(decoding: b, as: UTF8.self))["nonce"])
        #expect(nonceA != nonceB && nonceA.count == 32)
    }

    @Test func wrongPasswordsUnknownUsersAndForgedFieldsAreRefusedInWords() throws {
        var server = DigestMD5ServerExchange(users: Self.users)
        #expect(throws: SASLError("DIGEST-MD5: digest response format violation. Mismatched response.")) {
            try Self.login("alice", "wrong", server: &server)
        }
        server = DigestMD5ServerExchange(users: Self.users)
        #expect(throws: SASLError("User 'mallory' not found in list of DIGEST-MD5 authenticateable users.")) {
            try Self.login("mallory", "x", server: &server)
        }
        server = DigestMD5ServerExchange(users: Self.users)
        #expect(throws: SASLError("DIGEST-MD5 must not have an initial response")) { try server.evaluate(Array("x".utf8)) }

        // A response replayed against another exchange (another nonce), one for
        // another service, and a nonce count that is not the first.
        var original = DigestMD5ServerExchange(users: Self.users, nonce: "n1")
        var client = DigestMD5Client(username: "bob", password: "bob-secret")
        guard case .challenge(let challenge) = try original.evaluate([]) else { Issue.record("no challenge"); return }
        let response = String(decoding: try #require(try client.respond(to: challenge)), as: UTF8.self)
        for (forged, reason) in [
            (response, "nonce mismatch"),
            (response.replacingOccurrences(of: "zookeeper/zk-sasl-md5", with: "imap/zk-sasl-md5"), "digest-uri"),
            (response.replacingOccurrences(of: "nc=00000001", with: "nc=00000002"), "nonce count"),
        ] {
            var other = DigestMD5ServerExchange(users: Self.users, nonce: forged == response ? "n2" : "n1")
            _ = try other.evaluate([])
            do {
                _ = try other.evaluate(Array(forged.utf8))
                Issue.record("accepted: \(forged)")
            } catch {
                #expect(error.description.contains(reason), "\(error)")
            }
        }
    }
}

/// A TLS session's x509 identity is the certificate subject as Java prints it.
struct CertificateSubjectTests {
    @Test func theSubjectReadsAsJavasRFC2253Name() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/client.crt").path
        let certificate = try #require(try NIOSSLCertificate.fromPEMFile(path).first)
        #expect(CertificateSubject.rfc2253(certificate) == "CN=zkdash-test-client")
        #expect(CertificateSubject.commonName(certificate) == "zkdash-test-client")
    }

    @Test func specialCharactersAreEscapedAsRFC2253Says() {
        #expect(CertificateSubject.escaped("a,b+c") == #"a\,b\+c"#)
        #expect(CertificateSubject.escaped("#lead trail ") == ##"\#lead trail\ "##)
        #expect(CertificateSubject.escaped(#"q"<>;\"#) == #"q\"\<\>\;\\"#)
    }
}
