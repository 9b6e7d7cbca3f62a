/// Data watches (getData/exists, including persistent ones) for `wchs`,
/// `wchc` and `wchp`. Apache's reports cover the data-watch table only;
/// child watches appear in mntr's `zk_watch_count` but not here.
public struct WatchSnapshot: Sendable, Equatable {
    /// One watcher's watch on one path.
    public struct Watch: Sendable, Equatable, Hashable {
        public var sessionId: Int64
        public var path: String

        public init(sessionId: Int64, path: String) {
            self.sessionId = sessionId
            self.path = path
        }
    }

    /// All watches, in the order the reports should list them (sessions and
    /// paths are listed in order of first appearance). Duplicates are ignored.
    public var watches: [Watch]

    public init(watches: [Watch]) {
        var seen = Set<Watch>()
        self.watches = watches.filter { seen.insert($0).inserted }
    }

    /// Builds from a session → paths view.
    public init(bySession: [(sessionId: Int64, paths: [String])]) {
        self.init(watches: bySession.flatMap { s in s.paths.map { Watch(sessionId: s.sessionId, path: $0) } })
    }

    /// Sessions with their watched paths (wchc order).
    public var bySession: [(sessionId: Int64, paths: [String])] {
        group(key: \.sessionId, value: \.path)
    }

    /// Paths with their watching sessions (wchp order).
    public var byPath: [(path: String, sessionIds: [Int64])] {
        group(key: \.path, value: \.sessionId)
    }

    private func group<K: Hashable, V>(key: KeyPath<Watch, K>, value: KeyPath<Watch, V>) -> [(K, [V])] {
        var order: [K] = []
        var values: [K: [V]] = [:]
        for w in watches {
            if values[w[keyPath: key]] == nil { order.append(w[keyPath: key]) }
            values[w[keyPath: key], default: []].append(w[keyPath: value])
        }
        return order.map { ($0, values[$0]!) }
    }
}
