import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// Reads exactly n bytes at a time from a byte array, as a snapshot file reader would.
private struct ByteSource {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    struct Exhausted: Error {}

    mutating func read(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= bytes.count - position else { throw Exhausted() }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }
}

private func encodeChunks(_ tree: DataTree, sessions: [Int64: Int]) -> [[UInt8]] {
    var chunks: [[UInt8]] = []
    SnapshotCodec.encode(tree: tree, sessions: sessions) { chunks.append($0) }
    return chunks
}

private func decode(_ bytes: [UInt8]) throws -> (SnapshotCodec.Restored, consumed: Int) {
    var source = ByteSource(bytes)
    let restored = try SnapshotCodec.decode(totalBytes: bytes.count) { try source.read($0) }
    return (restored, source.position)
}

/// Every node's stat, data, ACL and children match, plus the derived indexes.
private func expectSameTree(_ actual: DataTree, _ expected: DataTree, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(Set(actual.nodes.keys) == Set(expected.nodes.keys), sourceLocation: sourceLocation)
    for (path, node) in expected.nodes {
        guard let other = actual.node(path) else { continue }
        #expect(other.stat == node.stat, "stat of \(path)", sourceLocation: sourceLocation)
        #expect(other.data == node.data, "data of \(path)", sourceLocation: sourceLocation)
        #expect(other.acl == node.acl, "acl of \(path)", sourceLocation: sourceLocation)
        #expect(other.children == node.children, "children of \(path)", sourceLocation: sourceLocation)
        #expect(other == node, "\(path)", sourceLocation: sourceLocation)
    }
    #expect(actual.ephemerals == expected.ephemerals, sourceLocation: sourceLocation)
    #expect(actual.containers == expected.containers, sourceLocation: sourceLocation)
    #expect(actual.ttlNodes == expected.ttlNodes, sourceLocation: sourceLocation)
    #expect(actual.approximateDataSizeBytes == expected.approximateDataSizeBytes, sourceLocation: sourceLocation)
    #expect(actual.lastProcessedZxid == expected.lastProcessedZxid, sourceLocation: sourceLocation)
}

/// A workload through the real pipeline: sessions, ephemerals, containers,
/// ACLs, sequentials, multis, failures, a closed and an expired session.
private func runWorkload() -> CoreHarness {
    var harness = CoreHarness(settings: ServerSettings(tickTimeMs: 2000, containerCheckIntervalMs: 60_000))
    let start = harness.nowMs
    let alice = harness.newSession(timeoutMs: 40_000)
    let bob = harness.newSession(timeoutMs: 40_000)
    let doomed = harness.newSession(timeoutMs: 4000)
    let quitter = harness.newSession(timeoutMs: 40_000)
    let a = alice.connection
    _ = harness.request(a, .addAuth("digest", "alice:pw"))
    _ = harness.call(a, .create("/app", "config"))
    _ = harness.call(a, .create("/app/private", "p", acl: [ACL(perms: .all, id: Id(scheme: "auth", id: ""))]))
    _ = harness.call(a, .create("/app/e", mode: .ephemeral))
    _ = harness.call(a, .create("/app/seq-", mode: .persistentSequential))
    _ = harness.call(a, .create("/app/seq-", mode: .ephemeralSequential))
    _ = harness.call(a, .createContainer(CreateRequest(path: "/box", mode: .container)))
    _ = harness.call(a, .create("/box/item"))
    _ = harness.call(a, .createContainer(CreateRequest(path: "/keep", mode: .container)))
    _ = harness.call(a, .create("/keep/item"))
    _ = harness.call(bob.connection, .create("/bob", mode: .ephemeral))
    _ = harness.call(bob.connection, .setData("/app", "v2", version: 0))
    _ = harness.call(bob.connection, .setACL("/app", [ACL(perms: .all, id: .anyone), ACL(perms: .read, id: Id(scheme: "ip", id: "10.0.0.0/8"))]))
    _ = harness.call(bob.connection, .create("/app", "dup"))   // NodeExists: an error txn
    _ = harness.call(bob.connection, .multi(MultiRequest(ops: [
        .create(CreateRequest(path: "/multi", mode: .persistent)),
        .create(CreateRequest(path: "/multi/a", data: [1, 2, 3], mode: .persistent)),
        .delete(DeleteRequest(path: "/box/item", version: -1)),
    ])))
    _ = harness.call(bob.connection, .multi(MultiRequest(ops: [
        .create(CreateRequest(path: "/never", mode: .persistent)),
        .delete(DeleteRequest(path: "/nope", version: -1)),
    ])))
    _ = harness.call(doomed.connection, .create("/doomed", mode: .ephemeral))
    _ = harness.call(quitter.connection, .create("/quitter", mode: .ephemeral))
    _ = harness.call(quitter.connection, .closeSession)
    // Keep the long sessions alive past the doomed one's expiry and the container check.
    harness.nowMs = start + 30_000
    _ = harness.request(a, .ping)
    _ = harness.request(bob.connection, .ping)
    _ = harness.tick(at: start + 30_000)
    _ = harness.tick(at: start + 60_000)
    _ = harness.sync()
    return harness
}

@Suite struct SnapshotCodecTests {
    @Test func freshTreeRoundTrips() throws {
        let tree = DataTree()
        let chunks = encodeChunks(tree, sessions: [:])
        #expect(chunks.count == 1)
        let bytes = chunks.flatMap { $0 }
        let (restored, consumed) = try decode(bytes)
        #expect(consumed == bytes.count)
        expectSameTree(restored.tree, tree)
        #expect(restored.sessions.isEmpty)
    }

    @Test func workloadTreeRoundTripsWithSessions() throws {
        let harness = runWorkload()
        let tree = harness.core.tree
        // The workload leaves ephemerals, a container, ACLs and sequentials behind.
        #expect(!tree.ephemerals.isEmpty)
        #expect(tree.containers == ["/keep"])
        #expect(tree.node("/app/private")?.acl.first?.id.scheme == "digest")

        let sessions = harness.core.sessionTimeouts
        #expect(sessions.count == 2)
        let bytes = encodeChunks(tree, sessions: sessions).flatMap { $0 }
        let (restored, consumed) = try decode(bytes)
        #expect(consumed == bytes.count)
        expectSameTree(restored.tree, tree)
        #expect(restored.sessions == sessions)
    }

    /// Format 3 stores an index per node into a table of distinct ACL lists:
    /// per 100-byte znode it is as small as Apache's snapshot record (path,
    /// data, 8-byte aclRef, 68-byte StatPersisted) plus nothing but our
    /// 4-byte record length, minus Apache's 4 bytes of a shorter aclRef.
    @Test func aclListsAreStoredOncePerDistinctList() throws {
        var tree = DataTree()
        let value = [UInt8](repeating: 0x61, count: 100)
        let digest = [ACL(perms: .all, id: Id(scheme: "digest", id: "bob:hash"))]
        for index in 0..<1_000 {
            _ = tree.create(path: "/n\(index)", data: value, acl: index % 10 == 0 ? digest : ACL.openUnsafe,
                            ephemeralOwner: 0, parentCVersion: -1, zxid: Int64(index + 1), time: 1)
        }
        tree.lastProcessedZxid = 1_000
        let bytes = encodeChunks(tree, sessions: [:]).flatMap { $0 }
        let (restored, consumed) = try decode(bytes)
        #expect(consumed == bytes.count)
        expectSameTree(restored.tree, tree)
        let pathBytes = tree.nodes.keys.reduce(0) { $0 + 4 + $1.utf8.count }
        let dataBytes = tree.nodes.values.reduce(0) { $0 + 4 + ($1.data?.count ?? 0) }
        let apacheBytes = pathBytes + dataBytes + tree.nodeCount * (8 + 68)
        #expect(bytes.count <= apacheBytes + 200, "snapshot \(bytes.count) B, Apache's node records \(apacheBytes) B")
    }

    /// Snapshots of format 1 (a full ACL list per node) still load.
    @Test func formatOneSnapshotsStillLoad() throws {
        var writer = JuteWriter()
        writer.writeInt(1)
        writer.writeLong(7)
        writer.writeInt(1)
        writer.writeLong(0x42)
        writer.writeInt(30_000)
        let nodes: [(String, [ACL])] = [("/", ACL.openUnsafe), ("/a", [ACL(perms: .read, id: .anyone)])]
        writer.writeLong(Int64(nodes.count))
        for (path, acl) in nodes {
            let start = writer.bytes.count
            writer.writeInt(0)
            writer.writeString(path)
            writer.writeBuffer(Array("x".utf8))
            writer.writeRecords(acl)
            for _ in 0..<4 { writer.writeLong(7) }
            for _ in 0..<3 { writer.writeInt(0) }
            writer.writeLong(0)
            writer.writeLong(7)
            writer.patchInt(Int32(writer.bytes.count - start - 4), at: start)
        }
        let (restored, consumed) = try decode(writer.bytes)
        #expect(consumed == writer.bytes.count)
        #expect(restored.sessions == [0x42: 30_000])
        #expect(restored.tree.node("/a")?.acl == [ACL(perms: .read, id: .anyone)])
        #expect(restored.tree.node("/")?.children == ["a"])
        #expect(restored.tree.lastProcessedZxid == 7)
    }

    @Test func largeTreeIsStreamedInChunks() throws {
        var builder = TreeBuilder()
        let blob = String(repeating: "z", count: 10_000)
        builder.create("/big")
        for index in 0..<60 {
            builder.create("/big/n\(index)", blob, owner: index % 3 == 0 ? 0x55 : 0)
        }
        builder.create("/big/c", owner: EphemeralKind.containerOwner)
        builder.create("/big/t", owner: EphemeralKind.ttlOwner(60_000))
        builder.tree.lastProcessedZxid = builder.zxid
        let chunks = encodeChunks(builder.tree, sessions: [0x55: 30_000])
        #expect(chunks.count >= 2, "600 KB must not be emitted as one chunk")
        #expect(chunks.dropLast().allSatisfy { $0.count >= SnapshotCodec.chunkBytes })
        let (restored, _) = try decode(chunks.flatMap { $0 })
        expectSameTree(restored.tree, builder.tree)
        #expect(restored.tree.ephemerals[0x55]?.count == 20)
        #expect(restored.sessions == [0x55: 30_000])
    }

    @Test func emitErrorsPropagate() {
        struct DiskFull: Error {}
        #expect(throws: DiskFull.self) {
            try SnapshotCodec.encode(tree: DataTree(), sessions: [:]) { _ in throw DiskFull() }
        }
    }

    @Test func truncatedSnapshotsFailToDecode() throws {
        var builder = TreeBuilder()
        builder.create("/a", "data")
        let bytes = encodeChunks(builder.tree, sessions: [1: 5000]).flatMap { $0 }
        for cut in [0, 3, 15, 20, 30, bytes.count / 2, bytes.count - 1] {
            #expect(throws: (any Error).self, "cut at \(cut)") {
                _ = try decode(Array(bytes.prefix(cut)))
            }
        }
    }

    @Test func unknownFormatVersionIsRefused() throws {
        var bytes = encodeChunks(DataTree(), sessions: [:]).flatMap { $0 }
        bytes[3] = 99
        #expect(throws: (any Error).self) { _ = try decode(bytes) }
    }
}

@Suite struct RecoveryTests {
    @Test func replayingTheLogReproducesTheTree() throws {
        let harness = runWorkload()
        var state = RecoveredState()
        for entry in harness.log {
            try state.replay(zxid: entry.zxid, payload: entry.payload)
        }
        #expect(state.replayedTxnCount == harness.log.count)
        expectSameTree(state.tree, harness.core.tree)
        #expect(state.sessions == harness.core.sessionTimeouts)
    }

    @Test func replayAfterASnapshotSkipsWhatItHolds() throws {
        var harness = runWorkload()
        let c = harness.newSession(timeoutMs: 40_000).connection
        let middleTree = harness.core.tree
        let middleSessions = harness.core.sessionTimeouts
        _ = harness.call(c, .create("/after", "x"))
        _ = harness.call(c, .setData("/app", "v3"))
        _ = harness.call(c, .delete("/multi/a"))

        let bytes = encodeChunks(middleTree, sessions: middleSessions).flatMap { $0 }
        let (snapshot, _) = try decode(bytes)
        var state = RecoveredState(tree: snapshot.tree, sessions: snapshot.sessions)
        for entry in harness.log {
            try state.replay(zxid: entry.zxid, payload: entry.payload)
        }
        #expect(state.replayedTxnCount == 3)
        expectSameTree(state.tree, harness.core.tree)
        #expect(state.sessions == harness.core.sessionTimeouts)
    }

    @Test func replayIsIdempotentForAlreadyAppliedEntries() throws {
        let harness = runWorkload()
        var state = RecoveredState()
        for entry in harness.log { try state.replay(zxid: entry.zxid, payload: entry.payload) }
        for entry in harness.log { try state.replay(zxid: entry.zxid, payload: entry.payload) }
        #expect(state.replayedTxnCount == harness.log.count)
        expectSameTree(state.tree, harness.core.tree)
    }

    @Test func mismatchedZxidThrows() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.call(c, .create("/a"))
        var state = RecoveredState()
        try state.replay(zxid: 1, payload: harness.log[0].payload)
        #expect(throws: (any Error).self) {
            try state.replay(zxid: 3, payload: harness.log[1].payload)
        }
        #expect(state.tree.node("/a") == nil)
        #expect(state.tree.lastProcessedZxid == 1)
    }

    @Test func garbagePayloadThrows() {
        var state = RecoveredState()
        #expect(throws: (any Error).self) {
            try state.replay(zxid: 1, payload: [1, 2, 3])
        }
    }

    @Test func recoveredStateRestartsAServer() throws {
        let harness = runWorkload()
        var state = RecoveredState()
        for entry in harness.log { try state.replay(zxid: entry.zxid, payload: entry.payload) }
        let restartAt = harness.nowMs + 1000
        var restarted = CoreHarness(tree: state.tree, nowMs: restartAt)
        restarted.core = ServerCore(settings: ServerSettings(tickTimeMs: 2000), tree: state.tree, sessions: state.sessions, nowMs: restartAt)
        #expect(restarted.core.lastPreppedZxid == harness.core.tree.lastProcessedZxid)
        // Restored sessions stay alive (with a fresh timeout) and keep their ephemerals.
        for (id, _) in state.sessions { #expect(restarted.core.sessions.isAlive(id)) }
        let client = restarted.newSession()
        #expect(client.sessionId > state.sessions.keys.max() ?? 0, "session ids are not reused")
        let reply = restarted.request(client.connection, .create("/new"))
        #expect(reply.header.zxid == harness.core.tree.lastProcessedZxid + 2)
    }
}
