// Reply bodies from zookeeper.jute's `org.apache.zookeeper.proto` module. Each
// follows a ReplyHeader with err == 0; on an error Apache sends the header alone
// (multi is the exception: see MultiResponse). Ops with nothing to return
// (delete, setWatches, setWatches2, removeWatches, checkWatches, auth, ping,
// closeSession) also reply with the header alone, but addWatch replies with
// ErrorResponse(err: 0), reconfig with a GetDataResponse holding the new config,
// and a standalone check (never valid from clients) with a SetDataResponse.

public struct CreateResponse: JuteRecord, Hashable {
    /// The created path (with the sequence suffix for sequential nodes).
    public var path: String
    public init(path: String = "") { self.path = path }
    public init(from reader: inout JuteReader) throws { path = try reader.readNonNullString() }
    public func encode(to writer: inout JuteWriter) { writer.writeString(path) }
}

/// Reply to create2, createContainer and createTTL.
public struct Create2Response: JuteRecord, Hashable {
    public var path: String
    public var stat: Stat
    public init(path: String = "", stat: Stat = Stat()) { self.path = path; self.stat = stat }
    public init(from reader: inout JuteReader) throws {
        path = try reader.readNonNullString()
        stat = try reader.read()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeString(path)
        writer.write(stat)
    }
}

/// Reply to exists when the node is there; a missing node is err noNode with no body.
public struct ExistsResponse: JuteRecord, Hashable {
    public var stat: Stat
    public init(stat: Stat = Stat()) { self.stat = stat }
    public init(from reader: inout JuteReader) throws { stat = try reader.read() }
    public func encode(to writer: inout JuteWriter) { writer.write(stat) }
}

/// `data` is nil when the node was created with null data (length -1 on the
/// wire); Java clients see null rather than an empty array, so keep the distinction.
public struct GetDataResponse: JuteRecord, Hashable {
    public var data: [UInt8]?
    public var stat: Stat
    public init(data: [UInt8]? = nil, stat: Stat = Stat()) { self.data = data; self.stat = stat }
    public init(from reader: inout JuteReader) throws {
        data = try reader.readBuffer()
        stat = try reader.read()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeBuffer(data)
        writer.write(stat)
    }
}

public struct SetDataResponse: JuteRecord, Hashable {
    public var stat: Stat
    public init(stat: Stat = Stat()) { self.stat = stat }
    public init(from reader: inout JuteReader) throws { stat = try reader.read() }
    public func encode(to writer: inout JuteWriter) { writer.write(stat) }
}

public struct GetACLResponse: JuteRecord, Hashable {
    public var acl: [ACL]
    public var stat: Stat
    public init(acl: [ACL] = [], stat: Stat = Stat()) { self.acl = acl; self.stat = stat }
    public init(from reader: inout JuteReader) throws {
        acl = try reader.readRecords() ?? []
        stat = try reader.read()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeRecords(acl)
        writer.write(stat)
    }
}

public struct SetACLResponse: JuteRecord, Hashable {
    public var stat: Stat
    public init(stat: Stat = Stat()) { self.stat = stat }
    public init(from reader: inout JuteReader) throws { stat = try reader.read() }
    public func encode(to writer: inout JuteWriter) { writer.write(stat) }
}

/// Child names (not full paths), in the server's order.
public struct GetChildrenResponse: JuteRecord, Hashable {
    public var children: [String]
    public init(children: [String] = []) { self.children = children }
    public init(from reader: inout JuteReader) throws { children = try reader.readStringVector() ?? [] }
    public func encode(to writer: inout JuteWriter) { writer.writeStringVector(children) }
}

public struct GetChildren2Response: JuteRecord, Hashable {
    public var children: [String]
    public var stat: Stat
    public init(children: [String] = [], stat: Stat = Stat()) { self.children = children; self.stat = stat }
    public init(from reader: inout JuteReader) throws {
        children = try reader.readStringVector() ?? []
        stat = try reader.read()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeStringVector(children)
        writer.write(stat)
    }
}

public struct SyncResponse: JuteRecord, Hashable {
    public var path: String
    public init(path: String = "") { self.path = path }
    public init(from reader: inout JuteReader) throws { path = try reader.readNonNullString() }
    public func encode(to writer: inout JuteWriter) { writer.writeString(path) }
}

/// Legacy quota record; no opcode uses it any more.
public struct GetMaxChildrenResponse: JuteRecord, Hashable {
    public var max: Int32
    public init(max: Int32 = 0) { self.max = max }
    public init(from reader: inout JuteReader) throws { max = try reader.readInt() }
    public func encode(to writer: inout JuteWriter) { writer.writeInt(max) }
}

/// Full paths of the session's ephemeral nodes under the requested prefix.
public struct GetEphemeralsResponse: JuteRecord, Hashable {
    public var ephemerals: [String]
    public init(ephemerals: [String] = []) { self.ephemerals = ephemerals }
    public init(from reader: inout JuteReader) throws { ephemerals = try reader.readStringVector() ?? [] }
    public func encode(to writer: inout JuteWriter) { writer.writeStringVector(ephemerals) }
}

/// Number of descendants of a path (the path itself not included).
public struct GetAllChildrenNumberResponse: JuteRecord, Hashable {
    public var totalNumber: Int32
    public init(totalNumber: Int32 = 0) { self.totalNumber = totalNumber }
    public init(from reader: inout JuteReader) throws { totalNumber = try reader.readInt() }
    public func encode(to writer: inout JuteWriter) { writer.writeInt(totalNumber) }
}

/// Every identity of the session (e.g. ("ip", "127.0.0.1"), ("digest", "user")).
public struct WhoAmIResponse: JuteRecord, Hashable {
    public var clientInfo: [ClientInfo]
    public init(clientInfo: [ClientInfo] = []) { self.clientInfo = clientInfo }
    public init(from reader: inout JuteReader) throws { clientInfo = try reader.readRecords() ?? [] }
    public func encode(to writer: inout JuteWriter) { writer.writeRecords(clientInfo) }
}
