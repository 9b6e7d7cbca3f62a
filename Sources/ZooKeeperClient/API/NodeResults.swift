import ZooKeeperProtocol

extension ZooKeeperClient {
    /// create's answer: the path as created (with a sequence suffix for
    /// sequential modes) and the new node's Stat.
    public struct CreatedNode: Sendable, Hashable {
        public var path: String
        public var stat: Stat
    }

    /// getData's answer. `data` is nil for a node created with null data.
    public struct NodeData: Sendable {
        public var data: [UInt8]?
        public var stat: Stat
        /// Present when asked for with `watch: true`.
        public var watch: OneShotWatch?
    }

    /// getChildren's answer: child names (not paths), in the server's order.
    public struct NodeChildren: Sendable {
        public var children: [String]
        public var stat: Stat
        /// Present when asked for with `watch: true`.
        public var watch: OneShotWatch?
    }

    /// exists(watch:)'s answer: the Stat, or nil when the node does not exist.
    /// The watch fires on creation, change or deletion.
    public struct NodeExistence: Sendable {
        public var stat: Stat?
        public var watch: OneShotWatch?
    }

    /// getACL's answer.
    public struct NodeACL: Sendable, Hashable {
        public var acl: [ACL]
        public var stat: Stat
    }
}

/// ACL lists Apache's ZooDefs.Ids offers besides `ACL.openUnsafe`.
public enum StandardACL {
    /// Everything, for the identities the creating session authenticated with
    /// (scheme "auth"); the server refuses it from a session without any.
    public static let creatorAll = [ACL(perms: .all, id: Id(scheme: "auth", id: ""))]
    /// Anyone may read.
    public static let readUnsafe = [ACL(perms: .read, id: .anyone)]
}
