// Records from zookeeper.jute's `org.apache.zookeeper.txn` module: what the
// leader turns a write request into, and what the txn log and followers store.
// A log entry is TxnHeader + body (selected by TxnHeader.type, see TxnBody),
// optionally followed by a TxnDigest.

public struct TxnHeader: JuteRecord, Hashable {
    /// The session that issued the request.
    public var clientId: Int64
    /// The client's xid for the request.
    public var cxid: Int32
    public var zxid: Int64
    /// Wall-clock milliseconds when the leader prepared the txn.
    public var time: Int64
    /// OpCode raw value; selects the body record.
    public var type: Int32
    public init(clientId: Int64 = 0, cxid: Int32 = 0, zxid: Int64 = 0, time: Int64 = 0, type: Int32 = 0) {
        self.clientId = clientId
        self.cxid = cxid
        self.zxid = zxid
        self.time = time
        self.type = type
    }
    public init(from reader: inout JuteReader) throws {
        clientId = try reader.readLong()
        cxid = try reader.readInt()
        zxid = try reader.readLong()
        time = try reader.readLong()
        type = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeLong(clientId)
        writer.writeInt(cxid)
        writer.writeLong(zxid)
        writer.writeLong(time)
        writer.writeInt(type)
    }
}

/// Digest of the whole data tree after a txn (3.6+, when digests are enabled).
public struct TxnDigest: JuteRecord, Hashable {
    public var version: Int32
    public var treeDigest: Int64
    public init(version: Int32 = 0, treeDigest: Int64 = 0) { self.version = version; self.treeDigest = treeDigest }
    public init(from reader: inout JuteReader) throws {
        version = try reader.readInt()
        treeDigest = try reader.readLong()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeInt(version)
        writer.writeLong(treeDigest)
    }
}

/// create / create2. `parentCVersion` is the parent's cversion after the create;
/// -1 (from a pre-3.3 CreateTxnV0 without it) means "recompute on replay".
public struct CreateTxn: JuteRecord, Hashable {
    public var path: String
    public var data: [UInt8]?
    public var acl: [ACL]
    public var ephemeral: Bool
    public var parentCVersion: Int32
    public init(path: String = "", data: [UInt8]? = [], acl: [ACL] = ACL.openUnsafe, ephemeral: Bool = false, parentCVersion: Int32 = 0) {
        self.path = path
        self.data = data
        self.acl = acl
        self.ephemeral = ephemeral
        self.parentCVersion = parentCVersion
    }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        data = try reader.readBuffer()
        acl = try reader.readRecords() ?? []
        ephemeral = try reader.readBool()
        parentCVersion = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeBuffer(data)
        writer.writeRecords(acl)
        writer.writeBool(ephemeral)
        writer.writeInt(parentCVersion)
    }
}

/// The pre-3.3 create txn; only ever read from old logs.
public struct CreateTxnV0: JuteRecord, Hashable {
    public var path: String
    public var data: [UInt8]?
    public var acl: [ACL]
    public var ephemeral: Bool
    public init(path: String = "", data: [UInt8]? = [], acl: [ACL] = ACL.openUnsafe, ephemeral: Bool = false) {
        self.path = path
        self.data = data
        self.acl = acl
        self.ephemeral = ephemeral
    }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        data = try reader.readBuffer()
        acl = try reader.readRecords() ?? []
        ephemeral = try reader.readBool()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeBuffer(data)
        writer.writeRecords(acl)
        writer.writeBool(ephemeral)
    }
}

public struct CreateContainerTxn: JuteRecord, Hashable {
    public var path: String
    public var data: [UInt8]?
    public var acl: [ACL]
    public var parentCVersion: Int32
    public init(path: String = "", data: [UInt8]? = [], acl: [ACL] = ACL.openUnsafe, parentCVersion: Int32 = 0) {
        self.path = path
        self.data = data
        self.acl = acl
        self.parentCVersion = parentCVersion
    }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        data = try reader.readBuffer()
        acl = try reader.readRecords() ?? []
        parentCVersion = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeBuffer(data)
        writer.writeRecords(acl)
        writer.writeInt(parentCVersion)
    }
}

public struct CreateTTLTxn: JuteRecord, Hashable {
    public var path: String
    public var data: [UInt8]?
    public var acl: [ACL]
    public var parentCVersion: Int32
    public var ttl: Int64
    public init(path: String = "", data: [UInt8]? = [], acl: [ACL] = ACL.openUnsafe, parentCVersion: Int32 = 0, ttl: Int64 = 0) {
        self.path = path
        self.data = data
        self.acl = acl
        self.parentCVersion = parentCVersion
        self.ttl = ttl
    }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        data = try reader.readBuffer()
        acl = try reader.readRecords() ?? []
        parentCVersion = try reader.readInt()
        ttl = try reader.readLong()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeBuffer(data)
        writer.writeRecords(acl)
        writer.writeInt(parentCVersion)
        writer.writeLong(ttl)
    }
}

/// delete and deleteContainer.
public struct DeleteTxn: JuteRecord, Hashable {
    public var path: String
    public init(path: String = "") { self.path = path }
    public init(from reader: inout JuteReader) throws { path = try reader.readNonNullString() }
    public func encode(to writer: inout JuteWriter) { writer.writeString(path) }
}

/// setData (and reconfig, which rewrites /zookeeper/config). `version` is the
/// node's new version.
public struct SetDataTxn: JuteRecord, Hashable {
    public var path: String
    public var data: [UInt8]?
    public var version: Int32
    public init(path: String = "", data: [UInt8]? = [], version: Int32 = 0) {
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

/// A check op that passed inside a multi.
public struct CheckVersionTxn: JuteRecord, Hashable {
    public var path: String
    public var version: Int32
    public init(path: String = "", version: Int32 = 0) { self.path = path; self.version = version }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        version = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.writeInt(version)
    }
}

/// setACL. `version` is the node's new aversion.
public struct SetACLTxn: JuteRecord, Hashable {
    public var path: String
    public var acl: [ACL]
    public var version: Int32
    public init(path: String = "", acl: [ACL] = ACL.openUnsafe, version: Int32 = 0) {
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

/// A write that failed in prep (still logged so every server advances the zxid),
/// and the failed/rolled-back parts of a multi.
public struct ErrorTxn: JuteRecord, Hashable {
    public var err: Int32
    public init(err: Int32 = 0) { self.err = err }
    public init(from reader: inout JuteReader) throws { err = try reader.readInt() }
    public func encode(to writer: inout JuteWriter) { writer.writeInt(err) }
}

public struct CreateSessionTxn: JuteRecord, Hashable {
    /// The negotiated session timeout in milliseconds.
    public var timeOut: Int32
    public init(timeOut: Int32 = 0) { self.timeOut = timeOut }
    public init(from reader: inout JuteReader) throws { timeOut = try reader.readInt() }
    public func encode(to writer: inout JuteWriter) { writer.writeInt(timeOut) }
}

/// closeSession with the ephemerals to delete (3.6+; older logs and servers with
/// zookeeper.closeSessionTxn.enabled=false write no body at all).
public struct CloseSessionTxn: JuteRecord, Hashable {
    public var paths2Delete: [String]
    public init(paths2Delete: [String] = []) { self.paths2Delete = paths2Delete }
    public init(from reader: inout JuteReader) throws { paths2Delete = try reader.readStringVector() ?? [] }
    public func encode(to writer: inout JuteWriter) { writer.writeStringVector(paths2Delete) }
}

/// Legacy quota txn; no opcode produces it any more.
public struct SetMaxChildrenTxn: JuteRecord, Hashable {
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

/// One sub-txn of a MultiTxn: its OpCode and its serialized body.
public struct Txn: JuteRecord, Hashable {
    public var type: Int32
    public var data: [UInt8]
    public init(type: Int32 = 0, data: [UInt8] = []) { self.type = type; self.data = data }
    public init(from reader: inout JuteReader) throws {
        type = try reader.readInt()
        data = try reader.readBuffer() ?? []
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeInt(type)
        writer.writeBuffer(data)
    }
}

public struct MultiTxn: JuteRecord, Hashable {
    public var txns: [Txn]
    public init(txns: [Txn] = []) { self.txns = txns }
    public init(from reader: inout JuteReader) throws { txns = try reader.readRecords() ?? [] }
    public func encode(to writer: inout JuteWriter) { writer.writeRecords(txns) }
}
