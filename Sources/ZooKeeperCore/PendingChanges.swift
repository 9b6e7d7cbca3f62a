import ZooKeeperProtocol

/// What prep knows about a node, including txns prepped but not yet applied
/// (Apache's ChangeRecord). Pipelined writes validate against this view, so a
/// create of /a followed at once by a create of /a/b succeeds before either is
/// on disk.
public struct NodeView: Sendable, Equatable {
    public var version: Int32
    public var cversion: Int32
    public var aversion: Int32
    public var ephemeralOwner: Int64
    public var childCount: Int
    public var acl: [ACL]

    init(_ node: Znode) {
        version = node.version
        cversion = node.cversion
        aversion = node.aversion
        ephemeralOwner = node.ephemeralOwner
        childCount = node.children.count
        acl = node.acl
    }

    init(ephemeralOwner: Int64, acl: [ACL]) {
        version = 0
        cversion = 0
        aversion = 0
        self.ephemeralOwner = ephemeralOwner
        childCount = 0
        self.acl = acl
    }
}

/// Outstanding changes by path; `nil` view means "deleted by a pending txn".
public struct PendingChanges: Sendable {
    struct Record: Sendable {
        var zxid: Int64
        var view: NodeView?
    }

    private(set) var records: [String: Record] = [:]

    public init() {}

    public var isEmpty: Bool { records.isEmpty }

    /// The node as prep must see it: pending change first, then the tree.
    public func view(_ path: String, in tree: DataTree) -> NodeView? {
        if let record = records[path] { return record.view }
        return tree.node(path).map(NodeView.init)
    }

    /// Sets the record for `path`; returns the one it replaced, so that a
    /// failed multi can put it back.
    @discardableResult
    mutating func record(_ path: String, zxid: Int64, view: NodeView?) -> Record? {
        records.updateValue(Record(zxid: zxid, view: view), forKey: path)
    }

    /// Undoes one `record` (a multi's rollback).
    mutating func restore(_ path: String, _ previous: Record?) {
        records[path] = previous
    }

    /// Drops records made by txns up to `zxid` once they are applied to the tree.
    public mutating func applied(upTo zxid: Int64, paths: [String]) {
        for path in paths {
            if let record = records[path], record.zxid <= zxid { records[path] = nil }
        }
    }

    /// Ephemerals a closing session owns, counting pending creates and deletes
    /// (Apache's closeSession prep).
    func ephemerals(of sessionId: Int64, in tree: DataTree) -> [String] {
        var paths = tree.ephemerals[sessionId] ?? []
        for (path, record) in records {
            if let view = record.view {
                if view.ephemeralOwner == sessionId { paths.insert(path) }
            } else {
                paths.remove(path)
            }
        }
        return paths.sorted()
    }
}
