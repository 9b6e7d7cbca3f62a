import ZooKeeperProtocol

/// Who holds a watch: the connection it was registered on (watches belong to
/// connections in Apache; a client re-registers them with setWatches).
public typealias WatcherID = Int64

public enum WatchMode: Sendable, Equatable {
    case standard
    case persistent
    case persistentRecursive

    var isPersistent: Bool { self != .standard }
}

/// Apache's two WatchManagers (data and child) in one value. Standard watches
/// fire once and are removed; persistent ones stay; recursive ones also fire
/// for descendants, except NodeChildrenChanged.
public struct WatchManager: Sendable {
    private var dataWatches = PathWatches()
    private var childWatches = PathWatches()

    public init() {}

    public var watchCount: Int { dataWatches.watchCount + childWatches.watchCount }
    public var watchedPathCount: Int { Set(dataWatches.byPath.keys).union(childWatches.byPath.keys).count }
    public var watcherCount: Int { Set(dataWatches.byWatcher.keys).union(childWatches.byWatcher.keys).count }

    public mutating func addDataWatch(_ path: String, _ watcher: WatcherID) {
        dataWatches.add(path, watcher, .standard)
    }

    public mutating func addChildWatch(_ path: String, _ watcher: WatcherID) {
        childWatches.add(path, watcher, .standard)
    }

    /// addWatch registers in both managers (Apache's DataTree.addWatch); a
    /// recursive watch never receives NodeChildrenChanged (see `trigger`).
    public mutating func addPersistentWatch(_ path: String, _ watcher: WatcherID, recursive: Bool) {
        let mode: WatchMode = recursive ? .persistentRecursive : .persistent
        dataWatches.add(path, watcher, mode)
        childWatches.add(path, watcher, mode)
    }

    /// Fires the triggers of one txn, returning each watcher's events in order.
    /// A watcher gets one event per trigger group (Apache suppresses the child
    /// NodeDeleted for watchers already told by the data watch).
    public mutating func fire(_ triggers: [WatchTrigger]) -> [(WatcherID, WatcherEvent)] {
        var events: [(WatcherID, WatcherEvent)] = []
        var toldOfDeletion: Set<WatcherID> = []
        for trigger in triggers {
            let watchers: [WatcherID]
            switch trigger.target {
            case .data:
                watchers = dataWatches.trigger(trigger.path, trigger.type)
                if trigger.type == .nodeDeleted { toldOfDeletion.formUnion(watchers) }
            case .child:
                let fired = childWatches.trigger(trigger.path, trigger.type)
                watchers = trigger.type == .nodeDeleted ? fired.filter { !toldOfDeletion.contains($0) } : fired
            }
            let event = WatcherEvent(type: trigger.type.rawValue, state: KeeperState.syncConnected.rawValue, path: trigger.path)
            for watcher in watchers { events.append((watcher, event)) }
        }
        return events
    }

    public mutating func removeWatcher(_ watcher: WatcherID) {
        dataWatches.removeWatcher(watcher)
        childWatches.removeWatcher(watcher)
    }

    /// checkWatches / removeWatches: `type` 1 children, 2 data, 3 any.
    /// Returns whether a matching watch existed (NoWatcher otherwise).
    public func hasWatch(_ path: String, _ watcher: WatcherID, type: Int32) -> Bool {
        (type != 2 && childWatches.contains(path, watcher)) || (type != 1 && dataWatches.contains(path, watcher))
    }

    /// Removes and returns the event types to send (DataWatchRemoved / ChildWatchRemoved).
    public mutating func removeWatch(_ path: String, _ watcher: WatcherID, type: Int32) -> [WatcherEventType] {
        var removed: [WatcherEventType] = []
        if type != 2 && childWatches.remove(path, watcher) { removed.append(.childWatchRemoved) }
        if type != 1 && dataWatches.remove(path, watcher) { removed.append(.dataWatchRemoved) }
        return removed
    }

    // MARK: Reports for wchs / wchc / wchp

    /// Path → watchers, for `wchp`.
    public func watchersByPath() -> [String: Set<WatcherID>] {
        var result = dataWatches.byPath.mapValues { Set($0.keys) }
        for (path, watchers) in childWatches.byPath { result[path, default: []].formUnion(watchers.keys) }
        return result
    }

    /// Watcher → paths, for `wchc`.
    public func pathsByWatcher() -> [WatcherID: Set<String>] {
        var result = dataWatches.byWatcher
        for (watcher, paths) in childWatches.byWatcher { result[watcher, default: []].formUnion(paths) }
        return result
    }

    /// Paths a watcher watches, split as setWatches2 re-sends them.
    public func watches(of watcher: WatcherID) -> (data: [String], child: [String]) {
        (Array(dataWatches.byWatcher[watcher] ?? []), Array(childWatches.byWatcher[watcher] ?? []))
    }
}

/// One of Apache's WatchManagers: path → watcher → mode, with the reverse index
/// so a closing connection drops its watches in time proportional to them.
struct PathWatches: Sendable {
    var byPath: [String: [WatcherID: WatchMode]] = [:]
    var byWatcher: [WatcherID: Set<String>] = [:]
    private var recursiveCount = 0

    var watchCount: Int { byWatcher.values.reduce(0) { $0 + $1.count } }

    mutating func add(_ path: String, _ watcher: WatcherID, _ mode: WatchMode) {
        // The latest registration sets the mode, as Apache's
        // WatcherModeManager: a one-time watch replaces a persistent one here.
        let existing = byPath[path]?[watcher]
        if existing == .persistentRecursive { recursiveCount -= 1 }
        if mode == .persistentRecursive { recursiveCount += 1 }
        byPath[path, default: [:]][watcher] = mode
        byWatcher[watcher, default: []].insert(path)
    }

    func contains(_ path: String, _ watcher: WatcherID) -> Bool {
        byPath[path]?[watcher] != nil
    }

    @discardableResult
    mutating func remove(_ path: String, _ watcher: WatcherID) -> Bool {
        guard let mode = byPath[path]?.removeValue(forKey: watcher) else { return false }
        if mode == .persistentRecursive { recursiveCount -= 1 }
        if byPath[path]?.isEmpty == true { byPath[path] = nil }
        byWatcher[watcher]?.remove(path)
        if byWatcher[watcher]?.isEmpty == true { byWatcher[watcher] = nil }
        return true
    }

    mutating func removeWatcher(_ watcher: WatcherID) {
        for path in byWatcher[watcher] ?? [] { remove(path, watcher) }
    }

    /// Apache's triggerWatch with PathParentIterator: the path itself, then its
    /// ancestors only while recursive watches exist anywhere.
    mutating func trigger(_ path: String, _ type: WatcherEventType) -> [WatcherID] {
        var fired: [WatcherID] = []
        var seen: Set<WatcherID> = []
        if let watchers = byPath[path] {
            for (watcher, mode) in watchers {
                if mode == .persistentRecursive && type == .nodeChildrenChanged { continue }
                if seen.insert(watcher).inserted { fired.append(watcher) }
                if mode == .standard { remove(path, watcher) }
            }
        }
        guard recursiveCount > 0, type != .nodeChildrenChanged else { return fired }
        for ancestor in ZnodePath.ancestors(of: path) {
            guard let watchers = byPath[ancestor] else { continue }
            for (watcher, mode) in watchers where mode == .persistentRecursive {
                if seen.insert(watcher).inserted { fired.append(watcher) }
            }
        }
        return fired
    }
}
