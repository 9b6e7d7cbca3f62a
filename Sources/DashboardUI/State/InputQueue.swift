import EnsembleModel

/// The inputs waiting for the dashboard's thread (poll rounds, tree answers,
/// the demo's news), bounded. When the thread that draws falls behind (a
/// stopped terminal, a slow link), nothing grows without limit and nothing is
/// silently lost:
/// - poll rounds coalesce: only the newest model is kept, with every new
///   event listed (the model keeps its own bounded event log);
/// - past `capacity`, tree answers and notifications are dropped for one
///   `resync` marker: the tree reads everything it shows again;
/// - then the oldest demo news goes, counted in one event that says so.
/// Pure; the shell wraps it in a lock.
public struct InputQueue: Sendable {
    public let capacity: Int
    public private(set) var items: [DashboardInput] = []
    /// Inputs dropped at the bound since the queue was made (for tests and logs).
    public private(set) var droppedCount = 0
    /// Where the newest poll round sits, to coalesce the next one into it.
    private var clusterIndex: Int?

    public init(capacity: Int = 4096) {
        precondition(capacity >= 4, "the queue keeps a round, a resync marker and news: at least 4")
        self.capacity = capacity
    }

    public var count: Int { items.count }

    public mutating func post(_ input: DashboardInput) {
        if case .cluster(let model, let newEvents) = input, let index = clusterIndex,
           case .cluster(_, let earlier) = items[index] {
            items[index] = .cluster(model, newEvents: earlier + newEvents)
            return
        }
        if case .cluster = input { clusterIndex = items.count }
        items.append(input)
        if items.count > capacity { shed() }
        assert(items.count <= capacity, "input queue above its bound")
    }

    public mutating func drain() -> [DashboardInput] {
        defer {
            items.removeAll(keepingCapacity: true)
            clusterIndex = nil
        }
        return items
    }

    private mutating func shed() {
        let before = items.count
        var kept: [DashboardInput] = []
        var treeDropped = false
        // Inputs that state "the current value": only the newest of each kind matters.
        var latestOfKind: [String: Int] = [:]
        for item in items {
            if case .tree = item {
                treeDropped = true
                continue
            }
            if let kind = Self.snapshotKind(item) {
                if let earlier = latestOfKind[kind] { kept[earlier] = item } else {
                    latestOfKind[kind] = kept.count
                    kept.append(item)
                }
                continue
            }
            kept.append(item)
        }
        if treeDropped {
            kept.append(.tree(.connection("the dashboard fell behind; reading the tree again", resync: true)))
        }
        if kept.count > capacity {
            // Oldest demo news first; one line says how many went.
            var excess = kept.count - capacity + 1
            var lost = 0
            var latestTimeMs: Int64 = 0
            kept = kept.filter { item in
                guard excess > 0, case .demo(.event(let event)) = item else { return true }
                excess -= 1
                lost += 1
                latestTimeMs = max(latestTimeMs, event.timeMs)
                return false
            }
            if lost > 0 {
                kept.append(.demo(.event(DemoEvent(timeMs: latestTimeMs, kind: .process,
                                                   text: "\(lost) demo event(s) dropped: the dashboard fell behind",
                                                   isProblem: true))))
            }
        }
        if kept.count > capacity { kept = Array(kept.suffix(capacity)) }
        droppedCount += before - kept.count
        items = kept
        clusterIndex = items.lastIndex { if case .cluster = $0 { true } else { false } }
    }

    private static func snapshotKind(_ input: DashboardInput) -> String? {
        switch input {
        case .cluster: "cluster"
        case .resize: "resize"
        case .tick: "tick"
        case .demo(.nodes): "nodes"
        case .demo(.load): "load"
        default: nil
        }
    }
}
