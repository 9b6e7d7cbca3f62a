// The client's side of watches, following Apache's ZKWatchManager: which
// registrations an event triggers, which of them it consumes, and what to
// re-register after a reconnect. Paths are client paths (chroot removed).

import ZooKeeperProtocol

/// Identifies one watch handed to the caller (one stream).
typealias WatcherID = Int

/// Apache keeps five maps; a registration lives in exactly one of them.
enum WatchKind: Sendable, Hashable, CaseIterable {
    /// getData, or exists on a node that exists.
    case data
    /// exists on a node that does not exist (yet).
    case exist
    /// getChildren.
    case child
    /// addWatch(.persistent): the node's data and children, until removed.
    case persistent
    /// addWatch(.persistentRecursive): the node and every descendant.
    case persistentRecursive

    var isPersistent: Bool { self == .persistent || self == .persistentRecursive }
}

struct WatchRegistry: Sendable {
    struct Registration: Sendable, Hashable {
        var kind: WatchKind
        var path: String
    }

    /// A watcher an event goes to, and whether that was its last event.
    struct Delivery: Sendable, Hashable {
        var watcher: WatcherID
        var isFinal: Bool
    }

    /// Apache's SET_WATCHES_MAX_LENGTH: path characters per SetWatches frame,
    /// so re-registering many watches never exceeds the server's jute.maxbuffer.
    static let setWatchesMaxPathCharacters = 128 * 1024

    private var watchers: [WatchKind: [String: Set<WatcherID>]] = [:]
    private var registrations: [WatcherID: Registration] = [:]

    var isEmpty: Bool { registrations.isEmpty }
    var count: Int { registrations.count }

    func registration(of watcher: WatcherID) -> Registration? {
        registrations[watcher]
    }

    mutating func add(_ watcher: WatcherID, _ kind: WatchKind, path: String) {
        remove(watcher)
        registrations[watcher] = Registration(kind: kind, path: path)
        watchers[kind, default: [:]][path, default: []].insert(watcher)
    }

    @discardableResult
    mutating func remove(_ watcher: WatcherID) -> Registration? {
        guard let registration = registrations.removeValue(forKey: watcher) else { return nil }
        watchers[registration.kind]?[registration.path]?.remove(watcher)
        if watchers[registration.kind]?[registration.path]?.isEmpty == true {
            watchers[registration.kind]?[registration.path] = nil
        }
        return registration
    }

    /// Whether any registration of any kind remains on `path`.
    func hasWatchers(on path: String) -> Bool {
        WatchKind.allCases.contains { watchers[$0]?[path]?.isEmpty == false }
    }

    /// Everyone an event reaches (Apache's ZKWatchManager.materialize). One-shot
    /// registrations are consumed; persistent ones stay.
    mutating func materialize(_ type: WatcherEventType, path: String) -> [Delivery] {
        var oneShot: Set<WatcherID> = []
        switch type {
        case .nodeDataChanged, .nodeCreated:
            oneShot.formUnion(take(.data, path))
            oneShot.formUnion(take(.exist, path))
        case .nodeChildrenChanged:
            oneShot.formUnion(take(.child, path))
        case .nodeDeleted:
            oneShot.formUnion(take(.data, path))
            // Apache also fires exist watches here ("shouldn't happen", but a
            // watch set just before a delete can race into this).
            oneShot.formUnion(take(.exist, path))
            oneShot.formUnion(take(.child, path))
        case .none, .dataWatchRemoved, .childWatchRemoved, .persistentWatchRemoved:
            // Not node events: the server does not send them for a path.
            return []
        }
        var persistent = watchers[.persistent]?[path] ?? []
        // A recursive watch promises no child events, even though the server
        // sends NodeChildrenChanged for standard child watches on descendants.
        if type != .nodeChildrenChanged {
            for ancestor in Self.selfAndAncestors(of: path) {
                persistent.formUnion(watchers[.persistentRecursive]?[ancestor] ?? [])
            }
        }
        var deliveries = oneShot.sorted().map { Delivery(watcher: $0, isFinal: true) }
        deliveries += persistent.subtracting(oneShot).sorted().map { Delivery(watcher: $0, isFinal: false) }
        return deliveries
    }

    /// removeWatches: `.data` takes data and exist watches, `.children` child
    /// watches; persistent ones watch both, so either type takes them, as in
    /// Apache's ZKWatchManager.removeWatcher. Returns the removed watchers.
    mutating func removeWatchers(on path: String, type: WatcherType) -> [WatcherID] {
        let kinds: [WatchKind]
        switch type {
        case .data: kinds = [.data, .exist, .persistent, .persistentRecursive]
        case .children: kinds = [.child, .persistent, .persistentRecursive]
        case .any: kinds = WatchKind.allCases
        }
        var removed: [WatcherID] = []
        for kind in kinds { removed += take(kind, path).sorted() }
        return removed
    }

    mutating func removeAll() -> [WatcherID] {
        let all = registrations.keys.sorted()
        registrations = [:]
        watchers = [:]
        return all
    }

    /// The SetWatches (or, with persistent watches, SetWatches2) frames that
    /// restore every registration on a new connection, in batches of about
    /// `maxPathCharacters`. Paths are given to the server through `serverPath`.
    func restoreRequests(
        relativeZxid: Int64, serverPath: (String) -> String, maxPathCharacters: Int = setWatchesMaxPathCharacters
    ) -> [ClientRequest] {
        var queue: [(WatchKind, String)] = []
        for kind in [WatchKind.data, .exist, .child, .persistent, .persistentRecursive] {
            for path in (watchers[kind] ?? [:]).filter({ !$0.value.isEmpty }).keys.sorted() {
                queue.append((kind, serverPath(path)))
            }
        }
        var requests: [ClientRequest] = []
        var index = 0
        while index < queue.count {
            var batch: [WatchKind: [String]] = [:]
            var batchLength = 0
            // Like Apache, the last path may take a batch a little over the limit.
            while index < queue.count && batchLength < maxPathCharacters {
                let (kind, path) = queue[index]
                batch[kind, default: []].append(path)
                batchLength += path.count
                index += 1
            }
            let persistent = batch[.persistent] ?? []
            let recursive = batch[.persistentRecursive] ?? []
            if persistent.isEmpty && recursive.isEmpty {
                // Older servers only know SetWatches; use it when it suffices.
                requests.append(.setWatches(SetWatches(
                    relativeZxid: relativeZxid, dataWatches: batch[.data] ?? [], existWatches: batch[.exist] ?? [],
                    childWatches: batch[.child] ?? [])))
            } else {
                requests.append(.setWatches2(SetWatches2(
                    relativeZxid: relativeZxid, dataWatches: batch[.data] ?? [], existWatches: batch[.exist] ?? [],
                    childWatches: batch[.child] ?? [], persistentWatches: persistent, persistentRecursiveWatches: recursive)))
            }
        }
        return requests
    }

    private mutating func take(_ kind: WatchKind, _ path: String) -> Set<WatcherID> {
        guard let taken = watchers[kind]?.removeValue(forKey: path) else { return [] }
        for watcher in taken { registrations[watcher] = nil }
        return taken
    }

    /// "/a/b" → ["/a/b", "/a", "/"].
    static func selfAndAncestors(of path: String) -> [String] {
        var result = [path]
        var current = Substring(path)
        while current != "/" {
            guard let slash = current.lastIndex(of: "/") else { break }
            current = slash == current.startIndex ? "/" : current[..<slash]
            result.append(String(current))
        }
        return result
    }
}
