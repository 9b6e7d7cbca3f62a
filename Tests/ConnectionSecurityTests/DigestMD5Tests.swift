@testable import ConnectionSecurity
import Testing

/// SASL DIGEST-MD5 against RFC 2831's own worked example (section 4), and
/// the ways a server's answer can be wrong.
struct DigestMD5Tests {
    static let challenge = #"realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",qop="auth",algorithm=md5-sess,charset=utf-8"#

    static func client() -> DigestMD5Client {
        DigestMD5Client(username: "chris", password: "secret", digestURI: "imap/elwood.innosoft.com", cnonce: "OA6MHXh6VqTrRk")
    }

    @Test func theRFCExampleGivesTheRFCResponseAndRspauth() throws {
        var client = Self.client()
        #expect(client.initialToken.isEmpty)
        let response = String(decoding: try #require(try client.respond(to: Array(Self.challenge.utf8))), as: UTF8.self)
        #expect(response.contains("response=d388dad90d4bbd760a152321f2143af7"))
        #expect(response.contains(#"username="chris""#) && response.contains(#"realm="elwood.innosoft.com""#))
        #expect(response.contains(#"digest-uri="imap/elwood.innosoft.com""#) && response.contains("nc=00000001") && response.contains("qop=auth"))
        #expect(!response.contains("secret"))
        #expect(try client.respond(to: Array("rspauth=ea40f60335c427b5527b84dbabcdfffd".utf8)) == nil)
        #expect(client.isComplete)
    }

    @Test func aServerThatDoesNotKnowThePasswordIsCaught() throws {
        var client = Self.client()
        _ = try client.respond(to: Array(Self.challenge.utf8))
        #expect(throws: SASLError.self) { try client.respond(to: Array("rspauth=00000000000000000000000000000000".utf8)) }
        #expect(!client.isComplete)
    }

    @Test func challengesItCannotAnswerAreRefusedInWords() {
        for (challenge, expected) in [
            (#"realm="r",nonce="n",qop="auth-conf",algorithm=md5-sess"#, "supports qop=auth"),
            (#"realm="r",qop="auth",algorithm=md5-sess"#, "no nonce"),
            (#"realm="r,nonce="x""#, "malformed challenge"),
            (#"realm="r",nonce="x"#, "unclosed quote"),
        ] {
            var client = Self.client()
            #expect(throws: SASLError.self) { try client.respond(to: Array(challenge.utf8)) }
            do {
                _ = try client.respond(to: Array(challenge.utf8))
            } catch {
                #expect(error.description.contains(expected), "\(challenge): \(error)")
            }
        }
    }

    @Test func quotedValuesMayHoldCommasAndEscapes() throws {
        let fields = try DigestMD5.parse(#"realm="a,b",nonce="x\"y", qop=auth"#)
        #expect(fields["realm"] == "a,b" && fields["nonce"] == #"x"y"# && fields["qop"] == "auth")
    }
}
