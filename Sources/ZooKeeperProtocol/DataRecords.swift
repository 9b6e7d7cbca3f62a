// Records from zookeeper.jute's `org.apache.zookeeper.data` module.

/// Permission bits (ZooDefs.Perms).
public struct Perms: OptionSet, Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let read = Perms(rawValue: 1 << 0)
    public static let write = Perms(rawValue: 1 << 1)
    public static let create = Perms(rawValue: 1 << 2)
    public static let delete = Perms(rawValue: 1 << 3)
    public static let admin = Perms(rawValue: 1 << 4)
    public static let all: Perms = [.read, .write, .create, .delete, .admin]
}

/// An identity: scheme ("world", "auth", "digest", "ip", "super") and id.
public struct Id: JuteRecord, Hashable {
    public var scheme: String
    public var id: String
    public init(scheme: String, id: String) { self.scheme = scheme; self.id = id }
    public init(from reader: inout JuteReader) throws {
        scheme = try reader.readNonNullString()
        id = try reader.readNonNullString()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(scheme)
        writer.writeString(id)
    }
    public static let anyone = Id(scheme: "world", id: "anyone")
}

public struct ACL: JuteRecord, Hashable {
    public var perms: Perms
    public var id: Id
    public init(perms: Perms, id: Id) { self.perms = perms; self.id = id }
    public init(from reader: inout JuteReader) throws {
        perms = Perms(rawValue: try reader.readInt())
        id = try reader.read()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeInt(perms.rawValue)
        writer.write(id)
    }
    /// ZooDefs.Ids.OPEN_ACL_UNSAFE
    public static let openUnsafe = [ACL(perms: .all, id: .anyone)]
}

/// A znode's metadata as clients see it.
public struct Stat: JuteRecord, Hashable {
    public var czxid: Int64 = 0
    public var mzxid: Int64 = 0
    public var ctime: Int64 = 0
    public var mtime: Int64 = 0
    public var version: Int32 = 0
    public var cversion: Int32 = 0
    public var aversion: Int32 = 0
    public var ephemeralOwner: Int64 = 0
    public var dataLength: Int32 = 0
    public var numChildren: Int32 = 0
    public var pzxid: Int64 = 0

    public init() {}

    public init(from reader: inout JuteReader) throws {
        czxid = try reader.readLong()
        mzxid = try reader.readLong()
        ctime = try reader.readLong()
        mtime = try reader.readLong()
        version = try reader.readInt()
        cversion = try reader.readInt()
        aversion = try reader.readInt()
        ephemeralOwner = try reader.readLong()
        dataLength = try reader.readInt()
        numChildren = try reader.readInt()
        pzxid = try reader.readLong()
    }

    public func encode(to writer: inout JuteWriter) {
        writer.writeLong(czxid)
        writer.writeLong(mzxid)
        writer.writeLong(ctime)
        writer.writeLong(mtime)
        writer.writeInt(version)
        writer.writeInt(cversion)
        writer.writeInt(aversion)
        writer.writeLong(ephemeralOwner)
        writer.writeInt(dataLength)
        writer.writeInt(numChildren)
        writer.writeLong(pzxid)
    }
}

/// One authenticated identity of a session, as whoAmI reports it.
public struct ClientInfo: JuteRecord, Hashable {
    public var authScheme: String
    public var user: String
    public init(authScheme: String = "", user: String = "") { self.authScheme = authScheme; self.user = user }
    public init(from reader: inout JuteReader) throws {
        authScheme = try reader.readNonNullString()
        user = try reader.readNonNullString()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(authScheme)
        writer.writeString(user)
    }
}
