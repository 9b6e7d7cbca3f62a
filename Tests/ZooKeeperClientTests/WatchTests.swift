import Testing
import ZooKeeperClient
import ZooKeeperProtocol
import ServerTestSupport

/// One-shot and persistent watches against the embedded server, changes made
/// by a second client.
@Suite(.timeLimit(.minutes(1))) struct WatchTests {
    private func withClients(_ body: (ZooKeeperClient, ZooKeeperClient) async throws -> Void) async throws {
        let server = try EmbeddedServer.start()
        defer { server.stop() }
        let watcher = try await TestClients.connect(server.connectString)
        let writer = try await TestClients.connect(server.connectString)
        do {
            try await body(watcher, writer)
        } catch {
            await watcher.close()
            await writer.close()
            throw error
        }
        await watcher.close()
        await writer.close()
    }

    @Test func oneShotWatchesFireOnceForTheirEvents() async throws {
        try await withClients { watcher, writer in
            _ = try await writer.create("/w", data: [1])
            let data = try #require(try await watcher.getData("/w", watch: true).watch)
            let children = try #require(try await watcher.getChildren("/w", watch: true).watch)
            let absent = try await watcher.exists("/w/later", watch: true)
            #expect(absent.stat == nil)
            let creation = try #require(absent.watch)

            _ = try await writer.setData("/w", data: [2])
            #expect(try await data.expectEvent() == WatchedEvent(type: .nodeDataChanged, path: "/w"))
            _ = try await writer.create("/w/later")
            #expect(try await creation.expectEvent() == WatchedEvent(type: .nodeCreated, path: "/w/later"))
            #expect(try await children.expectEvent() == WatchedEvent(type: .nodeChildrenChanged, path: "/w"))

            // Fired watches are spent: iterating again ends at once.
            #expect(try await data.expectEvent() == nil)
        }
    }

    @Test func deletionFiresDataAndChildWatches() async throws {
        try await withClients { watcher, writer in
            _ = try await writer.create("/doomed")
            let exists = try #require(try await watcher.exists("/doomed", watch: true).watch)
            let children = try #require(try await watcher.getChildren("/doomed", watch: true).watch)
            try await writer.delete("/doomed")
            #expect(try await exists.expectEvent() == WatchedEvent(type: .nodeDeleted, path: "/doomed"))
            #expect(try await children.expectEvent() == WatchedEvent(type: .nodeDeleted, path: "/doomed"))
        }
    }

    @Test func aFailedWatchedReadLeavesNoWatch() async throws {
        try await withClients { watcher, writer in
            await #expect(throws: ZooKeeperError(code: .noNode, path: "/absent")) {
                _ = try await watcher.getData("/absent", watch: true)
            }
            // Had the watch been left, removeWatches would find it.
            await #expect(throws: ZooKeeperError(code: .noWatcher, path: "/absent")) {
                try await watcher.removeWatches("/absent")
            }
            _ = try await writer.create("/absent")
        }
    }

    @Test func persistentRecursiveWatchSeesNestedChangesUntilRemoved() async throws {
        try await withClients { watcher, writer in
            _ = try await writer.create("/tree")
            let collector = WatchCollector(try await watcher.addWatch("/tree", mode: .persistentRecursive))
            _ = try await writer.create("/tree/a")
            _ = try await writer.create("/tree/a/b", data: [1])
            _ = try await writer.setData("/tree/a/b", data: [2])
            try await writer.delete("/tree/a/b")
            _ = try await writer.create("/elsewhere")
            _ = try await writer.setData("/tree", data: [3])
            let events = try await collector.waitForEvents(5)
            // No NodeChildrenChanged: a recursive watch promises none.
            #expect(events == [
                WatchedEvent(type: .nodeCreated, path: "/tree/a"),
                WatchedEvent(type: .nodeCreated, path: "/tree/a/b"),
                WatchedEvent(type: .nodeDataChanged, path: "/tree/a/b"),
                WatchedEvent(type: .nodeDeleted, path: "/tree/a/b"),
                WatchedEvent(type: .nodeDataChanged, path: "/tree"),
            ])
            try await watcher.removeWatches("/tree")
            #expect(try await collector.waitForEnding() == .finished)
            _ = try await writer.create("/tree/after")
            #expect(collector.events.count == 5)
            await #expect(throws: ZooKeeperError(code: .noWatcher, path: "/tree")) {
                try await watcher.removeWatches("/tree")
            }
        }
    }

    @Test func persistentWatchSeesDataAndChildrenOfItsNodeOnly() async throws {
        try await withClients { watcher, writer in
            _ = try await writer.create("/p")
            let collector = WatchCollector(try await watcher.addWatch("/p", mode: .persistent))
            _ = try await writer.create("/p/kid")
            _ = try await writer.setData("/p/kid", data: [1])
            _ = try await writer.setData("/p", data: [1])
            _ = try await writer.setData("/p", data: [2])
            #expect(try await collector.waitForEvents(3) == [
                WatchedEvent(type: .nodeChildrenChanged, path: "/p"),
                WatchedEvent(type: .nodeDataChanged, path: "/p"),
                WatchedEvent(type: .nodeDataChanged, path: "/p"),
            ])
        }
    }

    @Test func cancellingAPersistentWatchStopsItAtTheServerToo() async throws {
        try await withClients { watcher, writer in
            _ = try await writer.create("/c")
            let collector = WatchCollector(try await watcher.addWatch("/c", mode: .persistent))
            _ = try await writer.setData("/c", data: [1])
            try await collector.waitForEvents(1)
            collector.cancel()
            #expect(try await collector.waitForEnding() == .finished)
            // The server dropped its side: removing it again finds nothing
            // locally, and a one-shot watch on the path still works alone.
            try await withTimeout {
                while true {
                    do {
                        try await watcher.removeWatches("/c")
                    } catch let error as ZooKeeperError where error.code == .noWatcher {
                        return
                    }
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            let oneShot = try #require(try await watcher.getData("/c", watch: true).watch)
            _ = try await writer.setData("/c", data: [2])
            #expect(try await oneShot.expectEvent() == WatchedEvent(type: .nodeDataChanged, path: "/c"))
        }
    }

    @Test func removingAOneShotWatchFinishesItWithoutAnEvent() async throws {
        try await withClients { watcher, writer in
            _ = try await writer.create("/r")
            let watch = try #require(try await watcher.getData("/r", watch: true).watch)
            try await watcher.removeWatches("/r", type: .data)
            #expect(try await watch.expectEvent() == nil)
            _ = try await writer.setData("/r", data: [1])
            // The server forgot it too: a new watch gets exactly the next change.
            let next = try #require(try await watcher.getData("/r", watch: true).watch)
            _ = try await writer.setData("/r", data: [2])
            #expect(try await next.expectEvent() == WatchedEvent(type: .nodeDataChanged, path: "/r"))
        }
    }

    @Test func chrootIsAppliedToPathsResultsAndEvents() async throws {
        let server = try EmbeddedServer.start()
        defer { server.stop() }
        let root = try await TestClients.connect(server.connectString)
        _ = try await root.create("/app")
        let jailed = try await TestClients.connect(server.connectString + "/app")
        #expect(try await jailed.exists("/")?.numChildren == 0)

        let created = try await jailed.create("/job-", mode: .persistentSequential)
        #expect(created.path == "/job-0000000000")
        #expect(try await root.exists("/app/job-0000000000") != nil)
        #expect(try await jailed.getChildren("/").children == ["job-0000000000"])

        let results = try await jailed.multi([.create(path: "/m"), .create(path: "/m/n")])
        #expect(results == [.created(path: "/m", stat: nil), .created(path: "/m/n", stat: nil)])

        let dataWatch = try #require(try await jailed.getData("/m", watch: true).watch)
        let collector = WatchCollector(try await jailed.addWatch("/", mode: .persistentRecursive))
        _ = try await root.setData("/app/m", data: [1])
        #expect(try await dataWatch.expectEvent() == WatchedEvent(type: .nodeDataChanged, path: "/m"))
        _ = try await root.create("/app/m/deep")
        _ = try await root.create("/outside")
        #expect(try await collector.waitForEvents(2) == [
            WatchedEvent(type: .nodeDataChanged, path: "/m"),
            WatchedEvent(type: .nodeCreated, path: "/m/deep"),
        ])
        await #expect(throws: ZooKeeperError(code: .noNode, path: "/outside")) {
            _ = try await jailed.getData("/outside")
        }
        await jailed.close()
        await root.close()
    }
}
