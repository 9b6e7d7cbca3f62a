import HashTreeCollections
import ZooKeeperProtocol

/// One node of the tree. Children are a persistent set so that a snapshot copy
/// shares them with the live tree until either side changes.
public struct Znode: Sendable, Equatable {
    /// Nil when a client wrote a null buffer: Apache keeps null and returns
    /// it (zkCli prints "null"), distinct from empty data.
    public var data: [UInt8]?
    public var acl: [ACL]
    public var czxid: Int64
    public var mzxid: Int64
    public var ctime: Int64
    public var mtime: Int64
    public var version: Int32
    public var cversion: Int32
    public var aversion: Int32
    public var ephemeralOwner: Int64
    public var pzxid: Int64
    public var children: TreeSet<String>

    public init(
        data: [UInt8]? = [], acl: [ACL] = ACL.openUnsafe, czxid: Int64 = 0, mzxid: Int64 = 0,
        ctime: Int64 = 0, mtime: Int64 = 0, version: Int32 = 0, cversion: Int32 = 0, aversion: Int32 = 0,
        ephemeralOwner: Int64 = 0, pzxid: Int64 = 0, children: TreeSet<String> = []
    ) {
        self.data = data
        self.acl = acl
        self.czxid = czxid
        self.mzxid = mzxid
        self.ctime = ctime
        self.mtime = mtime
        self.version = version
        self.cversion = cversion
        self.aversion = aversion
        self.ephemeralOwner = ephemeralOwner
        self.pzxid = pzxid
        self.children = children
    }

    public var stat: Stat {
        var stat = Stat()
        stat.czxid = czxid
        stat.mzxid = mzxid
        stat.ctime = ctime
        stat.mtime = mtime
        stat.version = version
        // Stored cversion counts child creates; clients see creates plus
        // deletes, which is 2 * creates - children (Apache's copyStat).
        stat.cversion = cversion &* 2 &- Int32(children.count)
        stat.aversion = aversion
        // Containers and TTL nodes report no owner, as Apache's getClientEphemeralOwner.
        if case .ephemeral = kind { stat.ephemeralOwner = ephemeralOwner }
        stat.dataLength = Int32(data?.count ?? 0)
        stat.numChildren = Int32(children.count)
        stat.pzxid = pzxid
        return stat
    }

    public var kind: EphemeralKind { EphemeralKind(owner: ephemeralOwner) }

    // Mutations the tree applies to a node it holds alone (`DataTree.withNode`).

    /// A child created by the txn `zxid`. Apache only moves cversion forward
    /// (-1 means "one more"): replaying a create over a fuzzy snapshot must
    /// not rewind it.
    mutating func addChild(_ name: String, cversion requested: Int32, zxid: Int64) {
        let next = requested == -1 ? cversion + 1 : requested
        if next > cversion {
            cversion = next
            pzxid = zxid
        }
        children.insert(name)
    }

    mutating func removeChild(_ name: String, zxid: Int64) {
        children.remove(name)
        if zxid > pzxid { pzxid = zxid }
    }

    /// Sets the data of a setData txn; returns the data it replaced.
    mutating func replaceData(_ newData: [UInt8]?, version: Int32, zxid: Int64, time: Int64) -> [UInt8]? {
        let old = data
        data = newData
        self.version = version
        mzxid = zxid
        mtime = time
        return old
    }
}

/// What `ephemeralOwner` encodes (Apache's EphemeralType): a session id, a
/// container marker, or a TTL in the low bits under a 0xFF high byte.
public enum EphemeralKind: Equatable, Sendable {
    case persistent
    case ephemeral(sessionId: Int64)
    case container
    case ttl(milliseconds: Int64)

    public static let containerOwner = Int64.min
    /// Apache's `zookeeper.extendedTypesEnabled` (off by default): only then is
    /// a 0xFF high byte a TTL marker rather than part of a session id (server
    /// id 255 makes such session ids).
    public static let extendedTypesEnabled = false
    public static let ttlMask: Int64 = 0x00FF_FFFF_FFFF_FFFF

    public init(owner: Int64) {
        if owner == 0 {
            self = .persistent
        } else if owner == EphemeralKind.containerOwner {
            self = .container
        } else if EphemeralKind.extendedTypesEnabled && UInt64(bitPattern: owner) >> 56 == 0xFF {
            self = .ttl(milliseconds: owner & EphemeralKind.ttlMask)
        } else {
            self = .ephemeral(sessionId: owner)
        }
    }

    public static func ttlOwner(_ milliseconds: Int64) -> Int64 {
        Int64(bitPattern: 0xFF00_0000_0000_0000) | (milliseconds & ttlMask)
    }
}
