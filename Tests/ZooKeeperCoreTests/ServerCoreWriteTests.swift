import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// The write pipeline: prep, log append, durability, reply order.
@Suite struct ServerCoreWriteTests {
    @Test func createIsAnsweredOnlyOnceDurable() throws {
        var harness = CoreHarness()
        let client = harness.newSession()
        let sent = harness.send(client.connection, .create("/a", "data"))
        #expect(sent.replies.isEmpty, "nothing may be acknowledged before it is on disk")
        #expect(sent.appendedZxids == [2])
        #expect(harness.core.tree.node("/a") == nil)

        let synced = harness.sync()
        let reply = try #require(synced.reply(to: client.connection, xid: 1))
        #expect(reply.err == .ok)
        #expect(reply.header.zxid == 2)
        #expect(try reply.decode(CreateResponse.self).path == "/a")
        #expect(harness.core.tree.node("/a")?.data == Array("data".utf8))
    }

    @Test func appendedPayloadIsTheTxn() throws {
        var harness = CoreHarness()
        let client = harness.newSession()
        _ = harness.send(client.connection, .create("/a", "x", mode: .ephemeral), xid: 7)
        let entry = try TxnEntry(juteBytes: try #require(harness.log.last).payload)
        #expect(entry.header.zxid == 2)
        #expect(entry.header.cxid == 7)
        #expect(entry.header.clientId == client.sessionId)
        #expect(entry.header.time == harness.nowMs)
        #expect(entry.header.type == OpCode.create.rawValue)
        #expect(entry.body == .create(CreateTxn(path: "/a", data: Array("x".utf8), acl: ACL.openUnsafe, ephemeral: true, parentCVersion: 1)))
    }

    @Test func partialSyncAnswersOnlyWhatIsDurable() {
        var harness = CoreHarness()
        let client = harness.newSession()
        _ = harness.send(client.connection, .create("/a"))
        _ = harness.send(client.connection, .create("/b"))
        let first = harness.sync(upTo: 2)
        #expect(first.replies(to: client.connection).map(\.xid) == [1])
        #expect(harness.core.tree.node("/b") == nil)
        let second = harness.sync(upTo: 3)
        #expect(second.replies(to: client.connection).map(\.xid) == [2])
    }

    /// Apache's outstanding ChangeRecords: prep sees writes that are not yet applied.
    @Test func pipelinedWritesSeeEachOther() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        var sent: [Output] = []
        sent += harness.send(c, .create("/a"))
        sent += harness.send(c, .create("/a/b"))
        sent += harness.send(c, .setData("/a/b", "v1", version: 0))
        sent += harness.send(c, .setData("/a/b", "v2", version: 1))
        sent += harness.send(c, .delete("/a/b", version: 2))
        sent += harness.send(c, .create("/a/b", "again"))
        #expect(sent.replies.isEmpty)
        #expect(sent.appendedZxids == [2, 3, 4, 5, 6, 7])
        let synced = harness.sync()
        let replies = synced.replies(to: c)
        #expect(replies.map(\.xid) == [1, 2, 3, 4, 5, 6])
        #expect(replies.map(\.err) == Array(repeating: .ok, count: 6))
        let node = try #require(harness.core.tree.node("/a/b"))
        #expect(node.data == Array("again".utf8))
        #expect(node.version == 0)
        #expect(node.czxid == 7)
        #expect(harness.core.tree.node("/a")?.stat.cversion == 3)
    }

    @Test func pipelinedConflictsFailAgainstPendingState() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.send(c, .create("/a"))
        _ = harness.send(c, .create("/a"))
        _ = harness.send(c, .delete("/a"))
        _ = harness.send(c, .delete("/a"))
        _ = harness.send(c, .setData("/a", "x"))
        let replies = harness.sync().replies(to: c)
        #expect(replies.map(\.err) == [.ok, .nodeExists, .ok, .noNode, .noNode])
    }

    @Test func pendingChangesAreClearedOnceApplied() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.call(c, .create("/a"))
        _ = harness.call(c, .delete("/a"))
        #expect(harness.core.pending.isEmpty)
        #expect(harness.request(c, .create("/a")).err == .ok)
        #expect(harness.core.pending.isEmpty)
    }

    /// A client never reads older state than it wrote: its reads wait behind
    /// its own writes. Other connections are answered at once from the
    /// applied tree.
    @Test func readsQueueBehindTheSameConnectionsWrites() throws {
        var harness = CoreHarness()
        let writer = harness.newSession().connection
        let other = harness.newSession().connection
        var sent = harness.send(writer, .create("/a", "v"))
        sent += harness.send(writer, .getData("/a"))
        sent += harness.send(writer, .ping)
        #expect(sent.replies.isEmpty)

        let otherRead = harness.send(other, .exists("/a"))
        let otherReply = try #require(otherRead.reply(to: other, xid: 1))
        #expect(otherReply.err == .noNode)
        #expect(otherReply.header.zxid == 2, "answered from the applied tree (zxid of the last session)")

        let synced = harness.sync()
        let replies = synced.replies(to: writer)
        #expect(replies.map(\.xid) == [1, 2, SpecialXid.ping])
        #expect(replies[1].err == .ok)
        #expect(try replies[1].decode(GetDataResponse.self).data == Array("v".utf8))
        #expect(replies[1].header.zxid == 3)
        #expect(replies[2].header.zxid == 3)
    }

    @Test func readsBetweenWritesSeeExactlyThePrecedingWrites() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.send(c, .create("/a", "1"))
        _ = harness.send(c, .getData("/a"))
        _ = harness.send(c, .setData("/a", "2"))
        _ = harness.send(c, .getData("/a"))
        let replies = harness.sync().replies(to: c)
        #expect(replies.map(\.xid) == [1, 2, 3, 4])
        #expect(try replies[1].decode(GetDataResponse.self).data == Array("1".utf8))
        #expect(try replies[3].decode(GetDataResponse.self).data == Array("2".utf8))
    }

    @Test func watchEventPrecedesTheWritersReply() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let watcher = harness.newSession().connection
        _ = harness.call(c, .create("/a"))
        #expect(harness.request(c, .getData("/a", watch: true)).err == .ok)
        #expect(harness.request(watcher, .exists("/a", watch: true)).err == .ok)
        let outputs = harness.call(c, .setData("/a", "x"))
        let eventToWriter = try #require(outputs.index { $0.reply?.connection == c && $0.reply?.isNotification == true })
        let eventToOther = try #require(outputs.index { $0.reply?.connection == watcher && $0.reply?.isNotification == true })
        let writerReply = try #require(outputs.index { $0.reply?.connection == c && $0.reply?.isNotification == false })
        #expect(eventToWriter < writerReply)
        #expect(eventToOther < writerReply)
        #expect(outputs.events(for: c) == [WatcherEvent(type: .nodeDataChanged, path: "/a")])
        #expect(outputs.events(for: watcher) == [WatcherEvent(type: .nodeDataChanged, path: "/a")])
        // Notifications have xid -1 and zxid -1.
        let notification = try #require(outputs[eventToWriter].reply)
        #expect(notification.header == ReplyHeader(xid: -1, zxid: -1, err: 0))
    }

    @Test func sequentialNamesUseTheParentsCversion() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.call(c, .create("/q"))
        var names: [String] = []
        for _ in 0..<3 {
            _ = harness.send(c, .create("/q/n-", mode: .persistentSequential))
        }
        for reply in harness.sync().replies(to: c) {
            names.append(try reply.decode(CreateResponse.self).path)
        }
        #expect(names == ["/q/n-0000000000", "/q/n-0000000001", "/q/n-0000000002"])
        // Deletes do not reuse numbers: the counter is the parent's create count.
        _ = harness.call(c, .delete("/q/n-0000000002"))
        let next = harness.request(c, .create("/q/n-", mode: .ephemeralSequential))
        #expect(try next.decode(CreateResponse.self).path == "/q/n-0000000003")
        // An empty prefix under the root: "/" + %010d.
        let root = harness.request(c, .create("/", mode: .persistentSequential))
        #expect(try root.decode(CreateResponse.self).path == "/0000000001")
    }

    @Test func create2ReturnsTheStat() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let reply = harness.request(c, .create2("/a", "abc"))
        let response = try reply.decode(Create2Response.self)
        #expect(response.path == "/a")
        #expect(response.stat.czxid == reply.header.zxid)
        #expect(response.stat.dataLength == 3)
        #expect(response.stat.ctime == harness.nowMs)
    }

    @Test func createErrors() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.call(c, .create("/e", mode: .ephemeral))
        #expect(harness.request(c, .create("/missing/child")).err == .noNode)
        #expect(harness.request(c, .create("/e/child")).err == .noChildrenForEphemerals)
        #expect(harness.request(c, .create("relative")).err == .badArguments)
        #expect(harness.request(c, .create("/a/")).err == .noNode)
        #expect(harness.request(c, .create("/e/")).err == .badArguments)
        #expect(harness.request(c, .create("/a//b")).err == .noNode)
        #expect(harness.request(c, .create("/.")).err == .badArguments)
        #expect(harness.request(c, .create("/")).err == .nodeExists)
        #expect(harness.request(c, .create("/zookeeper")).err == .nodeExists)
        #expect(harness.request(c, .create(CreateRequest(path: "/f", flags: 99))).err == .badArguments)
        #expect(harness.request(c, .create("/g", acl: [])).err == .invalidACL)
        // TTL nodes need zookeeper.extendedTypesEnabled.
        #expect(harness.request(c, .createTTL(CreateTTLRequest(path: "/t", flags: CreateMode.persistentWithTTL.rawValue, ttl: 100))).err == .unimplemented)
    }

    /// Apache's validateCreateRequest: only a TTL *mode* is Unimplemented when
    /// extended types are off; a createTTL op with a plain mode and ttl >= 0
    /// fails EphemeralType.validateTTL with BadArguments.
    @Test
    func createTTLWithPlainModeIsBadArguments() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let request = ClientRequest.createTTL(CreateTTLRequest(path: "/t", flags: CreateMode.persistent.rawValue, ttl: 100))
        #expect(harness.request(c, request).err == .badArguments)
    }

    @Test func deleteAndSetDataErrors() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.call(c, .create("/a", "x"))
        _ = harness.call(c, .create("/a/b"))
        #expect(harness.request(c, .delete("/a")).err == .notEmpty)
        #expect(harness.request(c, .delete("/a/b", version: 5)).err == .badVersion)
        #expect(harness.request(c, .delete("/nope")).err == .noNode)
        #expect(harness.request(c, .delete("/zookeeper")).err == .badArguments)
        #expect(harness.request(c, .delete("/zookeeper/quota")).err == .badArguments)
        #expect(harness.request(c, .delete("/")).err == .badArguments)
        #expect(harness.request(c, .delete("nope")).err == .badArguments)
        #expect(harness.request(c, .setData("/a", "y", version: 3)).err == .badVersion)
        #expect(harness.request(c, .setData("/nope", "y")).err == .noNode)
        #expect(harness.request(c, .setData("bad", "y")).err == .badArguments)
        let ok = harness.request(c, .setData("/a", "y", version: 0))
        #expect(ok.err == .ok)
        #expect((try? ok.decode(SetDataResponse.self))?.stat.version == 1)
    }

    @Test func errorRepliesHaveNoBody() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let reply = harness.request(c, .setData("/nope", "y"))
        #expect(reply.err == .noNode)
        #expect(reply.body.isEmpty)
    }

    /// Apache logs an ErrorTxn for a write that fails prep: it takes a zxid,
    /// and the reply carries that zxid.
    @Test func failedWritesStillConsumeAZxid() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.call(c, .create("/a"))
        let sent = harness.send(c, .create("/a"))
        #expect(sent.appendedZxids == [3])
        let entry = try TxnEntry(juteBytes: try #require(harness.log.last).payload)
        #expect(entry.header.type == OpCode.error.rawValue)
        #expect(entry.body == .error(ErrorTxn(err: ErrorCode.nodeExists.rawValue)))
        let reply = try #require(harness.sync().reply(to: c, xid: 2))
        #expect(reply.err == .nodeExists)
        #expect(reply.header.zxid == 3)
        #expect(harness.core.tree.lastProcessedZxid == 3)
        // The next write takes the next zxid.
        #expect(harness.send(c, .create("/b")).appendedZxids == [4])
    }

    @Test func setACLChecksVersionAndAdmin() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.call(c, .create("/a"))
        let readOnly = [ACL(perms: .read, id: .anyone)]
        #expect(harness.request(c, .setACL("/a", readOnly, version: 4)).err == .badVersion)
        let ok = harness.request(c, .setACL("/a", readOnly, version: 0))
        #expect(ok.err == .ok)
        #expect(try ok.decode(SetACLResponse.self).stat.aversion == 1)
        #expect(harness.core.tree.node("/a")?.acl == readOnly)
        // Without ADMIN any more.
        #expect(harness.request(c, .setACL("/a", ACL.openUnsafe)).err == .noAuth)
        #expect(harness.request(c, .setData("/a", "x")).err == .noAuth)
        #expect(harness.request(c, .setACL("/a", [])).err == .invalidACL)
        #expect(harness.request(c, .setACL("/nope", ACL.openUnsafe)).err == .noNode)
    }

    /// /zookeeper/config is world-READ only.
    @Test func configNodeIsNotWritable() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        #expect(harness.request(c, .setData("/zookeeper/config", "x")).err == .noAuth)
        #expect(harness.request(c, .create("/zookeeper/config/x")).err == .noAuth)
        #expect(harness.request(c, .getData("/zookeeper/config")).err == .ok)
    }

    @Test func syncIsAnsweredWithItsPath() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let reply = harness.request(c, .sync(SyncRequest(path: "/a")))
        #expect(reply.err == .ok)
        #expect(try reply.decode(SyncResponse.self).path == "/a")
    }

    @Test func reconfigIsDisabled() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        #expect(harness.request(c, .reconfig(ReconfigRequest())).err == .reconfigDisabled)
    }
}
