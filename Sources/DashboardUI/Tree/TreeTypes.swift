/// The tree view's requests to the ZooKeeper client, the answers, and the
/// plain records they carry. DashboardUI does not depend on the protocol
/// module: `TreeStat` and `TreeACLEntry` mirror its `Stat` and `ACL`, and
/// DashboardIO converts. (See "Tree view" in docs/dashboard.md.)

/// A znode's Stat, as ZooKeeper returns it.
public struct TreeStat: Sendable, Equatable {
    public var czxid: Int64
    public var mzxid: Int64
    public var pzxid: Int64
    /// ms since 1970.
    public var ctime: Int64
    public var mtime: Int64
    public var version: Int32
    public var cversion: Int32
    public var aversion: Int32
    public var ephemeralOwner: Int64
    public var dataLength: Int32
    public var numChildren: Int32

    public init(
        czxid: Int64 = 0, mzxid: Int64 = 0, pzxid: Int64 = 0, ctime: Int64 = 0, mtime: Int64 = 0,
        version: Int32 = 0, cversion: Int32 = 0, aversion: Int32 = 0, ephemeralOwner: Int64 = 0,
        dataLength: Int32 = 0, numChildren: Int32 = 0
    ) {
        self.czxid = czxid
        self.mzxid = mzxid
        self.pzxid = pzxid
        self.ctime = ctime
        self.mtime = mtime
        self.version = version
        self.cversion = cversion
        self.aversion = aversion
        self.ephemeralOwner = ephemeralOwner
        self.dataLength = dataLength
        self.numChildren = numChildren
    }

    /// Apache marks a container with ephemeralOwner = Long.MIN_VALUE and a TTL
    /// node with 0xFF in the top byte; any other non-zero owner is a session.
    public var isContainer: Bool { ephemeralOwner == Int64.min }
    public var isTTL: Bool { !isContainer && (UInt64(bitPattern: ephemeralOwner) >> 56) == 0xFF }
    public var isEphemeral: Bool { ephemeralOwner != 0 && !isContainer && !isTTL }
}

/// One ACL entry: permission bits (Apache's r=1 w=2 c=4 d=8 a=16), scheme and id.
public struct TreeACLEntry: Sendable, Equatable {
    public var perms: Int32
    public var scheme: String
    public var id: String

    public init(perms: Int32, scheme: String, id: String) {
        self.perms = perms
        self.scheme = scheme
        self.id = id
    }

    /// "cdrwa" order as zkCli prints it, "-" for a missing permission.
    public var permsText: String {
        let letters: [(Int32, Character)] = [(4, "c"), (8, "d"), (1, "r"), (2, "w"), (16, "a")]
        return String(letters.map { perms & $0.0 != 0 ? $0.1 : "-" })
    }
}

/// What the detail pane shows about one node.
public struct NodeDetail: Sendable, Equatable {
    public var path: String
    /// nil for a node created with null data.
    public var data: [UInt8]?
    public var stat: TreeStat
    public var acl: [TreeACLEntry]

    public init(path: String, data: [UInt8]?, stat: TreeStat, acl: [TreeACLEntry]) {
        self.path = path
        self.data = data
        self.stat = stat
        self.acl = acl
    }
}

/// The sessions watching a node, from the `wchp` four-letter word.
public enum WatchersInfo: Sendable, Equatable {
    case sessions([Int64])
    /// Why there is no list ("wchp not whitelisted", "no four-letter-word address").
    case unavailable(String)
}

public enum TreeChangeKind: Sendable, Equatable {
    case created, deleted, dataChanged, childrenChanged
}

/// How the detail pane shows data: from what it is (`DataKind`), `v` (hex)
/// and `p` (JSON pretty or raw).
public enum DataDisplay: Sendable, Equatable {
    case text, prettyJSON, hex
}

/// A request of the tree view to the ZooKeeper client (the shell hands it to
/// DashboardIO's `TreeExecutor.perform` and feeds the answers back).
public enum TreeCommand: Sendable, Equatable {
    /// getChildren: answered by `.children` (names sorted) or `.failed`.
    case listChildren(path: String)
    /// exists for each path (the rows on screen only): answered by one `.stats`.
    case stats(paths: [String])
    /// getData + getACL for the detail pane: `.node` or `.failed`.
    case loadNode(path: String)
    /// The sessions watching the node (`wchp`): `.watchers`.
    case watchers(path: String)
    /// create (persistent unless flagged, open ACL): `.mutationDone` or `.mutationFailed`.
    case create(path: String, data: [UInt8], ephemeral: Bool, sequential: Bool)
    /// setData with the version the detail pane showed.
    case setData(path: String, data: [UInt8], version: Int32)
    /// delete with the version the detail pane showed.
    case delete(path: String, version: Int32)
    /// addAuth (`a`): `.authenticated` or `.authFailed`; the identity is kept
    /// for the sessions that follow (a new session after expiry too).
    case addAuth(scheme: String, credentials: [UInt8])
    /// The session's identities (`whoAmI`): `.identities`.
    case whoAmI
    /// Nodes and data bytes of the subtree (`s`, and before `D`): `.measured` or `.failed`.
    case measure(path: String)
    /// Delete the subtree, children before parents (`D`, confirmed):
    /// `.mutationDone` or `.mutationFailed` saying how far it got.
    case deleteTree(path: String)
    /// `:export FILE`, `:import FILE [--apply]`, `:diff FILE` on the selected
    /// subtree: answered by `.report` (shown in a box) or `.failed`.
    case exportTo(path: String, file: String)
    case importFrom(path: String, file: String, apply: Bool)
    case diffWith(path: String, file: String)
    /// Copy the subtree (data, ACLs) to a path that does not exist; `move`
    /// deletes the source afterwards (`C`, `M`, confirmed).
    case copyTree(from: String, to: String, move: Bool)
}

/// An answer to a `TreeCommand`, or a watch / connection notification.
public enum TreeInput: Sendable, Equatable {
    /// The children of `path` (names, sorted by the executor; sorted here if
    /// not) and the parent's Stat.
    case children(path: String, names: [String], stat: TreeStat?)
    /// A read of `path` failed; `message` is Apache's error name ("NoNode").
    case failed(path: String, message: String)
    /// exists answers: Stat per existing path, and the paths that do not exist.
    case stats([String: TreeStat], missing: [String])
    case node(NodeDetail)
    case watchers(path: String, WatchersInfo)
    /// A watch saw a change.
    case changed(path: String, kind: TreeChangeKind)
    /// A create / set / delete succeeded (`path` is the node it concerned,
    /// e.g. the created path with its sequence number).
    case mutationDone(path: String, message: String)
    case mutationFailed(path: String, message: String)
    /// The node exists but this session may not read it (NoAuth); its ACL
    /// when getACL was allowed (ADMIN without READ), else nil.
    case unreadable(path: String, acl: [TreeACLEntry]?)
    /// A text for a box over the view (`:export`, `:import`, `:diff`).
    case report(title: String, text: String)
    /// `E`: the editor closed with this text for `path` (read at `version`).
    case edited(path: String, data: [UInt8], version: Int32)
    /// The subtree under `path`: its node count (itself included) and data bytes.
    case measured(path: String, nodes: Int, bytes: Int)
    /// "scheme:user" per identity of the session, as whoAmI lists them; nil
    /// when the server has no whoAmI (ZooKeeper before 3.7).
    case identities([String]?)
    /// addAuth answered OK ("digest:bob"): the server took the identity
    /// (a wrong password is taken too: it just matches no ACL).
    case authenticated(String)
    case authFailed(String)
    /// Connection state for the status line; `resync` after a reconnect or a
    /// new session asks for everything shown to be read again.
    case connection(String, resync: Bool)
}
