/// Apache's quota bookkeeping: `setquota` creates
/// `/zookeeper/quota<path>/zookeeper_limits` and `.../zookeeper_stats`; from
/// then on every create, delete and setData under `<path>` updates the stats
/// node's "count=N,bytes=M" in place (no version change), so `listquota`
/// shows live figures. Limits are not enforced (Apache only logs by default).
struct QuotaPaths: Sendable {
    static let quotaRoot = DataTree.quotaPath
    static let limitNode = "zookeeper_limits"
    static let statNode = "zookeeper_stats"

    private(set) var paths: Set<String> = []

    mutating func insert(_ path: String) { paths.insert(path) }
    mutating func remove(_ path: String) { paths.remove(path) }

    /// The longest quota'd path that is `path` or one of its ancestors (never
    /// the root), as Apache's PathTrie.findMaxPrefix.
    func maxPrefix(of path: String) -> String? {
        guard !paths.isEmpty else { return nil }
        var current = path
        while current != "/" && !current.isEmpty {
            if paths.contains(current) { return current }
            current = ZnodePath.split(current).parent
        }
        return nil
    }

    static func statPath(_ path: String) -> String { quotaRoot + path + "/" + statNode }
    /// "/zookeeper/quota/a/b" → "/a/b"
    static func trim(_ quotaPath: String) -> String { String(quotaPath.dropFirst(quotaRoot.count)) }
}

/// "count=3,bytes=10" plus any other keys Apache's StatsTrack keeps.
struct StatsTrack {
    var count: Int64 = -1
    var bytes: Int64 = -1
    var others: [(String, Int64)] = []

    init(count: Int64, bytes: Int64) {
        self.count = count
        self.bytes = bytes
    }

    init(_ data: [UInt8]?) {
        let text = String(decoding: data ?? [], as: UTF8.self)
        for pair in text.split(whereSeparator: { $0 == "," || $0 == ";" }) {
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count >= 2 else { continue }
            let value = Int64(parts[1]) ?? -1
            switch parts[0] {
            case "count": count = value
            case "bytes": bytes = value
            default: others.append((String(parts[0]), value))
            }
        }
    }

    var bytesValue: [UInt8] {
        var text = "count=\(count),bytes=\(bytes)"
        if !others.isEmpty {
            // Apache adds "=" so old parsers ignore the newer keys.
            text += "="
            for (key, value) in others.sorted(by: { $0.0 < $1.0 }) { text += ";\(key)=\(value)" }
        }
        return Array(text.utf8)
    }
}

extension DataTree {
    /// Called after a node was created.
    mutating func quotaAfterCreate(_ path: String, data: [UInt8]?) {
        let (parent, name) = ZnodePath.split(path)
        if parent.hasPrefix(QuotaPaths.quotaRoot) {
            if name == QuotaPaths.limitNode { quotas.insert(QuotaPaths.trim(parent)) }
            if name == QuotaPaths.statNode { recomputeQuota(for: QuotaPaths.trim(parent)) }
        }
        adjustQuota(for: path, countDelta: 1, bytesDelta: Int64(data?.count ?? 0))
    }

    /// Called after a node was deleted.
    mutating func quotaAfterDelete(_ path: String, oldData: [UInt8]?) {
        let (parent, name) = ZnodePath.split(path)
        if parent.hasPrefix(DataTree.zookeeperPath) && name == QuotaPaths.limitNode {
            quotas.remove(QuotaPaths.trim(parent))
        }
        adjustQuota(for: path, countDelta: -1, bytesDelta: -Int64(oldData?.count ?? 0))
    }

    mutating func quotaAfterSetData(_ path: String, oldData: [UInt8]?, newData: [UInt8]?) {
        adjustQuota(for: path, countDelta: 0, bytesDelta: Int64(newData?.count ?? 0) - Int64(oldData?.count ?? 0))
    }

    private mutating func adjustQuota(for path: String, countDelta: Int64, bytesDelta: Int64) {
        guard let prefix = quotas.maxPrefix(of: path) else { return }
        let statPath = QuotaPaths.statPath(prefix)
        guard let node = nodes[statPath] else { return }
        var stats = StatsTrack(node.data)
        stats.count += countDelta
        stats.bytes += bytesDelta
        withNode(statPath) { $0.data = stats.bytesValue }
    }

    /// Apache's updateQuotaForPath: count and bytes of the whole subtree.
    mutating func recomputeQuota(for path: String) {
        guard nodes[QuotaPaths.statPath(path)] != nil else { return }
        var count: Int64 = 0
        var bytes: Int64 = 0
        var stack = [path]
        while let current = stack.popLast() {
            guard let node = nodes[current] else { continue }
            count += 1
            bytes += Int64(node.data?.count ?? 0)
            for child in node.children { stack.append(ZnodePath.child(current, child)) }
        }
        withNode(QuotaPaths.statPath(path)) { $0.data = StatsTrack(count: count, bytes: bytes).bytesValue }
    }

    /// After a restore: find every limit node and recompute its stats (Apache's setupQuota).
    /// Walks only the /zookeeper/quota subtree (a scan of every path cost
    /// 7 % of loading a 1M-znode snapshot).
    mutating func setUpQuotas() {
        var stack = [QuotaPaths.quotaRoot]
        while let current = stack.popLast() {
            guard let node = nodes[current] else { continue }
            for child in node.children {
                let childPath = ZnodePath.child(current, child)
                if child == QuotaPaths.limitNode {
                    quotas.insert(QuotaPaths.trim(current))
                } else {
                    stack.append(childPath)
                }
            }
        }
        for path in quotas.paths { recomputeQuota(for: path) }
    }
}
