import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// A mechanism whose rules the tests can read: an empty token gets the
/// challenge "who?", then "user:password" logs in when it is in `users`.
struct PasswordMechanism: SASLServerMechanism {
    var users: [String: String]

    func startExchange() -> any SASLServerExchange { Exchange(users: users) }

    struct Exchange: SASLServerExchange {
        var users: [String: String]
        var asked = false

        mutating func evaluate(_ token: [UInt8]) -> SASLServerStep {
            guard asked else {
                asked = true
                return token.isEmpty ? .challenge(Array("who?".utf8)) : .failure(reason: "no initial response")
            }
            let parts = String(decoding: token, as: UTF8.self).split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, users[parts[0]] == parts[1] else { return .failure(reason: "bad login") }
            return .success(finalToken: Array("ok".utf8), authorizationID: parts[0])
        }
    }
}

/// SASL through the core (Apache's processSasl), and the identities a TLS
/// certificate and SASL give to ACLs.
@Suite struct ServerCoreSASLTests {
    static func settings(superUser: String? = nil, x509: Bool = false) -> ServerSettings {
        ServerSettings(tickTimeMs: 2000, sasl: SASLServerOffer(mechanism: PasswordMechanism(users: ["alice": "pw"]), superUser: superUser),
                       x509Enabled: x509)
    }

    static func sasl(_ token: String) -> ClientRequest { .sasl(GetSASLRequest(token: Array(token.utf8))) }

    static func whoAmI(_ harness: inout CoreHarness, _ id: ConnectionID) throws -> [String] {
        try harness.request(id, .whoAmI).decode(WhoAmIResponse.self).clientInfo.map { "\($0.authScheme):\($0.user)" }
    }

    @Test func aLoginTakesTwoRoundsAndGrantsTheSASLIdentity() throws {
        var harness = CoreHarness(settings: Self.settings())
        let alice = harness.newSession().connection
        let other = harness.newSession().connection
        let first = harness.request(alice, Self.sasl(""))
        #expect(first.err == .ok && first.header.zxid == 0)
        #expect(try first.decode(SetSASLResponse.self).token == Array("who?".utf8))
        let second = harness.request(alice, Self.sasl("alice:pw"))
        #expect(second.err == .ok)
        #expect(try second.decode(SetSASLResponse.self).token == Array("ok".utf8))
        #expect(try Self.whoAmI(&harness, alice) == ["ip:127.0.0.1", "sasl:alice"])

        let aliceOnly = [ACL(perms: .all, id: Id(scheme: "sasl", id: "alice"))]
        #expect(harness.request(alice, .create("/a", "x", acl: aliceOnly)).err == .ok)
        #expect(harness.request(alice, .getData("/a")).err == .ok)
        #expect(harness.request(other, .getData("/a")).err == .noAuth)
        // `auth` expands to the proven identities: sasl counts, ip does not.
        #expect(harness.request(alice, .create("/b", acl: [ACL(perms: .all, id: Id(scheme: "auth", id: ""))])).err == .ok)
        #expect(harness.core.tree.node("/b")?.acl == aliceOnly)
        #expect(harness.request(other, .create("/c", acl: [ACL(perms: .all, id: Id(scheme: "auth", id: ""))])).err == .invalidACL)
    }

    @Test func aRefusedLoginAnswersAuthFailedWithANullTokenAndClosesTheConnection() throws {
        var harness = CoreHarness(settings: Self.settings())
        let mallory = harness.newSession().connection
        _ = harness.request(mallory, Self.sasl(""))
        let outputs = harness.call(mallory, Self.sasl("alice:wrong"))
        let reply = try #require(outputs.replies(to: mallory).first)
        #expect(reply.err == .authFailed)
        #expect(reply.body == [0xFF, 0xFF, 0xFF, 0xFF], "Apache's SetSASLResponse(null)")
        #expect(outputs.closes(mallory))
    }

    @Test func tokensAfterACompletedLoginAreRefused() throws {
        var harness = CoreHarness(settings: Self.settings())
        let alice = harness.newSession().connection
        _ = harness.request(alice, Self.sasl(""))
        _ = harness.request(alice, Self.sasl("alice:pw"))
        let outputs = harness.call(alice, Self.sasl(""))
        #expect(outputs.replies(to: alice).first?.err == .authFailed)
        #expect(outputs.closes(alice))
    }

    @Test func theSuperUserGetsSuper() throws {
        var harness = CoreHarness(settings: Self.settings(superUser: "alice"))
        let bob = harness.newSession().connection
        _ = harness.request(bob, .addAuth("digest", "bob:secret"))
        _ = harness.request(bob, .create("/bobs", acl: [ACL(perms: .all, id: Id(scheme: "digest", id: "bob:fyVmFCwVbTJYrznoSu1koqYEYF0="))]))
        let alice = harness.newSession().connection
        #expect(harness.request(alice, .getData("/bobs")).err == .noAuth)
        _ = harness.request(alice, Self.sasl(""))
        _ = harness.request(alice, Self.sasl("alice:pw"))
        #expect(try Self.whoAmI(&harness, alice).contains("super:"))
        #expect(harness.request(alice, .getData("/bobs")).err == .ok)
    }

    @Test func withoutSASLRequestsAreUnimplementedAndSASLACLsInvalid() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        #expect(harness.request(c, Self.sasl("")).err == .unimplemented)
        #expect(harness.request(c, .create("/s", acl: [ACL(perms: .all, id: Id(scheme: "sasl", id: "alice"))])).err == .invalidACL)
        #expect(harness.request(c, .create("/x", acl: [ACL(perms: .all, id: Id(scheme: "x509", id: "CN=a"))])).err == .invalidACL)
    }

    @Test func aTLSCertificateSubjectIsAnX509Identity() throws {
        var harness = CoreHarness(settings: Self.settings(x509: true))
        let tls = harness.newSession().connection
        harness.core.connectionIdentified(tls, as: Id(scheme: "x509", id: "O=zkdash,CN=client"))
        harness.core.connectionIdentified(tls, as: Id(scheme: "x509", id: "O=zkdash,CN=client"))
        let plain = harness.newSession().connection
        #expect(try Self.whoAmI(&harness, tls) == ["ip:127.0.0.1", "x509:O=zkdash,CN=client"])
        let certOnly = [ACL(perms: .all, id: Id(scheme: "x509", id: "O=zkdash,CN=client"))]
        #expect(harness.request(tls, .create("/cert", "c", acl: certOnly)).err == .ok)
        #expect(harness.request(tls, .getData("/cert")).err == .ok)
        #expect(harness.request(plain, .getData("/cert")).err == .noAuth)
        #expect(harness.request(tls, .create("/mine", acl: [ACL(perms: .all, id: Id(scheme: "auth", id: ""))])).err == .ok)
        #expect(harness.core.tree.node("/mine")?.acl == certOnly)
        #expect(harness.request(plain, .create("/bad", acl: [ACL(perms: .all, id: Id(scheme: "x509", id: "no equals sign"))])).err == .invalidACL)
    }
}
