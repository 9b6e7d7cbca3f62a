import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// addAuth, ACL enforcement on reads and writes, getACL redaction, whoAmI.
@Suite struct ServerCoreAuthTests {
    let bobId = Id(scheme: "digest", id: "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=")
    var bobOnly: [ACL] { [ACL(perms: .all, id: bobId)] }

    @Test func addAuthDigestThenCreateWithDigestAcl() throws {
        var harness = CoreHarness()
        let bob = harness.newSession().connection
        let stranger = harness.newSession().connection
        let auth = harness.request(bob, .addAuth("digest", "bob:secret"))
        #expect(auth.xid == SpecialXid.auth)
        #expect(auth.err == .ok)
        #expect(auth.body.isEmpty)

        #expect(harness.request(bob, .create("/secret", "s", acl: bobOnly)).err == .ok)
        #expect(harness.core.tree.node("/secret")?.acl == bobOnly)
        #expect(harness.request(bob, .getData("/secret")).err == .ok)
        #expect(harness.request(bob, .setData("/secret", "t")).err == .ok)
        #expect(harness.request(bob, .create("/secret/child")).err == .ok)

        #expect(harness.request(stranger, .getData("/secret")).err == .noAuth)
        #expect(harness.request(stranger, .setData("/secret", "x")).err == .noAuth)
        #expect(harness.request(stranger, .getChildren("/secret")).err == .noAuth)
        #expect(harness.request(stranger, .getChildren2(GetChildren2Request(path: "/secret"))).err == .noAuth)
        #expect(harness.request(stranger, .getAllChildrenNumber(GetAllChildrenNumberRequest(path: "/secret"))).err == .noAuth)
        #expect(harness.request(stranger, .create("/secret/x")).err == .noAuth)
        #expect(harness.request(stranger, .delete("/secret/child")).err == .noAuth)
        #expect(harness.request(stranger, .setACL("/secret", ACL.openUnsafe)).err == .noAuth)
        #expect(harness.request(stranger, .getACL("/secret")).err == .noAuth)
        // Authenticating with the wrong password does not help.
        #expect(harness.request(stranger, .addAuth("digest", "bob:wrong")).err == .ok)
        #expect(harness.request(stranger, .getData("/secret")).err == .noAuth)
    }

    /// Apache's processPacket answers auth with ReplyHeader(xid, 0, code).
    @Test
    func authReplyZxidIsZero() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.call(c, .create("/a"))
        #expect(harness.request(c, .addAuth("digest", "bob:secret")).header.zxid == 0)
    }

    /// Deleting checks DELETE on the parent, not the node (Apache's prep).
    @Test func deleteNeedsDeleteOnTheParentOnly() {
        var harness = CoreHarness()
        let bob = harness.newSession().connection
        let stranger = harness.newSession().connection
        _ = harness.request(bob, .addAuth("digest", "bob:secret"))
        _ = harness.call(bob, .create("/secret", acl: bobOnly))
        #expect(harness.request(stranger, .delete("/secret")).err == .ok)
    }

    /// FinalRequestProcessor checks READ on an existing node for exists.
    @Test
    func existsNeedsRead() {
        var harness = CoreHarness()
        let bob = harness.newSession().connection
        let stranger = harness.newSession().connection
        _ = harness.request(bob, .addAuth("digest", "bob:secret"))
        _ = harness.call(bob, .create("/secret", acl: bobOnly))
        #expect(harness.request(stranger, .exists("/secret")).err == .noAuth)
        #expect(harness.request(stranger, .exists("/missing")).err == .noNode)
        #expect(harness.request(bob, .exists("/secret")).err == .ok)
    }

    @Test func authAclIsExpandedToTheCallersIdentities() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let auth = [ACL(perms: [.read, .write], id: Id(scheme: "auth", id: ""))]
        #expect(harness.request(c, .create("/x", acl: auth)).err == .invalidACL)
        _ = harness.request(c, .addAuth("digest", "bob:secret"))
        #expect(harness.request(c, .create("/x", acl: auth)).err == .ok)
        #expect(harness.core.tree.node("/x")?.acl == [ACL(perms: [.read, .write], id: bobId)])
        #expect(harness.request(c, .setACL("/x", auth)).err == .noAuth, "no ADMIN in the new ACL's node")
    }

    @Test func unknownAuthSchemeFailsAndCloses() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let outputs = harness.call(c, .addAuth("kerberos", "x"))
        let reply = try #require(outputs.reply(to: c, xid: SpecialXid.auth))
        #expect(reply.err == .authFailed)
        #expect(outputs.closes(c))
        let replyIndex = try #require(outputs.index { $0.reply != nil })
        let closeIndex = try #require(outputs.index { $0 == .close(c) })
        #expect(replyIndex < closeIndex)
    }

    @Test func ipAuthUsesTheConnectionsAddress() throws {
        var harness = CoreHarness()
        let local = harness.newSession(address: "127.0.0.1").connection
        let remote = harness.newSession(address: "10.1.2.3").connection
        let localOnly = [ACL(perms: .all, id: Id(scheme: "ip", id: "127.0.0.0/8"))]
        #expect(harness.request(local, .create("/local", acl: localOnly)).err == .ok)
        #expect(harness.request(local, .getData("/local")).err == .ok)
        #expect(harness.request(remote, .getData("/local")).err == .noAuth)
        // Claiming another address in an ip addAuth changes nothing.
        #expect(harness.request(remote, .addAuth("ip", "127.0.0.1")).err == .ok)
        #expect(harness.request(remote, .getData("/local")).err == .noAuth)
    }

    @Test func superDigestBypassesAcls() {
        var harness = CoreHarness(settings: ServerSettings(tickTimeMs: 2000, superDigest: "super:D/InIHSb7yEEbrWz8b9l71RjZJU="))
        let bob = harness.newSession().connection
        let admin = harness.newSession().connection
        _ = harness.request(bob, .addAuth("digest", "bob:secret"))
        _ = harness.call(bob, .create("/secret", "s", acl: bobOnly))
        #expect(harness.request(admin, .getData("/secret")).err == .noAuth)
        #expect(harness.request(admin, .addAuth("digest", "super:test")).err == .ok)
        #expect(harness.request(admin, .getData("/secret")).err == .ok)
        #expect(harness.request(admin, .setData("/secret", "x")).err == .ok)
        #expect(harness.request(admin, .setACL("/secret", ACL.openUnsafe)).err == .ok)
        #expect(harness.request(admin, .setData("/zookeeper/config", "x")).err == .ok)
    }

    /// Without ADMIN, digest hashes are replaced by "x" (FinalRequestProcessor getACL).
    @Test func getACLRedactsDigestsWithoutAdmin() throws {
        var harness = CoreHarness()
        let bob = harness.newSession().connection
        let reader = harness.newSession().connection
        _ = harness.request(bob, .addAuth("digest", "bob:secret"))
        let acl = [ACL(perms: .all, id: bobId), ACL(perms: .read, id: .anyone)]
        _ = harness.call(bob, .create("/n", acl: acl))
        _ = harness.call(bob, .setACL("/n", acl))

        let redacted = try harness.request(reader, .getACL("/n")).decode(GetACLResponse.self)
        #expect(redacted.acl == [ACL(perms: .all, id: Id(scheme: "digest", id: "bob:x")), ACL(perms: .read, id: .anyone)])
        #expect(redacted.stat.aversion == 1)

        let full = try harness.request(bob, .getACL("/n")).decode(GetACLResponse.self)
        #expect(full.acl == acl)
        #expect(full.stat == harness.core.tree.node("/n")?.stat)
    }

    @Test func getACLOfMissingNode() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        #expect(harness.request(c, .getACL("/missing")).err == .noNode)
    }

    @Test func getACLOfConfigNode() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let response = try harness.request(c, .getACL("/zookeeper/config")).decode(GetACLResponse.self)
        #expect(response.acl == [ACL(perms: .read, id: .anyone)])
        #expect(response.stat.aversion == -1)
    }

    @Test func whoAmIListsTheConnectionsIdentities() throws {
        var harness = CoreHarness()
        let c = harness.newSession(address: "10.0.0.5").connection
        let before = try harness.request(c, .whoAmI).decode(WhoAmIResponse.self)
        #expect(before.clientInfo == [ClientInfo(authScheme: "ip", user: "10.0.0.5")])
    }

    /// AuthUtil.getClientInfos uses the provider's getUserName: for digest,
    /// the part before the colon.
    @Test
    func whoAmIReportsDigestUserNames() throws {
        var harness = CoreHarness()
        let c = harness.newSession(address: "10.0.0.5").connection
        _ = harness.request(c, .addAuth("digest", "bob:secret"))
        let after = try harness.request(c, .whoAmI).decode(WhoAmIResponse.self)
        #expect(after.clientInfo == [ClientInfo(authScheme: "ip", user: "10.0.0.5"), ClientInfo(authScheme: "digest", user: "bob")])
    }

    @Test func repeatedAddAuthDoesNotDuplicateIdentities() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.request(c, .addAuth("digest", "bob:secret"))
        _ = harness.request(c, .addAuth("digest", "bob:secret"))
        let ids = harness.core.connections[c]?.authIds ?? []
        #expect(ids == [Id(scheme: "ip", id: "127.0.0.1"), bobId])
    }

    /// Since 3.8.4 (CVE-2024-23944) Apache's ServerCnxn.process(event, acl)
    /// checks READ on the znode (the parent for NodeChildrenChanged) before
    /// delivering a watch event.
    @Test
    func watchEventsAreFilteredByRead() {
        var harness = CoreHarness()
        let bob = harness.newSession().connection
        let snoop = harness.newSession().connection
        _ = harness.request(bob, .addAuth("digest", "bob:secret"))
        _ = harness.call(bob, .create("/open"))
        #expect(harness.request(snoop, .addWatch(AddWatchRequest(path: "/open", mode: .persistentRecursive))).err == .ok)
        #expect(harness.request(snoop, .getChildren("/open", watch: true)).err == .ok)
        let outputs = harness.call(bob, .create("/open/secret", "s", acl: bobOnly))
        // The child-changed event on /open is readable; NodeCreated for /open/secret is not.
        #expect(outputs.events(for: snoop) == [WatcherEvent(type: .nodeChildrenChanged, path: "/open")])
        let more = harness.call(bob, .setData("/open/secret", "t"))
        #expect(more.events(for: snoop).isEmpty)
    }
}
