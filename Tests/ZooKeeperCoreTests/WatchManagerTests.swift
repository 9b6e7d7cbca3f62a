import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// (watcher, event type, path) triples, sorted so that watcher order within one
/// trigger (a hash set in Apache too) does not matter.
private func fired(_ manager: inout WatchManager, _ triggers: [WatchTrigger]) -> [Fired] {
    manager.fire(triggers).map { Fired($0.0, WatcherEventType(rawValue: $0.1.type), $0.1.path) }
}

private struct Fired: Equatable, CustomStringConvertible {
    var watcher: WatcherID
    var type: WatcherEventType?
    var path: String
    init(_ watcher: WatcherID, _ type: WatcherEventType?, _ path: String) {
        self.watcher = watcher
        self.type = type
        self.path = path
    }
    var description: String { "(\(watcher), \(type.map { "\($0)" } ?? "?"), \(path))" }
}

@Suite struct OneTimeWatchTests {
    @Test func dataWatchFiresOnceOnSetData() {
        var manager = WatchManager()
        manager.addDataWatch("/a", 1)
        #expect(fired(&manager, DataTree.setDataTriggers("/a")) == [Fired(1, .nodeDataChanged, "/a")])
        #expect(fired(&manager, DataTree.setDataTriggers("/a")).isEmpty)
        #expect(manager.watchCount == 0)
    }

    @Test func eventsCarrySyncConnectedState() {
        var manager = WatchManager()
        manager.addDataWatch("/a", 1)
        let events = manager.fire(DataTree.setDataTriggers("/a"))
        #expect(events.map(\.1) == [WatcherEvent(type: .nodeDataChanged, state: .syncConnected, path: "/a")])
    }

    @Test func existsWatchOnMissingNodeFiresNodeCreated() {
        var manager = WatchManager()
        manager.addDataWatch("/a/b", 7)
        #expect(fired(&manager, DataTree.createTriggers("/a/b")) == [Fired(7, .nodeCreated, "/a/b")])
        #expect(fired(&manager, DataTree.createTriggers("/a/b")).isEmpty)
    }

    @Test func childWatchFiresOnChildCreateAndDelete() {
        var manager = WatchManager()
        manager.addChildWatch("/a", 1)
        #expect(fired(&manager, DataTree.createTriggers("/a/x")) == [Fired(1, .nodeChildrenChanged, "/a")])
        #expect(fired(&manager, DataTree.deleteTriggers("/a/x")).isEmpty)
        manager.addChildWatch("/a", 1)
        #expect(fired(&manager, DataTree.deleteTriggers("/a/x")) == [Fired(1, .nodeChildrenChanged, "/a")])
    }

    @Test func childWatchIgnoresDataChangesAndGrandchildren() {
        var manager = WatchManager()
        manager.addChildWatch("/a", 1)
        #expect(fired(&manager, DataTree.setDataTriggers("/a")).isEmpty)
        #expect(fired(&manager, DataTree.createTriggers("/a/b/c")).isEmpty)
        #expect(manager.watchCount == 1)
    }

    @Test func dataWatchIgnoresChildren() {
        var manager = WatchManager()
        manager.addDataWatch("/a", 1)
        #expect(fired(&manager, DataTree.createTriggers("/a/b")).isEmpty)
        #expect(manager.watchCount == 1)
    }

    /// Apache's deleteNode passes the data watchers it told to the child
    /// trigger as `supress`: a client watching both gets one NodeDeleted.
    @Test func deleteTellsEachWatcherOnce() {
        var manager = WatchManager()
        manager.addDataWatch("/a", 1)
        manager.addChildWatch("/a", 1)
        manager.addChildWatch("/a", 2)
        manager.addDataWatch("/a", 3)
        manager.addChildWatch("/", 4)
        let events = fired(&manager, DataTree.deleteTriggers("/a"))
        let deleted = events.filter { $0.type == .nodeDeleted }
        #expect(deleted.map(\.watcher).sorted() == [1, 2, 3])
        #expect(deleted.allSatisfy { $0.path == "/a" })
        #expect(events.filter { $0.type == .nodeChildrenChanged } == [Fired(4, .nodeChildrenChanged, "/")])
        #expect(events.count == 4)
        // Both of watcher 1's watches are consumed.
        #expect(manager.watchCount == 0)
    }

    @Test func oneEventPerWatcherPerTrigger() {
        var manager = WatchManager()
        manager.addDataWatch("/a", 1)
        manager.addDataWatch("/a", 1)
        #expect(manager.watchCount == 1)
        #expect(fired(&manager, DataTree.setDataTriggers("/a")).count == 1)
    }

    @Test func manyWatchersAllFire() {
        var manager = WatchManager()
        for watcher in 1...5 { manager.addDataWatch("/a", WatcherID(watcher)) }
        let events = fired(&manager, DataTree.setDataTriggers("/a"))
        #expect(events.map(\.watcher).sorted() == [1, 2, 3, 4, 5])
    }
}

@Suite struct PersistentWatchTests {
    @Test func persistentWatchFiresEveryTime() {
        var manager = WatchManager()
        manager.addPersistentWatch("/a", 1, recursive: false)
        for _ in 0..<3 {
            #expect(fired(&manager, DataTree.setDataTriggers("/a")) == [Fired(1, .nodeDataChanged, "/a")])
        }
    }

    /// Apache's addWatch(PERSISTENT) registers in both the data and child
    /// managers: direct children changes fire, grandchildren do not.
    @Test func persistentWatchSeesDirectChildren() {
        var manager = WatchManager()
        manager.addPersistentWatch("/a", 1, recursive: false)
        #expect(fired(&manager, DataTree.createTriggers("/a/b")) == [Fired(1, .nodeChildrenChanged, "/a")])
        #expect(fired(&manager, DataTree.createTriggers("/a/b/c")).isEmpty)
        #expect(fired(&manager, DataTree.setDataTriggers("/a/b")).isEmpty)
        #expect(fired(&manager, DataTree.deleteTriggers("/a/b")) == [Fired(1, .nodeChildrenChanged, "/a")])
    }

    @Test func persistentWatchSurvivesDeletionAndSeesRecreation() {
        var manager = WatchManager()
        manager.addPersistentWatch("/a", 1, recursive: false)
        // One NodeDeleted (the child-manager one is suppressed).
        #expect(fired(&manager, DataTree.deleteTriggers("/a")) == [Fired(1, .nodeDeleted, "/a")])
        #expect(fired(&manager, DataTree.createTriggers("/a")) == [Fired(1, .nodeCreated, "/a")])
        #expect(manager.hasWatch("/a", 1, type: 3))
    }

    /// Recursive watches get every event at or below the path (with the
    /// changed node's path), but never NodeChildrenChanged.
    @Test func recursiveWatchSeesDescendants() {
        var manager = WatchManager()
        manager.addPersistentWatch("/a", 1, recursive: true)
        #expect(fired(&manager, DataTree.createTriggers("/a/b")) == [Fired(1, .nodeCreated, "/a/b")])
        #expect(fired(&manager, DataTree.createTriggers("/a/b/c")) == [Fired(1, .nodeCreated, "/a/b/c")])
        #expect(fired(&manager, DataTree.setDataTriggers("/a/b/c")) == [Fired(1, .nodeDataChanged, "/a/b/c")])
        #expect(fired(&manager, DataTree.setDataTriggers("/a")) == [Fired(1, .nodeDataChanged, "/a")])
        #expect(fired(&manager, DataTree.deleteTriggers("/a/b/c")) == [Fired(1, .nodeDeleted, "/a/b/c")])
        #expect(fired(&manager, DataTree.deleteTriggers("/a")) == [Fired(1, .nodeDeleted, "/a")])
        #expect(fired(&manager, DataTree.createTriggers("/a")) == [Fired(1, .nodeCreated, "/a")])
    }

    @Test func recursiveWatchIgnoresSiblingsAndPrefixes() {
        var manager = WatchManager()
        manager.addPersistentWatch("/a", 1, recursive: true)
        #expect(fired(&manager, DataTree.createTriggers("/ab")).isEmpty)
        #expect(fired(&manager, DataTree.setDataTriggers("/b/a")).isEmpty)
        #expect(fired(&manager, DataTree.setDataTriggers("/")).isEmpty)
    }

    @Test func recursiveWatchOnRootSeesEverything() {
        var manager = WatchManager()
        manager.addPersistentWatch("/", 9, recursive: true)
        #expect(fired(&manager, DataTree.createTriggers("/x/y/z")) == [Fired(9, .nodeCreated, "/x/y/z")])
        #expect(fired(&manager, DataTree.setDataTriggers("/")) == [Fired(9, .nodeDataChanged, "/")])
    }

    /// A watcher with recursive watches at two ancestors still gets one event.
    @Test func nestedRecursiveWatchesFireOnce() {
        var manager = WatchManager()
        manager.addPersistentWatch("/", 1, recursive: true)
        manager.addPersistentWatch("/a", 1, recursive: true)
        #expect(fired(&manager, DataTree.setDataTriggers("/a/b")) == [Fired(1, .nodeDataChanged, "/a/b")])
    }

    @Test func recursiveAndOneTimeWatchersTogether() {
        var manager = WatchManager()
        manager.addPersistentWatch("/a", 1, recursive: true)
        manager.addDataWatch("/a/b", 2)
        manager.addChildWatch("/a", 3)
        let events = fired(&manager, DataTree.createTriggers("/a/b"))
        #expect(events.count == 3)
        #expect(events.contains(Fired(1, .nodeCreated, "/a/b")))
        #expect(events.contains(Fired(2, .nodeCreated, "/a/b")))
        #expect(events.contains(Fired(3, .nodeChildrenChanged, "/a")))
        // Only the recursive watch remains, held by both managers as in
        // Apache (zk_watch_count counts it twice).
        #expect(manager.watchCount == 2)
    }

    /// Apache's WatcherModeManager keeps the latest mode per (watcher, path)
    /// and manager: a one-time data watch replaces a persistent one there.
    @Test func oneTimeWatchReplacesPersistentModeAsApache() {
        var manager = WatchManager()
        manager.addPersistentWatch("/a", 1, recursive: false)
        manager.addDataWatch("/a", 1)
        #expect(fired(&manager, DataTree.setDataTriggers("/a")) == [Fired(1, .nodeDataChanged, "/a")])
        #expect(fired(&manager, DataTree.setDataTriggers("/a")).isEmpty)
        // The child-manager half of the persistent watch is untouched.
        #expect(fired(&manager, DataTree.createTriggers("/a/b")) == [Fired(1, .nodeChildrenChanged, "/a")])
    }
}

@Suite struct WatchRemovalTests {
    @Test func removeWatcherDropsEverything() {
        var manager = WatchManager()
        manager.addDataWatch("/a", 1)
        manager.addChildWatch("/b", 1)
        manager.addPersistentWatch("/c", 1, recursive: true)
        manager.addPersistentWatch("/d", 1, recursive: false)
        manager.addDataWatch("/a", 2)
        manager.removeWatcher(1)
        #expect(manager.watcherCount == 1)
        #expect(manager.watchCount == 1)
        #expect(fired(&manager, DataTree.createTriggers("/c/x")).isEmpty)
        #expect(fired(&manager, DataTree.setDataTriggers("/a")) == [Fired(2, .nodeDataChanged, "/a")])
    }

    /// checkWatches / removeWatches types: 1 children, 2 data, 3 any.
    @Test func hasWatchByType() {
        var manager = WatchManager()
        manager.addDataWatch("/d", 1)
        manager.addChildWatch("/c", 1)
        #expect(manager.hasWatch("/d", 1, type: 2))
        #expect(!manager.hasWatch("/d", 1, type: 1))
        #expect(manager.hasWatch("/d", 1, type: 3))
        #expect(manager.hasWatch("/c", 1, type: 1))
        #expect(!manager.hasWatch("/c", 1, type: 2))
        #expect(manager.hasWatch("/c", 1, type: 3))
        #expect(!manager.hasWatch("/d", 2, type: 3))
        #expect(!manager.hasWatch("/x", 1, type: 3))
    }

    @Test func removeWatchByType() {
        var manager = WatchManager()
        manager.addDataWatch("/a", 1)
        manager.addChildWatch("/a", 1)
        #expect(manager.removeWatch("/a", 1, type: 1) == [.childWatchRemoved])
        #expect(manager.removeWatch("/a", 1, type: 1).isEmpty)
        #expect(manager.removeWatch("/a", 1, type: 2) == [.dataWatchRemoved])
        #expect(manager.removeWatch("/a", 1, type: 3).isEmpty)
        manager.addDataWatch("/a", 1)
        manager.addChildWatch("/a", 1)
        #expect(Set(manager.removeWatch("/a", 1, type: 3)) == [.childWatchRemoved, .dataWatchRemoved])
        #expect(manager.watchCount == 0)
        #expect(fired(&manager, DataTree.deleteTriggers("/a")).isEmpty)
    }

    @Test func removingOneWatcherLeavesOthers() {
        var manager = WatchManager()
        manager.addDataWatch("/a", 1)
        manager.addDataWatch("/a", 2)
        #expect(manager.removeWatch("/a", 1, type: 2) == [.dataWatchRemoved])
        #expect(fired(&manager, DataTree.setDataTriggers("/a")) == [Fired(2, .nodeDataChanged, "/a")])
    }

    @Test func removingRecursiveWatchStopsDescendantEvents() {
        var manager = WatchManager()
        manager.addPersistentWatch("/a", 1, recursive: true)
        #expect(manager.removeWatch("/a", 1, type: 2) == [.dataWatchRemoved])
        #expect(fired(&manager, DataTree.createTriggers("/a/b")).isEmpty)
    }

    @Test func reports() {
        var manager = WatchManager()
        manager.addDataWatch("/a", 1)
        manager.addChildWatch("/a", 2)
        manager.addChildWatch("/b", 1)
        #expect(manager.watchersByPath() == ["/a": [1, 2], "/b": [1]])
        #expect(manager.pathsByWatcher() == [1: ["/a", "/b"], 2: ["/a"]])
        #expect(manager.watchedPathCount == 2)
        #expect(manager.watcherCount == 2)
        #expect(manager.watchCount == 3)
        let watches = manager.watches(of: 1)
        #expect(watches.data == ["/a"])
        #expect(watches.child == ["/b"])
    }
}
