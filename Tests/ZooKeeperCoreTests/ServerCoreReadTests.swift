import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// Reads and watch registration through the pipeline.
@Suite struct ServerCoreReadTests {
    @Test func getDataReturnsDataAndStat() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.call(c, .create("/a", "hello"))
        let reply = harness.request(c, .getData("/a"))
        #expect(reply.header.zxid == 2)
        let response = try reply.decode(GetDataResponse.self)
        #expect(response.data == Array("hello".utf8))
        #expect(response.stat == harness.core.tree.node("/a")?.stat)
        #expect(harness.request(c, .getData("/missing")).err == .noNode)
    }

    /// Apache aliases the root as "" in its node map, and reads do not validate paths.
    /// zkCli's `create /a` sends null data (buffer length -1); Apache stores
    /// null and getData answers null, which `get /a` prints as "null". An
    /// empty buffer stays empty.
    @Test
    func nullDataStaysNull() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        for (path, data) in [("/null", nil), ("/empty", [UInt8]())] as [(String, [UInt8]?)] {
            var writer = JuteWriter()
            writer.writeString(path)
            writer.writeBuffer(data)
            writer.writeRecords(ACL.openUnsafe)
            writer.writeInt(CreateMode.persistent.rawValue)
            var reader = JuteReader(writer.bytes)
            let request = try ClientRequest.decode(header: RequestHeader(xid: 1, type: .create), body: &reader)
            #expect(harness.request(c, request).err == .ok)
        }
        #expect(try harness.request(c, .getData("/null")).decode(GetDataResponse.self).data == nil)
        #expect(try harness.request(c, .getData("/empty")).decode(GetDataResponse.self).data == [])
    }

    @Test func emptyPathReadsTheRoot() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let stat = try harness.request(c, .exists("")).decode(ExistsResponse.self).stat
        #expect(stat.numChildren == 1)
        #expect(stat.cversion == -1)
    }

    @Test func existsWithNulIsBadArguments() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        #expect(harness.request(c, .exists("/a\u{0}b")).err == .badArguments)
    }

    @Test func childrenListings() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        for path in ["/p", "/p/b", "/p/a", "/p/c", "/p/a/deep"] { _ = harness.call(c, .create(path)) }
        let children = try harness.request(c, .getChildren("/p")).decode(GetChildrenResponse.self).children
        #expect(children.sorted() == ["a", "b", "c"])
        let children2 = try harness.request(c, .getChildren2(GetChildren2Request(path: "/p"))).decode(GetChildren2Response.self)
        #expect(children2.children.sorted() == ["a", "b", "c"])
        #expect(children2.stat.numChildren == 3)
        #expect(children2.stat.cversion == 3)
        #expect(children2.stat.pzxid == 5)
        let all = try harness.request(c, .getAllChildrenNumber(GetAllChildrenNumberRequest(path: "/p"))).decode(GetAllChildrenNumberResponse.self)
        #expect(all.totalNumber == 4)
        let root = try harness.request(c, .getAllChildrenNumber(GetAllChildrenNumberRequest(path: "/"))).decode(GetAllChildrenNumberResponse.self)
        #expect(root.totalNumber == 3 + 5)
        #expect(harness.request(c, .getChildren("/nope")).err == .noNode)
        #expect(harness.request(c, .getAllChildrenNumber(GetAllChildrenNumberRequest(path: "/nope"))).err == .noNode)
    }

    @Test func getEphemeralsFiltersByPrefix() throws {
        var harness = CoreHarness()
        let client = harness.newSession()
        let other = harness.newSession()
        let c = client.connection
        _ = harness.call(c, .create("/app"))
        _ = harness.call(c, .create("/app/e1", mode: .ephemeral))
        _ = harness.call(c, .create("/app/e2", mode: .ephemeral))
        _ = harness.call(c, .create("/apple", mode: .ephemeral))
        _ = harness.call(c, .create("/other", mode: .ephemeral))
        _ = harness.call(other.connection, .create("/theirs", mode: .ephemeral))
        func list(_ prefix: String) throws -> [String] {
            try harness.request(c, .getEphemerals(GetEphemeralsRequest(prefixPath: prefix))).decode(GetEphemeralsResponse.self).ephemerals.sorted()
        }
        #expect(try list("/") == ["/app/e1", "/app/e2", "/apple", "/other"])
        #expect(try list("") == ["/app/e1", "/app/e2", "/apple", "/other"])
        #expect(try list(" / ") == ["/app/e1", "/app/e2", "/apple", "/other"])
        // A plain string prefix, as Apache's startsWith.
        #expect(try list("/app") == ["/app/e1", "/app/e2", "/apple"])
        #expect(try list("/app/") == ["/app/e1", "/app/e2"])
        #expect(try list("/none").isEmpty)
    }

    @Test func existsWatchOnMissingNodeFiresOnCreate() {
        var harness = CoreHarness()
        let watcher = harness.newSession().connection
        let writer = harness.newSession().connection
        #expect(harness.request(watcher, .exists("/later", watch: true)).err == .noNode)
        let outputs = harness.call(writer, .create("/later"))
        #expect(outputs.events(for: watcher) == [WatcherEvent(type: .nodeCreated, path: "/later")])
        #expect(harness.call(writer, .setData("/later", "x")).events(for: watcher).isEmpty, "one-time")
    }

    @Test func failedReadsSetNoWatch() {
        var harness = CoreHarness()
        let watcher = harness.newSession().connection
        let writer = harness.newSession().connection
        #expect(harness.request(watcher, .getData("/later", watch: true)).err == .noNode)
        #expect(harness.request(watcher, .getChildren("/later", watch: true)).err == .noNode)
        #expect(harness.call(writer, .create("/later")).events(for: watcher).isEmpty)
    }

    @Test func childWatchThroughThePipeline() {
        var harness = CoreHarness()
        let watcher = harness.newSession().connection
        let writer = harness.newSession().connection
        _ = harness.call(writer, .create("/p"))
        #expect(harness.request(watcher, .getChildren("/p", watch: true)).err == .ok)
        #expect(harness.request(watcher, .getData("/p", watch: true)).err == .ok)
        let outputs = harness.call(writer, .delete("/p"))
        // One NodeDeleted although both a data and a child watch were set.
        #expect(outputs.events(for: watcher) == [WatcherEvent(type: .nodeDeleted, path: "/p")])
    }

    @Test func persistentWatchesThroughThePipeline() throws {
        var harness = CoreHarness()
        let watcher = harness.newSession().connection
        let writer = harness.newSession().connection
        _ = harness.call(writer, .create("/a"))
        let added = harness.request(watcher, .addWatch(AddWatchRequest(path: "/a", mode: .persistent)))
        #expect(added.err == .ok)
        #expect(try added.decode(ErrorResponse.self).err == 0)
        #expect(harness.request(watcher, .addWatch(AddWatchRequest(path: "/", mode: .persistentRecursive))).err == .ok)

        var events: [WatcherEvent] = []
        events += harness.call(writer, .setData("/a", "1")).events(for: watcher)
        events += harness.call(writer, .setData("/a", "2")).events(for: watcher)
        events += harness.call(writer, .create("/a/b")).events(for: watcher)
        // A failed write fires nothing.
        events += harness.call(writer, .create("/x/")).events(for: watcher)
        // Each setData once (the persistent and the recursive watch belong to
        // the same connection); the create once as NodeCreated (recursive) and
        // once as NodeChildrenChanged on /a (persistent).
        #expect(events == [
            WatcherEvent(type: .nodeDataChanged, path: "/a"),
            WatcherEvent(type: .nodeDataChanged, path: "/a"),
            WatcherEvent(type: .nodeCreated, path: "/a/b"),
            WatcherEvent(type: .nodeChildrenChanged, path: "/a"),
        ])
    }

    @Test func addWatchWithUnknownModeIsBadArguments() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        #expect(harness.request(c, .addWatch(AddWatchRequest(path: "/", mode: 7))).err == .badArguments)
    }

    @Test func checkAndRemoveWatches() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let writer = harness.newSession().connection
        _ = harness.call(c, .create("/a"))
        #expect(harness.request(c, .checkWatches(CheckWatchesRequest(path: "/a", type: 3))).err == .noWatcher)
        #expect(harness.request(c, .getData("/a", watch: true)).err == .ok)
        #expect(harness.request(c, .checkWatches(CheckWatchesRequest(path: "/a", type: 2))).err == .ok)
        #expect(harness.request(c, .checkWatches(CheckWatchesRequest(path: "/a", type: 1))).err == .noWatcher)
        #expect(harness.request(writer, .checkWatches(CheckWatchesRequest(path: "/a", type: 3))).err == .noWatcher)
        let removed = harness.request(c, .removeWatches(RemoveWatchesRequest(path: "/a", type: 2)))
        #expect(removed.err == .ok)
        #expect(removed.body.isEmpty)
        #expect(harness.request(c, .removeWatches(RemoveWatchesRequest(path: "/a", type: 2))).err == .noWatcher)
        #expect(harness.call(writer, .setData("/a", "x")).events(for: c).isEmpty)
    }

    /// Apache's DataTree.addWatch registers every persistent mode in both the
    /// data and the child WatchManager, so checkWatches(Children) finds a
    /// recursive watch.
    @Test
    func recursiveWatchIsVisibleAsAChildWatch() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        #expect(harness.request(c, .addWatch(AddWatchRequest(path: "/", mode: .persistentRecursive))).err == .ok)
        #expect(harness.request(c, .checkWatches(CheckWatchesRequest(path: "/", type: 1))).err == .ok)
    }

    @Test func watchesGoWithTheConnection() {
        var harness = CoreHarness()
        let client = harness.newSession()
        let writer = harness.newSession().connection
        _ = harness.call(writer, .create("/a"))
        _ = harness.request(client.connection, .getData("/a", watch: true))
        #expect(harness.core.watches.watchCount == 1)
        harness.closeConnection(client.connection)
        #expect(harness.core.watches.watchCount == 0)
        #expect(harness.call(writer, .setData("/a", "x")).replies.filter(\.isNotification).isEmpty)
    }

    /// After a reconnect the client re-sends its watches with the last zxid
    /// it saw; Apache's DataTree.setWatches fires what changed since at once.
    @Test func setWatchesFiresWhatChangedSinceRelativeZxid() throws {
        var harness = CoreHarness()
        let client = harness.newSession()
        let writer = harness.newSession().connection
        for path in ["/changed", "/same", "/gone", "/parent", "/quiet"] { _ = harness.call(writer, .create(path)) }
        let relativeZxid = harness.core.tree.lastProcessedZxid
        _ = harness.call(writer, .setData("/changed", "x"))
        _ = harness.call(writer, .delete("/gone"))
        _ = harness.call(writer, .create("/parent/kid"))
        _ = harness.call(writer, .create("/born"))
        harness.closeConnection(client.connection)

        let (id, _) = harness.reconnect(client, lastZxidSeen: relativeZxid)
        let watches = SetWatches(
            relativeZxid: relativeZxid,
            dataWatches: ["/changed", "/same", "/gone"],
            existWatches: ["/born", "/unborn"],
            childWatches: ["/parent", "/quiet", "/gone"])
        let outputs = harness.send(id, .setWatches(watches))
        let reply = try #require(outputs.reply(to: id, xid: SpecialXid.setWatches))
        #expect(reply.err == .ok)
        #expect(reply.body.isEmpty)
        #expect(outputs.events(for: id) == [
            WatcherEvent(type: .nodeDataChanged, path: "/changed"),
            WatcherEvent(type: .nodeDeleted, path: "/gone"),
            WatcherEvent(type: .nodeCreated, path: "/born"),
            WatcherEvent(type: .nodeChildrenChanged, path: "/parent"),
            WatcherEvent(type: .nodeDeleted, path: "/gone"),
        ])
        let replyIndex = try #require(outputs.index { $0.reply?.isNotification == false })
        #expect(replyIndex == outputs.count - 1, "events precede the setWatches reply")

        // The unchanged ones are registered and fire on the next change.
        #expect(harness.call(writer, .setData("/same", "y")).events(for: id) == [WatcherEvent(type: .nodeDataChanged, path: "/same")])
        #expect(harness.call(writer, .create("/unborn")).events(for: id) == [WatcherEvent(type: .nodeCreated, path: "/unborn")])
        #expect(harness.call(writer, .create("/quiet/kid")).events(for: id) == [WatcherEvent(type: .nodeChildrenChanged, path: "/quiet")])
    }

    /// The replay tells nothing about a node the client may not READ (found by
    /// the security suite): exists answers it NoAuth, so NodeCreated,
    /// NodeDataChanged or NodeChildrenChanged at once would leak its existence
    /// and, with a chosen zxid, when it changed.
    @Test func setWatchesReplayNeedsRead() throws {
        var harness = CoreHarness()
        let client = harness.newSession()
        let writer = harness.newSession().connection
        let secret = [ACL(perms: .all, id: Id(scheme: "digest", id: "alice:x"))]
        _ = harness.call(writer, .create("/open"))
        let relativeZxid = harness.core.tree.lastProcessedZxid
        _ = harness.call(writer, .create("/secret", acl: secret))
        _ = harness.call(writer, .setData("/open", "x"))
        harness.closeConnection(client.connection)
        let (id, _) = harness.reconnect(client, lastZxidSeen: relativeZxid)
        let watches = SetWatches(
            relativeZxid: relativeZxid, dataWatches: ["/open", "/secret"], existWatches: ["/secret"], childWatches: ["/secret"])
        let outputs = harness.send(id, .setWatches(watches))
        #expect(outputs.events(for: id) == [WatcherEvent(type: .nodeDataChanged, path: "/open")])
    }

    @Test func setWatches2RestoresPersistentWatches() {
        var harness = CoreHarness()
        let client = harness.newSession()
        let writer = harness.newSession().connection
        _ = harness.call(writer, .create("/p"))
        let watches = SetWatches2(relativeZxid: harness.core.tree.lastProcessedZxid, persistentWatches: ["/p"], persistentRecursiveWatches: ["/r"])
        #expect(harness.request(client.connection, .setWatches2(watches)).err == .ok)
        #expect(harness.call(writer, .setData("/p", "1")).events(for: client.connection) == [WatcherEvent(type: .nodeDataChanged, path: "/p")])
        #expect(harness.call(writer, .setData("/p", "2")).events(for: client.connection) == [WatcherEvent(type: .nodeDataChanged, path: "/p")])
        _ = harness.call(writer, .create("/r"))
        #expect(harness.call(writer, .create("/r/x")).events(for: client.connection) == [WatcherEvent(type: .nodeCreated, path: "/r/x")])
    }

    @Test func multiReadAnswersEachOpOnItsOwn() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.call(c, .create("/a", "data"))
        _ = harness.call(c, .create("/a/kid"))
        let request = MultiRequest(ops: [
            .getData(GetDataRequest(path: "/a")),
            .getChildren(GetChildrenRequest(path: "/a")),
            .getData(GetDataRequest(path: "/missing")),
        ])
        let reply = harness.request(c, .multiRead(request))
        #expect(reply.err == .ok)
        let results = try reply.decode(MultiResponse.self).results
        #expect(results.count == 3)
        let stat = try #require(harness.core.tree.node("/a")?.stat)
        #expect(results[0] == .getData(data: Array("data".utf8), stat: stat))
        #expect(results[1] == .getChildren(children: ["kid"]))
        #expect(results[2] == .error(code: ErrorCode.noNode.rawValue))
    }
}
