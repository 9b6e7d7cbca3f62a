import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// A tree with helpers that unwrap results, so tests read like the txns they apply.
struct TreeBuilder {
    var tree = DataTree()
    var zxid: Int64 = 0

    @discardableResult
    mutating func create(
        _ path: String, _ data: String = "", acl: [ACL] = ACL.openUnsafe, owner: Int64 = 0, time: Int64 = 1000
    ) -> Stat {
        zxid += 1
        let parent = tree.node(ZnodePath.split(path).parent)
        let cversion = (parent?.cversion ?? 0) + 1
        let result = tree.create(path: path, data: Array(data.utf8), acl: acl, ephemeralOwner: owner,
                                 parentCVersion: cversion, zxid: zxid, time: time)
        guard case .success(let stat) = result else {
            Issue.record("create \(path) failed: \(result)")
            return Stat()
        }
        return stat
    }

    mutating func delete(_ path: String) -> ErrorCode {
        zxid += 1
        return tree.delete(path: path, zxid: zxid)
    }

    func stat(_ path: String) -> Stat? { tree.node(path)?.stat }
}

@Suite struct DataTreeSystemNodeTests {
    let tree = DataTree()

    @Test func freshTreeHasTheSystemNodes() {
        #expect(Set(tree.nodes.keys) == ["/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config"])
        #expect(Array(tree.node("/")?.children ?? []) == ["zookeeper"])
        #expect(Set(tree.node("/zookeeper")?.children ?? []) == ["quota", "config"])
        #expect(tree.node("/zookeeper/quota")?.children.isEmpty == true)
        #expect(tree.lastProcessedZxid == 0)
        #expect(tree.ephemeralCount == 0)
        #expect(tree.containers.isEmpty)
    }

    @Test func emptyPathIsTheRoot() {
        #expect(tree.node("") == tree.node("/"))
        #expect(tree.node("") != nil)
    }

    /// Apache's /zookeeper/config is READ_ACL_UNSAFE with aversion -1 (ZOOKEEPER-2014).
    @Test func configNodeIsReadOnlyToTheWorld() throws {
        let config = try #require(tree.node("/zookeeper/config"))
        #expect(config.acl == [ACL(perms: .read, id: .anyone)])
        #expect(config.stat.aversion == -1)
        #expect(config.data == [])
        #expect(tree.node("/zookeeper")?.acl == ACL.openUnsafe)
        #expect(tree.node("/zookeeper/quota")?.acl == ACL.openUnsafe)
        #expect(tree.node("/")?.acl == ACL.openUnsafe)
    }

    /// Apache's root and /zookeeper have stored cversion 0 with children, so
    /// clients see `stat /` cversion -1 and `stat /zookeeper` cversion -2.
    @Test func systemNodeStatsAsClientsSeeThem() throws {
        let root = try #require(tree.node("/")?.stat)
        #expect(root.czxid == 0 && root.mzxid == 0 && root.pzxid == 0)
        #expect(root.ctime == 0 && root.mtime == 0)
        #expect(root.version == 0 && root.aversion == 0)
        #expect(root.cversion == -1)
        #expect(root.numChildren == 1)
        #expect(root.dataLength == 0)
        #expect(root.ephemeralOwner == 0)
        #expect(tree.node("/zookeeper")?.stat.cversion == -2)
        #expect(tree.node("/zookeeper")?.stat.numChildren == 2)
    }

    /// Apache: sum over its node map of path.length() + data.length; its "" alias adds 0.
    @Test func approximateDataSizeOfFreshTree() {
        #expect(tree.approximateDataSizeBytes == 1 + 10 + 16 + 17)
    }

    @Test func descendantCountOfFreshTree() {
        #expect(tree.descendantCount(of: "/") == 3)
        #expect(tree.descendantCount(of: "/zookeeper") == 2)
        #expect(tree.descendantCount(of: "/zookeeper/quota") == 0)
        #expect(tree.descendantCount(of: "/missing") == 0)
    }
}

@Suite struct DataTreeCreateTests {
    @Test func createSetsEveryStatField() throws {
        var builder = TreeBuilder()
        let stat = builder.create("/a", "hello", time: 1234)
        #expect(stat.czxid == 1)
        #expect(stat.mzxid == 1)
        #expect(stat.pzxid == 1)
        #expect(stat.ctime == 1234)
        #expect(stat.mtime == 1234)
        #expect(stat.version == 0)
        #expect(stat.cversion == 0)
        #expect(stat.aversion == 0)
        #expect(stat.ephemeralOwner == 0)
        #expect(stat.dataLength == 5)
        #expect(stat.numChildren == 0)
        #expect(builder.stat("/a") == stat)
        #expect(builder.tree.node("/a")?.data == Array("hello".utf8))
    }

    @Test func createUpdatesTheParent() throws {
        var builder = TreeBuilder()
        builder.create("/a")
        builder.create("/a/b")
        let parent = try #require(builder.stat("/a"))
        #expect(parent.numChildren == 1)
        #expect(parent.cversion == 1)
        #expect(parent.pzxid == 2)
        // The parent's own data fields are untouched.
        #expect(parent.mzxid == 1)
        #expect(parent.version == 0)
        #expect(Array(builder.tree.node("/a")?.children ?? []) == ["b"])
    }

    /// cversion as clients see it counts creates and deletes of children:
    /// Apache stores creates and reports 2 * creates - numChildren.
    @Test func cversionCountsCreatesAndDeletes() {
        var builder = TreeBuilder()
        builder.create("/p")
        builder.create("/p/a")
        #expect(builder.stat("/p")?.cversion == 1)
        builder.create("/p/b")
        #expect(builder.stat("/p")?.cversion == 2)
        #expect(builder.delete("/p/a") == .ok)
        #expect(builder.stat("/p")?.cversion == 3)
        #expect(builder.stat("/p")?.pzxid == 4)
        #expect(builder.delete("/p/b") == .ok)
        #expect(builder.stat("/p")?.cversion == 4)
        #expect(builder.stat("/p")?.numChildren == 0)
        builder.create("/p/c")
        #expect(builder.stat("/p")?.cversion == 5)
    }

    @Test func createUnderMissingParentFails() {
        var tree = DataTree()
        let result = tree.create(path: "/x/y", data: [], acl: ACL.openUnsafe, ephemeralOwner: 0, parentCVersion: 1, zxid: 1, time: 0)
        #expect(result == .failure(.noNode))
        #expect(tree.node("/x/y") == nil)
    }

    @Test func createOfExistingNodeFails() {
        var builder = TreeBuilder()
        builder.create("/a", "first")
        let result = builder.tree.create(path: "/a", data: [], acl: ACL.openUnsafe, ephemeralOwner: 0, parentCVersion: 5, zxid: 9, time: 0)
        #expect(result == .failure(.nodeExists))
        #expect(builder.tree.node("/a")?.data == Array("first".utf8))
    }

    /// parentCVersion -1 (pre-3.3 logs) means "the parent's cversion + 1".
    @Test func parentCVersionMinusOneIsComputed() {
        var tree = DataTree()
        _ = tree.create(path: "/a", data: [], acl: ACL.openUnsafe, ephemeralOwner: 0, parentCVersion: -1, zxid: 7, time: 0)
        #expect(tree.node("/")?.cversion == 1)
        #expect(tree.node("/")?.pzxid == 7)
    }

    /// Replaying a create over a fuzzy snapshot never rewinds the parent's
    /// cversion or pzxid (Apache's createNode only moves them forward).
    @Test func olderParentCVersionDoesNotRewind() {
        var tree = DataTree()
        _ = tree.create(path: "/p", data: [], acl: ACL.openUnsafe, ephemeralOwner: 0, parentCVersion: 1, zxid: 1, time: 0)
        _ = tree.create(path: "/p/a", data: [], acl: ACL.openUnsafe, ephemeralOwner: 0, parentCVersion: 5, zxid: 10, time: 0)
        _ = tree.create(path: "/p/b", data: [], acl: ACL.openUnsafe, ephemeralOwner: 0, parentCVersion: 3, zxid: 11, time: 0)
        #expect(tree.node("/p")?.cversion == 5)
        #expect(tree.node("/p")?.pzxid == 10)
        #expect(tree.node("/p/b") != nil)
        #expect(tree.node("/p")?.children.count == 2)
    }

    @Test func ephemeralsAreTrackedBySession() {
        var builder = TreeBuilder()
        builder.create("/e1", owner: 0x1234)
        builder.create("/e2", owner: 0x1234)
        builder.create("/other", owner: 0x5678)
        #expect(builder.tree.ephemerals[0x1234] == ["/e1", "/e2"])
        #expect(builder.tree.ephemerals[0x5678] == ["/other"])
        #expect(builder.tree.ephemeralCount == 3)
        #expect(builder.stat("/e1")?.ephemeralOwner == 0x1234)
        #expect(builder.delete("/e1") == .ok)
        #expect(builder.tree.ephemerals[0x1234] == ["/e2"])
        #expect(builder.delete("/other") == .ok)
        #expect(builder.tree.ephemerals[0x5678] == nil)
        #expect(builder.tree.ephemeralCount == 1)
    }

    /// Containers show ephemeralOwner 0 to clients
    /// (DataNode.getClientEphemeralOwner). TTL markers mean nothing while
    /// extended types are off (Apache's default and zkdash's only mode): a
    /// 0xFF high byte is then an ordinary session id (server id 255).
    @Test func containersReportNoOwnerAndTtlMarkersAreSessions() {
        var builder = TreeBuilder()
        let container = builder.create("/c", owner: EphemeralKind.containerOwner)
        let owner = EphemeralKind.ttlOwner(5000)
        let ttl = builder.create("/t", owner: owner)
        #expect(container.ephemeralOwner == 0)
        #expect(ttl.ephemeralOwner == owner)
        #expect(builder.tree.node("/c")?.kind == .container)
        #expect(builder.tree.node("/t")?.kind == .ephemeral(sessionId: owner))
        #expect(builder.tree.containers == ["/c"])
        #expect(builder.tree.ttlNodes.isEmpty)
        #expect(builder.tree.ephemerals == [owner: ["/t"]])
        #expect(builder.delete("/c") == .ok)
        #expect(builder.delete("/t") == .ok)
        #expect(builder.tree.containers.isEmpty)
        #expect(builder.tree.ephemerals.isEmpty)
    }

    @Test func ephemeralKindDecoding() {
        #expect(EphemeralKind(owner: 0) == .persistent)
        #expect(EphemeralKind(owner: 42) == .ephemeral(sessionId: 42))
        #expect(EphemeralKind(owner: Int64.min) == .container)
        #expect(EphemeralKind(owner: EphemeralKind.ttlOwner(1)) == .ephemeral(sessionId: EphemeralKind.ttlOwner(1)))
        #expect(EphemeralKind.ttlOwner(1) == Int64(bitPattern: 0xFF00_0000_0000_0001))
    }
}

@Suite struct DataTreeMutationTests {
    @Test func setDataUpdatesVersionMzxidMtimeAndLength() throws {
        var builder = TreeBuilder()
        builder.create("/a", "12345", time: 100)
        let result = builder.tree.setData(path: "/a", data: Array("xy".utf8), version: 1, zxid: 5, time: 200)
        let stat = try result.get()
        #expect(stat.version == 1)
        #expect(stat.mzxid == 5)
        #expect(stat.mtime == 200)
        #expect(stat.czxid == 1)
        #expect(stat.ctime == 100)
        #expect(stat.pzxid == 1)
        #expect(stat.dataLength == 2)
        #expect(builder.tree.node("/a")?.data == Array("xy".utf8))
    }

    @Test func setDataOnMissingNodeFails() {
        var tree = DataTree()
        #expect(tree.setData(path: "/nope", data: [], version: 1, zxid: 1, time: 0) == .failure(.noNode))
    }

    @Test func setACLUpdatesAversionOnly() throws {
        var builder = TreeBuilder()
        builder.create("/a", "d")
        let acl = [ACL(perms: .read, id: .anyone)]
        let stat = try builder.tree.setACL(path: "/a", acl: acl, version: 1).get()
        #expect(stat.aversion == 1)
        #expect(stat.version == 0)
        #expect(stat.mzxid == 1)
        #expect(builder.tree.node("/a")?.acl == acl)
        #expect(builder.tree.setACL(path: "/nope", acl: acl, version: 1) == .failure(.noNode))
    }

    @Test func deleteRemovesNodeAndUpdatesParent() {
        var builder = TreeBuilder()
        builder.create("/a")
        builder.create("/a/b")
        #expect(builder.delete("/a/b") == .ok)
        #expect(builder.tree.node("/a/b") == nil)
        #expect(builder.stat("/a")?.numChildren == 0)
        #expect(builder.stat("/a")?.pzxid == 3)
        #expect(builder.delete("/a/b") == .noNode)
    }

    @Test func approximateDataSizeFollowsPathsAndData() {
        var builder = TreeBuilder()
        let base = builder.tree.approximateDataSizeBytes
        builder.create("/abc", "12345")
        #expect(builder.tree.approximateDataSizeBytes == base + 4 + 5)
        _ = builder.tree.setData(path: "/abc", data: [1, 2], version: 1, zxid: 9, time: 0)
        #expect(builder.tree.approximateDataSizeBytes == base + 4 + 2)
        #expect(builder.delete("/abc") == .ok)
        #expect(builder.tree.approximateDataSizeBytes == base)
    }

    /// Apache counts path.length(): UTF-16 code units, not UTF-8 bytes.
    @Test
    func approximateDataSizeCountsUtf16Units() {
        var builder = TreeBuilder()
        let base = builder.tree.approximateDataSizeBytes
        builder.create("/ü")
        #expect(builder.tree.approximateDataSizeBytes == base + 2)
    }

    @Test func descendantCountCountsEveryLevel() {
        var builder = TreeBuilder()
        builder.create("/a")
        builder.create("/a/b")
        builder.create("/a/c")
        builder.create("/a/b/d")
        builder.create("/a/b/d/e")
        #expect(builder.tree.descendantCount(of: "/a") == 4)
        #expect(builder.tree.descendantCount(of: "/a/b") == 2)
        #expect(builder.tree.descendantCount(of: "/a/c") == 0)
        #expect(builder.tree.descendantCount(of: "/") == 3 + 5)
    }

    @Test func triggersInApacheOrder() {
        #expect(DataTree.createTriggers("/a/b") == [
            WatchTrigger(target: .data, path: "/a/b", type: .nodeCreated),
            WatchTrigger(target: .child, path: "/a", type: .nodeChildrenChanged),
        ])
        #expect(DataTree.deleteTriggers("/a") == [
            WatchTrigger(target: .data, path: "/a", type: .nodeDeleted),
            WatchTrigger(target: .child, path: "/a", type: .nodeDeleted),
            WatchTrigger(target: .child, path: "/", type: .nodeChildrenChanged),
        ])
        #expect(DataTree.setDataTriggers("/a") == [WatchTrigger(target: .data, path: "/a", type: .nodeDataChanged)])
    }

    @Test func restoringRebuildsChildrenAndIndexes() {
        var builder = TreeBuilder()
        builder.create("/a", "x")
        builder.create("/a/b", owner: 77)
        builder.create("/c", owner: EphemeralKind.containerOwner)
        let entries = builder.tree.nodes.map { ($0.key, $0.value) }.reversed()
        let restored = DataTree(restoring: Array(entries), lastProcessedZxid: 3)
        #expect(restored.lastProcessedZxid == 3)
        #expect(restored.ephemerals == [77: ["/a/b"]])
        #expect(restored.containers == ["/c"])
        #expect(restored.approximateDataSizeBytes == builder.tree.approximateDataSizeBytes)
        for (path, node) in builder.tree.nodes {
            #expect(restored.node(path) == node, "\(path)")
        }
        #expect(restored.nodeCount == builder.tree.nodeCount)
    }
}
