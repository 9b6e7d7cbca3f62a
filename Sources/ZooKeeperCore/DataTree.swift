import HashTreeCollections
import ZooKeeperProtocol

/// A change that may fire watches: which manager (data or child watches) and
/// what event type, as Apache's DataTree triggers them.
public struct WatchTrigger: Equatable, Sendable {
    public enum Target: Sendable { case data, child }
    public var target: Target
    public var path: String
    public var type: WatcherEventType
}

/// The znode tree: a flat map from absolute path to node, like Apache's
/// DataTree, held in a persistent hash trie so a snapshot is an O(1) copy.
/// Mutations are txn applications only; validation happened in prep.
public struct DataTree: Sendable {
    public internal(set) var nodes: TreeDictionary<String, Znode>
    /// Session id → paths of its ephemeral nodes.
    public private(set) var ephemerals: [Int64: Set<String>] = [:]
    public private(set) var containers: Set<String> = []
    public private(set) var ttlNodes: Set<String> = []
    /// Sum of path lengths (UTF-16 units, as Java's String.length) and data
    /// bytes: Apache's `zk_approximate_data_size`.
    public private(set) var approximateDataSizeBytes: Int = 0
    public var lastProcessedZxid: Int64 = 0
    var acls = ACLInterner()
    /// Paths with a quota (a zookeeper_limits node), for the stats updates.
    var quotas = QuotaPaths()

    public static let zookeeperPath = "/zookeeper"
    public static let quotaPath = "/zookeeper/quota"
    public static let configPath = "/zookeeper/config"

    public init() {
        nodes = [:]
        // The system nodes every Apache 3.5+ server has; /zookeeper/config is
        // read-only to the world (ZOOKEEPER-2014) and its aversion is -1.
        nodes["/"] = Znode(children: ["zookeeper"])
        nodes[DataTree.zookeeperPath] = Znode(children: ["quota", "config"])
        nodes[DataTree.quotaPath] = Znode()
        nodes[DataTree.configPath] = Znode(acl: [ACL(perms: .read, id: .anyone)], aversion: -1)
        approximateDataSizeBytes = nodes.reduce(0) { $0 + $1.key.utf16.count + ($1.value.data?.count ?? 0) }
    }

    /// A quorum member's membership in /zookeeper/config, set outside the
    /// txn log whenever state is loaded, as Apache's initConfigInZKDatabase:
    /// mzxid 0, version -1, mtime now, no watch fires.
    public mutating func installConfig(_ data: [UInt8], nowMs: Int64) {
        guard var node = nodes[DataTree.configPath] else { return }
        approximateDataSizeBytes += data.count - (node.data?.count ?? 0)
        node.data = data
        node.mzxid = 0
        node.mtime = nowMs
        node.version = -1
        nodes[DataTree.configPath] = node
    }

    public var nodeCount: Int { nodes.count }
    public var ephemeralCount: Int { ephemerals.values.reduce(0) { $0 + $1.count } }

    /// Apache stores the root under both "" and "/", so reads of "" see the root.
    public func node(_ path: String) -> Znode? { nodes[path.isEmpty ? "/" : path] }

    // MARK: Txn application

    /// Changes one node, taken out of the trie and stored back, so nothing it
    /// holds (its child set) is shared while it changes and copied along its
    /// path. Not through `TreeDictionary`'s in-place modify accessor: in
    /// swift-collections 1.6 that trips an assertion in `_UnsafePath` (undefined
    /// behaviour in release builds) when a snapshot shares the trie.
    @discardableResult
    mutating func withNode<Result>(_ path: String, _ body: (inout Znode) -> Result) -> Result? {
        guard var node = nodes.removeValue(forKey: path) else { return nil }
        defer { nodes[path] = node }
        return body(&node)
    }

    /// Applies a create. Fails only when the txn does not fit the tree
    /// (replay of an already-applied txn, or a bug).
    public mutating func create(
        path: String, data: [UInt8]?, acl: [ACL], ephemeralOwner: Int64,
        parentCVersion: Int32, zxid: Int64, time: Int64
    ) -> Result<Stat, ErrorCode> {
        let (parentPath, name) = ZnodePath.split(path)
        guard let taken = nodes[parentPath]?.children.contains(name) else { return .failure(.noNode) }
        if taken { return .failure(.nodeExists) }
        withNode(parentPath) { $0.addChild(name, cversion: parentCVersion, zxid: zxid) }
        let child = Znode(
            data: data, acl: acls.retain(acl), czxid: zxid, mzxid: zxid, ctime: time, mtime: time,
            ephemeralOwner: ephemeralOwner, pzxid: zxid
        )
        nodes[path] = child
        approximateDataSizeBytes += path.utf16.count + (data?.count ?? 0)
        track(path, owner: ephemeralOwner)
        quotaAfterCreate(path, data: data)
        return .success(nodes[path]?.stat ?? child.stat)
    }

    public mutating func delete(path: String, zxid: Int64) -> ErrorCode {
        let (parentPath, name) = ZnodePath.split(path)
        guard nodes[parentPath] != nil, let node = nodes.removeValue(forKey: path) else { return .noNode }
        withNode(parentPath) { $0.removeChild(name, zxid: zxid) }
        acls.release(node.acl)
        approximateDataSizeBytes -= path.utf16.count + (node.data?.count ?? 0)
        untrack(path, owner: node.ephemeralOwner)
        quotaAfterDelete(path, oldData: node.data)
        return .ok
    }

    public mutating func setData(path: String, data: [UInt8]?, version: Int32, zxid: Int64, time: Int64) -> Result<Stat, ErrorCode> {
        guard let oldData = withNode(path, { $0.replaceData(data, version: version, zxid: zxid, time: time) }) else {
            return .failure(.noNode)
        }
        approximateDataSizeBytes += (data?.count ?? 0) - (oldData?.count ?? 0)
        quotaAfterSetData(path, oldData: oldData, newData: data)
        return nodes[path].map { .success($0.stat) } ?? .failure(.noNode)
    }

    public mutating func setACL(path: String, acl: [ACL], version: Int32) -> Result<Stat, ErrorCode> {
        guard var node = nodes[path] else { return .failure(.noNode) }
        acls.release(node.acl)
        node.acl = acls.retain(acl)
        node.aversion = version
        nodes[path] = node
        return .success(node.stat)
    }

    /// Triggers for a create, in Apache's order.
    public static func createTriggers(_ path: String) -> [WatchTrigger] {
        [WatchTrigger(target: .data, path: path, type: .nodeCreated),
         WatchTrigger(target: .child, path: ZnodePath.split(path).parent, type: .nodeChildrenChanged)]
    }

    public static func deleteTriggers(_ path: String) -> [WatchTrigger] {
        [WatchTrigger(target: .data, path: path, type: .nodeDeleted),
         WatchTrigger(target: .child, path: path, type: .nodeDeleted),
         WatchTrigger(target: .child, path: ZnodePath.split(path).parent, type: .nodeChildrenChanged)]
    }

    public static func setDataTriggers(_ path: String) -> [WatchTrigger] {
        [WatchTrigger(target: .data, path: path, type: .nodeDataChanged)]
    }

    fileprivate mutating func track(_ path: String, owner: Int64) {
        switch EphemeralKind(owner: owner) {
        case .persistent: break
        case let .ephemeral(sessionId): ephemerals[sessionId, default: []].insert(path)
        case .container: containers.insert(path)
        case .ttl: ttlNodes.insert(path)
        }
    }

    private mutating func untrack(_ path: String, owner: Int64) {
        switch EphemeralKind(owner: owner) {
        case .persistent: break
        case let .ephemeral(sessionId):
            ephemerals[sessionId]?.remove(path)
            if ephemerals[sessionId]?.isEmpty == true { ephemerals[sessionId] = nil }
        case .container: containers.remove(path)
        case .ttl: ttlNodes.remove(path)
        }
    }

    // MARK: Queries

    /// Number of descendants (Apache's getAllChildrenNumber: all nodes below, not counting the node).
    public func descendantCount(of path: String) -> Int {
        guard let node = nodes[path] else { return 0 }
        var count = 0
        var stack: [(String, Znode)] = [(path, node)]
        while let (current, currentNode) = stack.popLast() {
            for name in currentNode.children {
                let childPath = ZnodePath.child(current, name)
                count += 1
                if let child = nodes[childPath], !child.children.isEmpty { stack.append((childPath, child)) }
            }
        }
        return count
    }

    /// Restores a tree from snapshot contents (see `Restorer`); each node's
    /// ACL list is interned here.
    public init(restoring entries: [(String, Znode)], lastProcessedZxid: Int64) {
        var restorer = Restorer(expectedCount: entries.count)
        for (path, node) in entries {
            var stored = node
            stored.acl = restorer.internACL(node.acl)
            restorer.add(path: path, node: stored)
        }
        self = restorer.finish(lastProcessedZxid: lastProcessedZxid)
    }

    /// Builds a tree from snapshot records as they are decoded, straight into
    /// the trie: no array of every (path, node) pair first (two of them cost
    /// ~260 MB and most of the page faults of a 1M-znode load). Snapshots do
    /// not store child lists; they are rebuilt from the paths, so records may
    /// come in any order.
    public struct Restorer {
        private var tree = DataTree(empty: ())
        private var childNames: [String: [String]] = [:]

        public init(expectedCount: Int) {
            childNames.reserveCapacity(max(16, expectedCount / 8))
        }

        /// `node.acl` should already be interned (`internACL`, or
        /// `internACL(_:users:)` once per distinct list).
        public mutating func add(path: String, node: Znode) {
            if path != "/" {
                let (parent, name) = ZnodePath.split(path)
                childNames[parent, default: []].append(name)
            }
            tree.approximateDataSizeBytes += path.utf16.count + (node.data?.count ?? 0)
            tree.track(path, owner: node.ephemeralOwner)
            tree.nodes[path] = node
        }

        /// The shared instance of `acl`, counted as one more user.
        public mutating func internACL(_ acl: [ACL]) -> [ACL] {
            tree.acls.retain(acl)
        }

        /// The shared instance of `acl`, counted as `users` users at once (a
        /// snapshot's ACL table knows how many nodes use each list).
        public mutating func internACL(_ acl: [ACL], users: Int) -> [ACL] {
            tree.acls.retain(acl, users: users)
        }

        public mutating func finish(lastProcessedZxid: Int64) -> DataTree {
            for (parent, names) in childNames {
                tree.withNode(parent) { $0.children = TreeSet(names) }
            }
            childNames = [:]
            tree.lastProcessedZxid = lastProcessedZxid
            tree.setUpQuotas()
            return tree
        }
    }

    /// No nodes at all, not even the system nodes (a restore brings them).
    private init(empty: ()) {
        nodes = [:]
    }
}
