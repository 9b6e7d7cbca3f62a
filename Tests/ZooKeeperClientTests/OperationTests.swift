import Testing
import ZooKeeperClient
import ZooKeeperProtocol
import ServerTestSupport

/// Every operation against zkdash's embedded server, with the error codes a
/// caller sees.
@Suite(.timeLimit(.minutes(1))) struct OperationTests {
    private func withClient(_ body: (ZooKeeperClient, EmbeddedServer) async throws -> Void) async throws {
        let server = try EmbeddedServer.start()
        defer { server.stop() }
        let client = try await TestClients.connect(server.connectString)
        do {
            try await body(client, server)
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }

    /// The thrown ZooKeeperError, or a test failure if something else happened.
    private func zooKeeperError(_ body: () async throws -> Void) async -> ZooKeeperError? {
        do {
            try await body()
            Issue.record("expected a ZooKeeperError")
            return nil
        } catch let error as ZooKeeperError {
            return error
        } catch {
            Issue.record("expected a ZooKeeperError, got \(error)")
            return nil
        }
    }

    @Test func createReadWriteDeleteWithVersions() async throws {
        try await withClient { client, _ in
            let created = try await client.create("/ops", data: Array("one".utf8))
            #expect(created.path == "/ops")
            #expect(created.stat.version == 0)
            #expect(created.stat.dataLength == 3)

            let read = try await client.getData("/ops")
            #expect(read.data == Array("one".utf8))
            #expect(read.stat == created.stat)
            #expect(read.watch == nil)

            let written = try await client.setData("/ops", data: Array("two".utf8), version: 0)
            #expect(written.version == 1)
            #expect(written.mzxid > created.stat.mzxid)
            let stale = await zooKeeperError { _ = try await client.setData("/ops", data: [], version: 0) }
            #expect(stale?.code == .badVersion)
            #expect(stale?.path == "/ops")

            #expect(try await client.exists("/ops")?.version == 1)
            let wrongDelete = await zooKeeperError { try await client.delete("/ops", version: 0) }
            #expect(wrongDelete?.code == .badVersion)
            try await client.delete("/ops", version: 1)
            #expect(try await client.exists("/ops") == nil)

            let missing = await zooKeeperError { _ = try await client.getData("/ops") }
            #expect(missing?.code == .noNode)
            #expect(missing?.path == "/ops")
            #expect(missing?.description == "KeeperErrorCode = NoNode for /ops")
        }
    }

    @Test func createModesAndTheirErrors() async throws {
        try await withClient { client, _ in
            _ = try await client.create("/modes")
            let ephemeral = try await client.create("/modes/eph", mode: .ephemeral)
            #expect(ephemeral.stat.ephemeralOwner == client.sessionId)
            let first = try await client.create("/modes/seq-", mode: .persistentSequential)
            let second = try await client.create("/modes/seq-", mode: .ephemeralSequential)
            #expect(first.path == "/modes/seq-0000000001")
            #expect(second.path == "/modes/seq-0000000002")
            #expect(second.stat.ephemeralOwner == client.sessionId)
            let container = try await client.create("/modes/box", mode: .container)
            #expect(container.path == "/modes/box")
            #expect(container.stat.numChildren == 0)
            let nullData = try await client.create("/modes/null", data: nil)
            #expect(try await client.getData(nullData.path).data == nil)

            #expect(await zooKeeperError { _ = try await client.create("/modes/eph") }?.code == .nodeExists)
            #expect(await zooKeeperError { _ = try await client.create("/nowhere/child") }?.code == .noNode)
            #expect(await zooKeeperError { _ = try await client.create("/modes/eph/child") }?.code == .noChildrenForEphemerals)
            #expect(await zooKeeperError { try await client.delete("/modes") }?.code == .notEmpty)
            let ttl = await zooKeeperError { _ = try await client.create("/modes/ttl", mode: .persistentWithTTL) }
            #expect(ttl?.code == .badArguments)
            let badPath = await zooKeeperError { _ = try await client.create("/modes/bad/", data: []) }
            #expect(badPath?.code == .badArguments)
            #expect(badPath?.detail == "Path must not end with / character")
            #expect(await zooKeeperError { _ = try await client.create("/modes/x", acl: []) }?.code == .invalidACL)
        }
    }

    @Test func childrenCountsAndSync() async throws {
        try await withClient { client, _ in
            _ = try await client.create("/family")
            for name in ["b", "a", "c"] { _ = try await client.create("/family/\(name)") }
            _ = try await client.create("/family/a/grandchild")
            let listing = try await client.getChildren("/family")
            #expect(listing.children.sorted() == ["a", "b", "c"])
            #expect(listing.stat.numChildren == 3)
            #expect(listing.stat.cversion == 3)
            #expect(try await client.getAllChildrenNumber("/family") == 4)
            #expect(try await client.getAllChildrenNumber("/family/b") == 0)
            #expect(await zooKeeperError { _ = try await client.getChildren("/nobody") }?.code == .noNode)
            try await client.sync("/family")
        }
    }

    @Test func aclsAndDigestAuthentication() async throws {
        try await withClient { client, server in
            let open = try await client.getACL("/")
            #expect(open.acl == ACL.openUnsafe)

            let alice = try await TestClients.connect(server.connectString, credentials: [.digest(user: "alice", password: "secret")])
            _ = try await alice.create("/secure", data: Array("s".utf8), acl: StandardACL.creatorAll)
            let secured = try await alice.getACL("/secure")
            #expect(secured.acl.count == 1)
            #expect(secured.acl[0].id.scheme == "digest")
            #expect(secured.acl[0].id.id.hasPrefix("alice:"))
            #expect(secured.acl[0].perms == .all)

            let denied = await zooKeeperError { _ = try await client.getData("/secure") }
            #expect(denied?.code == .noAuth)
            #expect(denied?.path == "/secure")
            #expect(await zooKeeperError { _ = try await client.setData("/secure", data: []) }?.code == .noAuth)

            try await client.addAuth(scheme: "digest", auth: Array("alice:secret".utf8))
            #expect(try await client.getData("/secure").data == Array("s".utf8))

            let stat = try await alice.setACL("/secure", acl: StandardACL.readUnsafe, version: 0)
            #expect(stat.aversion == 1)
            #expect(try await client.getACL("/secure").acl == StandardACL.readUnsafe)
            await alice.close()
        }
    }

    @Test func multiAppliesAllOrNothing() async throws {
        try await withClient { client, _ in
            _ = try await client.create("/multi", data: [1])
            let results = try await client.multi([
                .create(path: "/multi/a", data: [2]),
                .create(path: "/multi/seq-", mode: .persistentSequential),
                .setData(path: "/multi", data: [3], version: 0),
                .check(path: "/multi", version: 1),
                .delete(path: "/multi/a"),
            ])
            #expect(results.count == 5)
            #expect(results[0] == .created(path: "/multi/a", stat: nil))
            #expect(results[1] == .created(path: "/multi/seq-0000000001", stat: nil))
            guard case let .dataSet(stat) = results[2] else { throw TestFailure("setData result: \(results[2])") }
            #expect(stat.version == 1)
            #expect(results[3] == .checked)
            #expect(results[4] == .deleted)
            #expect(try await client.exists("/multi/a") == nil)

            let failure = await zooKeeperError {
                _ = try await client.multi([
                    .create(path: "/multi/b"),
                    .check(path: "/multi", version: 7),
                    .delete(path: "/multi/seq-0000000001"),
                ])
            }
            #expect(failure?.code == .badVersion)
            #expect(failure?.path == "/multi")
            #expect(failure?.multiResults == [.failed(.ok), .failed(.badVersion), .failed(.runtimeInconsistency)])
            // Nothing of the failed multi was applied.
            #expect(try await client.exists("/multi/b") == nil)
            #expect(try await client.exists("/multi/seq-0000000001") != nil)
        }
    }

    @Test func closeEndsTheSessionAndItsEphemerals() async throws {
        let server = try EmbeddedServer.start()
        defer { server.stop() }
        let observer = try await TestClients.connect(server.connectString)
        let client = try await TestClients.connect(server.connectString)
        let recorder = EventRecorder(client.sessionEvents)
        _ = try await client.create("/leaving", mode: .ephemeral)
        let ownWatch = try #require(try await client.getData("/leaving", watch: true).watch)
        let otherWatch = try #require(try await client.exists("/never", watch: true).watch)
        await client.close()
        try await recorder.wait(for: "closed") { $0.last == .closed }
        #expect(client.isSessionEnded)
        // The close is confirmed by the server, so the node is gone right away.
        #expect(try await observer.exists("/leaving") == nil)
        // Closing deletes the session's ephemerals, which its own watch still
        // sees; a watch nothing triggered finishes without an event.
        #expect(try await ownWatch.expectEvent() == WatchedEvent(type: .nodeDeleted, path: "/leaving"))
        #expect(try await otherWatch.expectEvent() == nil)
        do {
            _ = try await client.exists("/")
            Issue.record("a call after close succeeded")
        } catch let error as ZooKeeperError {
            #expect(error.code == .sessionExpired)
        }
        await observer.close()
    }

    @Test func connectFailsClearlyWithoutAServerOrWithAGarbageConnectString() async throws {
        let unused = FreePort.next()
        let started = ContinuousClock.now
        do {
            _ = try await TestClients.connect("127.0.0.1:\(unused)", sessionTimeout: .milliseconds(800)) {
                $0.reconnectDelay = .milliseconds(50)
            }
            Issue.record("connected to a port nobody listens on")
        } catch let error as ZooKeeperError {
            #expect(error.code == .connectionLoss)
        }
        // 0.8 s on an idle machine; the bound only has to catch a hang (the
        // default session timeout is 30 s) and took 5.6 s on a loaded CI machine.
        #expect(ContinuousClock.now - started < .seconds(15))
        await #expect(throws: ConnectStringError.invalidPort(entry: "127.0.0.1:http")) {
            _ = try await ZooKeeperClient.connect(.init(connectString: "127.0.0.1:http"))
        }
    }
}
