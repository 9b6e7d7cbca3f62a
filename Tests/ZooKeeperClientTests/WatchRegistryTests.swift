import Testing
import ZooKeeperProtocol
@testable import ZooKeeperClient

@Suite struct WatchRegistryTests {
    private func fired(_ registry: inout WatchRegistry, _ type: WatcherEventType, _ path: String) -> [WatcherID] {
        registry.materialize(type, path: path).map(\.watcher)
    }

    @Test func dataWatchFiresOnceOnChangeDeleteOrCreate() {
        for type in [WatcherEventType.nodeDataChanged, .nodeDeleted, .nodeCreated] {
            var registry = WatchRegistry()
            registry.add(1, .data, path: "/a")
            #expect(fired(&registry, .nodeChildrenChanged, "/a") == [])
            #expect(fired(&registry, type, "/b") == [])
            #expect(registry.materialize(type, path: "/a") == [.init(watcher: 1, isFinal: true)])
            // Consumed: a second event reaches nobody.
            #expect(fired(&registry, type, "/a") == [])
            #expect(registry.isEmpty)
        }
    }

    @Test func existWatchFiresOnCreationAndOnApacheOtherTriggers() {
        for type in [WatcherEventType.nodeCreated, .nodeDataChanged, .nodeDeleted] {
            var registry = WatchRegistry()
            registry.add(1, .exist, path: "/a")
            #expect(fired(&registry, .nodeChildrenChanged, "/a") == [])
            #expect(fired(&registry, type, "/a") == [1])
        }
    }

    @Test func childWatchFiresOnChildrenChangedAndDeletedOnly() {
        var registry = WatchRegistry()
        registry.add(1, .child, path: "/a")
        #expect(fired(&registry, .nodeDataChanged, "/a") == [])
        #expect(fired(&registry, .nodeCreated, "/a") == [])
        #expect(fired(&registry, .nodeChildrenChanged, "/a") == [1])
        registry.add(2, .child, path: "/a")
        #expect(fired(&registry, .nodeDeleted, "/a") == [2])
    }

    @Test func deletionReachesDataAndChildWatchesOfThePath() {
        var registry = WatchRegistry()
        registry.add(1, .data, path: "/a")
        registry.add(2, .child, path: "/a")
        registry.add(3, .child, path: "/a/b")
        #expect(fired(&registry, .nodeDeleted, "/a") == [1, 2])
        #expect(registry.registration(of: 3) == .init(kind: .child, path: "/a/b"))
    }

    @Test func persistentWatchSeesEveryEventOfItsPathAndStays() {
        var registry = WatchRegistry()
        registry.add(1, .persistent, path: "/a")
        for type in [WatcherEventType.nodeCreated, .nodeDataChanged, .nodeChildrenChanged, .nodeDeleted] {
            #expect(registry.materialize(type, path: "/a") == [.init(watcher: 1, isFinal: false)])
        }
        #expect(fired(&registry, .nodeDataChanged, "/a/b") == [])
        #expect(registry.count == 1)
    }

    @Test func recursiveWatchSeesDescendantsButNoChildListEvents() {
        var registry = WatchRegistry()
        registry.add(1, .persistentRecursive, path: "/a")
        registry.add(2, .persistentRecursive, path: "/")
        #expect(fired(&registry, .nodeCreated, "/a/b/c") == [1, 2])
        #expect(fired(&registry, .nodeDataChanged, "/a") == [1, 2])
        #expect(fired(&registry, .nodeDeleted, "/ab") == [2])
        #expect(fired(&registry, .nodeChildrenChanged, "/a") == [])
        #expect(fired(&registry, .nodeChildrenChanged, "/a/b") == [])
    }

    @Test func oneShotAndPersistentOnSamePathBothFire() {
        var registry = WatchRegistry()
        registry.add(1, .data, path: "/a")
        registry.add(2, .persistent, path: "/a")
        #expect(registry.materialize(.nodeDataChanged, path: "/a") == [
            .init(watcher: 1, isFinal: true), .init(watcher: 2, isFinal: false),
        ])
        #expect(registry.materialize(.nodeDataChanged, path: "/a") == [.init(watcher: 2, isFinal: false)])
    }

    @Test func removeWatchersByTypeFollowsApache() {
        var registry = WatchRegistry()
        registry.add(1, .data, path: "/a")
        registry.add(2, .exist, path: "/a")
        registry.add(3, .child, path: "/a")
        registry.add(4, .persistent, path: "/a")
        registry.add(5, .data, path: "/b")
        #expect(registry.removeWatchers(on: "/a", type: .children).sorted() == [3, 4])
        #expect(registry.removeWatchers(on: "/a", type: .data).sorted() == [1, 2])
        #expect(registry.removeWatchers(on: "/a", type: .any) == [])
        #expect(!registry.hasWatchers(on: "/a"))
        #expect(registry.hasWatchers(on: "/b"))
    }

    @Test func restoreUsesSetWatchesUnlessPersistentWatchesExist() {
        var registry = WatchRegistry()
        registry.add(1, .data, path: "/d")
        registry.add(2, .exist, path: "/e")
        registry.add(3, .child, path: "/c")
        let chroot = Chroot("/app")
        let plain = registry.restoreRequests(relativeZxid: 77, serverPath: chroot.serverPath)
        #expect(plain == [.setWatches(SetWatches(relativeZxid: 77, dataWatches: ["/app/d"], existWatches: ["/app/e"], childWatches: ["/app/c"]))])

        registry.add(4, .persistent, path: "/p")
        registry.add(5, .persistentRecursive, path: "/")
        let withPersistent = registry.restoreRequests(relativeZxid: 78, serverPath: chroot.serverPath)
        #expect(withPersistent == [.setWatches2(SetWatches2(
            relativeZxid: 78, dataWatches: ["/app/d"], existWatches: ["/app/e"], childWatches: ["/app/c"],
            persistentWatches: ["/app/p"], persistentRecursiveWatches: ["/app"]))])
        #expect(withPersistent.first?.opCode == .setWatches2)
    }

    @Test func restoreSplitsLongWatchListsIntoBatches() {
        var registry = WatchRegistry()
        for index in 0..<10 { registry.add(index, .data, path: "/node-\(index)") }
        let batches = registry.restoreRequests(relativeZxid: 1, serverPath: { $0 }, maxPathCharacters: 21)
        // Each path is 7 characters: a batch closes once it reaches 21.
        let sizes = batches.map { request -> Int in
            guard case let .setWatches(set) = request else { return -1 }
            return set.dataWatches.count
        }
        #expect(sizes == [3, 3, 3, 1])
        #expect(registry.restoreRequests(relativeZxid: 1, serverPath: { $0 }).count == 1)
        #expect(WatchRegistry().restoreRequests(relativeZxid: 1, serverPath: { $0 }).isEmpty)
    }

    @Test func ancestorsOfAPath() {
        #expect(WatchRegistry.selfAndAncestors(of: "/a/b/c") == ["/a/b/c", "/a/b", "/a", "/"])
        #expect(WatchRegistry.selfAndAncestors(of: "/") == ["/"])
    }
}
