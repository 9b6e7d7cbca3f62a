// Request bodies from zookeeper.jute's `org.apache.zookeeper.proto` module, in
// wire order. Each follows a RequestHeader whose type selects the record (see
// ClientRequest). Null strings, buffers and vectors decode as empty values, as
// Apache's server treats them on use.

/// CreateMode flags carried in CreateRequest.flags.
public enum CreateMode: Int32, Sendable, CaseIterable {
    case persistent = 0
    case ephemeral = 1
    case persistentSequential = 2
    case ephemeralSequential = 3
    case container = 4
    case persistentWithTTL = 5
    case persistentSequentialWithTTL = 6

    public var isEphemeral: Bool { self == .ephemeral || self == .ephemeralSequential }
    public var isSequential: Bool {
        self == .persistentSequential || self == .ephemeralSequential || self == .persistentSequentialWithTTL
    }
    public var isContainer: Bool { self == .container }
    public var isTTL: Bool { self == .persistentWithTTL || self == .persistentSequentialWithTTL }
}

/// AddWatchRequest.mode.
public enum AddWatchMode: Int32, Sendable, CaseIterable {
    case persistent = 0
    case persistentRecursive = 1
}

/// CheckWatchesRequest.type / RemoveWatchesRequest.type (Watcher.WatcherType).
public enum WatcherType: Int32, Sendable, CaseIterable {
    case children = 1
    case data = 2
    case any = 3
}

/// create, create2 and createContainer bodies.
public struct CreateRequest: JuteRecord, Hashable {
    public var path: String
    public var data: [UInt8]?
    public var acl: [ACL]
    public var flags: Int32
    public init(path: String = "", data: [UInt8]? = [], acl: [ACL] = ACL.openUnsafe, flags: Int32 = 0) {
        self.path = path
        self.data = data
        self.acl = acl
        self.flags = flags
    }
    public init(path: String, data: [UInt8]? = [], acl: [ACL] = ACL.openUnsafe, mode: CreateMode) {
        self.init(path: path, data: data, acl: acl, flags: mode.rawValue)
    }
    /// nil when the flags are not a known CreateMode (Apache answers badArguments).
    public var mode: CreateMode? { CreateMode(rawValue: flags) }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        data = try reader.readBuffer()
        acl = try reader.readRecords() ?? []
        flags = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeBuffer(data)
        writer.writeRecords(acl)
        writer.writeInt(flags)
    }
}

/// createTTL body: CreateRequest plus a ttl in milliseconds.
public struct CreateTTLRequest: JuteRecord, Hashable {
    public var path: String
    public var data: [UInt8]?
    public var acl: [ACL]
    public var flags: Int32
    public var ttl: Int64
    public init(path: String = "", data: [UInt8]? = [], acl: [ACL] = ACL.openUnsafe, flags: Int32 = CreateMode.persistentWithTTL.rawValue, ttl: Int64 = 0) {
        self.path = path
        self.data = data
        self.acl = acl
        self.flags = flags
        self.ttl = ttl
    }
    public var mode: CreateMode? { CreateMode(rawValue: flags) }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        data = try reader.readBuffer()
        acl = try reader.readRecords() ?? []
        flags = try reader.readInt()
        ttl = try reader.readLong()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeBuffer(data)
        writer.writeRecords(acl)
        writer.writeInt(flags)
        writer.writeLong(ttl)
    }
}

/// delete body; version -1 matches any version.
public struct DeleteRequest: JuteRecord, Hashable {
    public var path: String
    public var version: Int32
    public init(path: String = "", version: Int32 = -1) { self.path = path; self.version = version }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        version = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeInt(version)
    }
}

public struct ExistsRequest: JuteRecord, Hashable {
    public var path: String
    public var watch: Bool
    public init(path: String = "", watch: Bool = false) { self.path = path; self.watch = watch }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        watch = try reader.readBool()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeBool(watch)
    }
}

public struct GetDataRequest: JuteRecord, Hashable {
    public var path: String
    public var watch: Bool
    public init(path: String = "", watch: Bool = false) { self.path = path; self.watch = watch }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        watch = try reader.readBool()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeBool(watch)
    }
}

/// setData body; version -1 matches any version.
public struct SetDataRequest: JuteRecord, Hashable {
    public var path: String
    public var data: [UInt8]?
    public var version: Int32
    public init(path: String = "", data: [UInt8]? = [], version: Int32 = -1) {
        self.path = path
        self.data = data
        self.version = version
    }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        data = try reader.readBuffer()
        version = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeBuffer(data)
        writer.writeInt(version)
    }
}

/// Dynamic reconfiguration. The three server lists are null (not empty) when
/// unused, so they stay optional to re-encode exactly.
public struct ReconfigRequest: JuteRecord, Hashable {
    public var joiningServers: String?
    public var leavingServers: String?
    public var newMembers: String?
    public var curConfigId: Int64
    public init(joiningServers: String? = nil, leavingServers: String? = nil, newMembers: String? = nil, curConfigId: Int64 = -1) {
        self.joiningServers = joiningServers
        self.leavingServers = leavingServers
        self.newMembers = newMembers
        self.curConfigId = curConfigId
    }
    public init(from reader: inout JuteReader) throws {
        joiningServers = try reader.readString()
        leavingServers = try reader.readString()
        newMembers = try reader.readString()
        curConfigId = try reader.readLong()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(joiningServers)
        writer.writeString(leavingServers)
        writer.writeString(newMembers)
        writer.writeLong(curConfigId)
    }
}

public struct GetACLRequest: JuteRecord, Hashable {
    public var path: String
    public init(path: String = "") { self.path = path }
    public init(from reader: inout JuteReader) throws { path = try reader.readNonNullString() }
    public func encode(to writer: inout JuteWriter) { writer.writeString(path) }
}

/// setACL body; version is the expected aversion, -1 for any.
public struct SetACLRequest: JuteRecord, Hashable {
    public var path: String
    public var acl: [ACL]
    public var version: Int32
    public init(path: String = "", acl: [ACL] = ACL.openUnsafe, version: Int32 = -1) {
        self.path = path
        self.acl = acl
        self.version = version
    }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        acl = try reader.readRecords() ?? []
        version = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeRecords(acl)
        writer.writeInt(version)
    }
}

public struct GetChildrenRequest: JuteRecord, Hashable {
    public var path: String
    public var watch: Bool
    public init(path: String = "", watch: Bool = false) { self.path = path; self.watch = watch }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        watch = try reader.readBool()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeBool(watch)
    }
}

/// Same wire shape as GetChildrenRequest; the reply also carries the parent's Stat.
public struct GetChildren2Request: JuteRecord, Hashable {
    public var path: String
    public var watch: Bool
    public init(path: String = "", watch: Bool = false) { self.path = path; self.watch = watch }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        watch = try reader.readBool()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeBool(watch)
    }
}

public struct GetAllChildrenNumberRequest: JuteRecord, Hashable {
    public var path: String
    public init(path: String = "") { self.path = path }
    public init(from reader: inout JuteReader) throws { path = try reader.readNonNullString() }
    public func encode(to writer: inout JuteWriter) { writer.writeString(path) }
}

/// Only valid inside a multi (a standalone check opcode is refused by Apache).
public struct CheckVersionRequest: JuteRecord, Hashable {
    public var path: String
    public var version: Int32
    public init(path: String = "", version: Int32 = -1) { self.path = path; self.version = version }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        version = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeInt(version)
    }
}

/// Legacy quota record; no opcode uses it any more.
public struct GetMaxChildrenRequest: JuteRecord, Hashable {
    public var path: String
    public init(path: String = "") { self.path = path }
    public init(from reader: inout JuteReader) throws { path = try reader.readNonNullString() }
    public func encode(to writer: inout JuteWriter) { writer.writeString(path) }
}

/// Legacy quota record; no opcode uses it any more.
public struct SetMaxChildrenRequest: JuteRecord, Hashable {
    public var path: String
    public var max: Int32
    public init(path: String = "", max: Int32 = 0) { self.path = path; self.max = max }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        max = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeInt(max)
    }
}

public struct SyncRequest: JuteRecord, Hashable {
    public var path: String
    public init(path: String = "") { self.path = path }
    public init(from reader: inout JuteReader) throws { path = try reader.readNonNullString() }
    public func encode(to writer: inout JuteWriter) { writer.writeString(path) }
}

/// addWatch body; `mode` is an AddWatchMode raw value.
public struct AddWatchRequest: JuteRecord, Hashable {
    public var path: String
    public var mode: Int32
    public init(path: String = "", mode: Int32 = AddWatchMode.persistent.rawValue) { self.path = path; self.mode = mode }
    public init(path: String, mode: AddWatchMode) { self.init(path: path, mode: mode.rawValue) }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        mode = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeInt(mode)
    }
}

/// checkWatches body; `type` is a WatcherType raw value.
public struct CheckWatchesRequest: JuteRecord, Hashable {
    public var path: String
    public var type: Int32
    public init(path: String = "", type: Int32 = WatcherType.any.rawValue) { self.path = path; self.type = type }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        type = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeInt(type)
    }
}

/// removeWatches body; `type` is a WatcherType raw value.
public struct RemoveWatchesRequest: JuteRecord, Hashable {
    public var path: String
    public var type: Int32
    public init(path: String = "", type: Int32 = WatcherType.any.rawValue) { self.path = path; self.type = type }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        type = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeInt(type)
    }
}

/// getEphemerals body; an empty prefix (or "/") lists all of the session's ephemerals.
public struct GetEphemeralsRequest: JuteRecord, Hashable {
    public var prefixPath: String
    public init(prefixPath: String = "/") { self.prefixPath = prefixPath }
    public init(from reader: inout JuteReader) throws { prefixPath = try reader.readNonNullString() }
    public func encode(to writer: inout JuteWriter) { writer.writeString(prefixPath) }
}
