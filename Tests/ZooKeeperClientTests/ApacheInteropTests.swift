import Testing
import ZooKeeperClient
import ZooKeeperProtocol

/// The client against Apache ZooKeeper 3.8 itself: every operation once, the
/// error codes, multi, watches, chroot and digest auth.
@Suite(
    .timeLimit(.minutes(1)),
    .enabled(if: ApacheZooKeeper.isInstalled, "Apache ZooKeeper is not installed (\(ApacheZooKeeper.jar) missing)")
)
struct ApacheInteropTests {
    private func withApache(_ body: (ApacheZooKeeper) async throws -> Void) async throws {
        let apache = try await ApacheZooKeeper.start()
        defer { apache.stop() }
        try await body(apache)
    }

    private func code(_ body: () async throws -> Void) async -> ErrorCode? {
        do {
            try await body()
            return .ok
        } catch let error as ZooKeeperError {
            return error.code
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func operationsAndErrorCodes() async throws {
        try await withApache { apache in
            let client = try await TestClients.connect(apache.connectString, sessionTimeout: .seconds(10))
            #expect(client.sessionId != 0)
            #expect(client.negotiatedSessionTimeout == .seconds(10))

            let created = try await client.create("/it", data: Array("v1".utf8))
            #expect(created.path == "/it" && created.stat.version == 0)
            #expect(try await client.getData("/it").data == Array("v1".utf8))
            #expect(try await client.setData("/it", data: Array("v2".utf8), version: 0).version == 1)
            #expect(await code { _ = try await client.setData("/it", data: [], version: 0) } == .badVersion)
            #expect(await code { _ = try await client.create("/it") } == .nodeExists)
            #expect(await code { _ = try await client.getData("/absent") } == .noNode)
            #expect(try await client.exists("/absent") == nil)
            #expect(try await client.exists("/it")?.dataLength == 2)

            let sequential = try await client.create("/it/e-", mode: .ephemeralSequential)
            #expect(sequential.path == "/it/e-0000000000")
            #expect(sequential.stat.ephemeralOwner == client.sessionId)
            let container = try await client.create("/it/box", mode: .container)
            #expect(container.path == "/it/box")
            _ = try await client.create("/it/box/item")
            #expect(try await client.getChildren("/it").children.sorted() == ["box", "e-0000000000"])
            #expect(try await client.getAllChildrenNumber("/it") == 3)
            #expect(await code { try await client.delete("/it") } == .notEmpty)
            #expect(try await client.getACL("/it").acl == ACL.openUnsafe)
            #expect(try await client.setACL("/it/box/item", acl: StandardACL.readUnsafe).aversion == 1)
            #expect(await code { _ = try await client.setData("/it/box/item", data: []) } == .noAuth)
            try await client.sync("/it")

            let results = try await client.multi([
                .create(path: "/it/m", data: [1]),
                .setData(path: "/it/m", data: [2], version: 0),
                .check(path: "/it", version: 1),
            ])
            #expect(results.count == 3)
            #expect(results[0] == .created(path: "/it/m", stat: nil))
            do {
                _ = try await client.multi([.delete(path: "/it/m"), .delete(path: "/it/nothing")])
                Issue.record("multi with a missing node succeeded")
            } catch let error as ZooKeeperError {
                #expect(error.code == .noNode)
                #expect(error.path == "/it/nothing")
                #expect(error.multiResults == [.failed(.ok), .failed(.noNode)])
            }
            #expect(try await client.exists("/it/m") != nil)
            try await client.delete("/it/m", version: 1)
            await client.close()
        }
    }

    @Test func watchesChrootAndDigestAuth() async throws {
        try await withApache { apache in
            let writer = try await TestClients.connect(apache.connectString, sessionTimeout: .seconds(10))
            _ = try await writer.create("/app")
            let client = try await TestClients.connect(apache.connectString + "/app", sessionTimeout: .seconds(10),
                                                       credentials: [.digest(user: "bob", password: "pw")])

            let watch = try #require(try await client.getData("/", watch: true).watch)
            let creation = try #require(try await client.exists("/n", watch: true).watch)
            let recursive = WatchCollector(try await client.addWatch("/", mode: .persistentRecursive))
            _ = try await writer.create("/app/n")
            _ = try await writer.setData("/app", data: [1])
            #expect(try await creation.expectEvent() == WatchedEvent(type: .nodeCreated, path: "/n"))
            #expect(try await watch.expectEvent() == WatchedEvent(type: .nodeDataChanged, path: "/"))
            #expect(try await recursive.waitForEvents(2) == [
                WatchedEvent(type: .nodeCreated, path: "/n"),
                WatchedEvent(type: .nodeDataChanged, path: "/"),
            ])
            try await client.removeWatches("/")
            #expect(try await recursive.waitForEnding() == .finished)

            _ = try await client.create("/private", data: [9], acl: StandardACL.creatorAll)
            #expect(try await client.getACL("/private").acl.first?.id.id.hasPrefix("bob:") == true)
            #expect(await code { _ = try await writer.getData("/app/private") } == .noAuth)
            try await writer.addAuth(scheme: "digest", auth: Array("bob:pw".utf8))
            #expect(try await writer.getData("/app/private").data == [9])

            await client.close()
            await writer.close()
        }
    }
}
