// Records from zookeeper.jute's `org.apache.zookeeper.proto` module that frame a
// session: the connect handshake, request/reply headers, watch events, auth and
// watch re-registration after a reconnect.

/// The first frame a client sends. It has no RequestHeader.
///
/// `readOnly` is not part of the jute record: Apache clients since 3.4 append one
/// extra byte after it, and older clients do not. The server reads it if present
/// and, for an old client, also leaves it out of the ConnectResponse. We keep
/// whether the byte was on the wire so a decoded request re-encodes byte for byte
/// and so the server can mirror the choice in its reply.
public struct ConnectRequest: JuteRecord, Hashable {
    public var protocolVersion: Int32
    public var lastZxidSeen: Int64
    public var timeOut: Int32
    public var sessionId: Int64
    public var passwd: [UInt8]
    public var readOnly: Bool
    /// False for an old client that sent no trailing readOnly byte; the encoder then omits it too.
    public var hasReadOnlyField: Bool

    public init(
        protocolVersion: Int32 = 0,
        lastZxidSeen: Int64 = 0,
        timeOut: Int32 = 30_000,
        sessionId: Int64 = 0,
        passwd: [UInt8] = [UInt8](repeating: 0, count: 16),
        readOnly: Bool = false,
        hasReadOnlyField: Bool = true
    ) {
        self.protocolVersion = protocolVersion
        self.lastZxidSeen = lastZxidSeen
        self.timeOut = timeOut
        self.sessionId = sessionId
        self.passwd = passwd
        self.readOnly = readOnly
        self.hasReadOnlyField = hasReadOnlyField
    }

    /// Expects the reader to hold exactly the frame body: the optional trailing
    /// byte is detected by whether anything is left.
    public init(from reader: inout JuteReader) throws {
        protocolVersion = try reader.readInt()
        lastZxidSeen = try reader.readLong()
        timeOut = try reader.readInt()
        sessionId = try reader.readLong()
        passwd = try reader.readBuffer() ?? []
        hasReadOnlyField = !reader.isAtEnd
        readOnly = hasReadOnlyField ? try reader.readBool() : false
    }

    public func encode(to writer: inout JuteWriter) {
        writer.writeInt(protocolVersion)
        writer.writeLong(lastZxidSeen)
        writer.writeInt(timeOut)
        writer.writeLong(sessionId)
        writer.writeBuffer(passwd)
        if hasReadOnlyField { writer.writeBool(readOnly) }
    }
}

/// The server's answer to ConnectRequest (no ReplyHeader). A sessionId of 0 and
/// timeOut 0 tell the client its session is expired. Same optional trailing
/// readOnly byte as ConnectRequest.
public struct ConnectResponse: JuteRecord, Hashable {
    public var protocolVersion: Int32
    public var timeOut: Int32
    public var sessionId: Int64
    public var passwd: [UInt8]
    public var readOnly: Bool
    /// Leave false when answering a client whose ConnectRequest had no readOnly byte.
    public var hasReadOnlyField: Bool

    public init(
        protocolVersion: Int32 = 0,
        timeOut: Int32 = 0,
        sessionId: Int64 = 0,
        passwd: [UInt8] = [UInt8](repeating: 0, count: 16),
        readOnly: Bool = false,
        hasReadOnlyField: Bool = true
    ) {
        self.protocolVersion = protocolVersion
        self.timeOut = timeOut
        self.sessionId = sessionId
        self.passwd = passwd
        self.readOnly = readOnly
        self.hasReadOnlyField = hasReadOnlyField
    }

    public init(from reader: inout JuteReader) throws {
        protocolVersion = try reader.readInt()
        timeOut = try reader.readInt()
        sessionId = try reader.readLong()
        passwd = try reader.readBuffer() ?? []
        hasReadOnlyField = !reader.isAtEnd
        readOnly = hasReadOnlyField ? try reader.readBool() : false
    }

    public func encode(to writer: inout JuteWriter) {
        writer.writeInt(protocolVersion)
        writer.writeInt(timeOut)
        writer.writeLong(sessionId)
        writer.writeBuffer(passwd)
        if hasReadOnlyField { writer.writeBool(readOnly) }
    }
}

/// Precedes every client frame after the handshake. `type` is an OpCode raw value.
public struct RequestHeader: JuteRecord, Hashable {
    public var xid: Int32
    public var type: Int32
    public init(xid: Int32 = 0, type: Int32 = 0) { self.xid = xid; self.type = type }
    public init(xid: Int32, type: OpCode) { self.init(xid: xid, type: type.rawValue) }
    public init(from reader: inout JuteReader) throws {
        xid = try reader.readInt()
        type = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeInt(xid)
        writer.writeInt(type)
    }
}

/// Precedes every server frame after the handshake. On a non-zero `err` Apache
/// sends no body at all (except for multi, whose body carries per-op errors).
public struct ReplyHeader: JuteRecord, Hashable {
    public var xid: Int32
    public var zxid: Int64
    public var err: Int32
    public init(xid: Int32 = 0, zxid: Int64 = 0, err: Int32 = 0) { self.xid = xid; self.zxid = zxid; self.err = err }
    public init(xid: Int32, zxid: Int64, err: ErrorCode) { self.init(xid: xid, zxid: zxid, err: err.rawValue) }
    public init(from reader: inout JuteReader) throws {
        xid = try reader.readInt()
        zxid = try reader.readLong()
        err = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeInt(xid)
        writer.writeLong(zxid)
        writer.writeInt(err)
    }
}

/// Watcher.Event.EventType.
public enum WatcherEventType: Int32, Sendable, CaseIterable {
    case none = -1
    case nodeCreated = 1
    case nodeDeleted = 2
    case nodeDataChanged = 3
    case nodeChildrenChanged = 4
    case dataWatchRemoved = 5
    case childWatchRemoved = 6
    case persistentWatchRemoved = 7
}

/// Watcher.Event.KeeperState (the values that are still used on the wire).
public enum KeeperState: Int32, Sendable, CaseIterable {
    case disconnected = 0
    case syncConnected = 3
    case authFailed = 4
    case connectedReadOnly = 5
    case saslAuthenticated = 6
    case expired = -112
    case closed = 7
}

/// A watch notification, sent with ReplyHeader(xid: -1, zxid: -1, err: 0).
public struct WatcherEvent: JuteRecord, Hashable {
    public var type: Int32
    public var state: Int32
    public var path: String
    public init(type: Int32 = WatcherEventType.none.rawValue, state: Int32 = KeeperState.syncConnected.rawValue, path: String = "") {
        self.type = type
        self.state = state
        self.path = path
    }
    public init(type: WatcherEventType, state: KeeperState = .syncConnected, path: String) {
        self.init(type: type.rawValue, state: state.rawValue, path: path)
    }
    public init(from reader: inout JuteReader) throws {
        type = try reader.readInt()
        state = try reader.readInt()
        path = try reader.readNonNullString()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeInt(type)
        writer.writeInt(state)
        writer.writeString(path)
    }
}

/// addAuthInfo, sent with xid -4. `type` is always 0 from Apache clients.
public struct AuthPacket: JuteRecord, Hashable {
    public var type: Int32
    public var scheme: String
    public var auth: [UInt8]
    public init(type: Int32 = 0, scheme: String = "", auth: [UInt8] = []) {
        self.type = type
        self.scheme = scheme
        self.auth = auth
    }
    public init(from reader: inout JuteReader) throws {
        type = try reader.readInt()
        scheme = try reader.readNonNullString()
        auth = try reader.readBuffer() ?? []
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeInt(type)
        writer.writeString(scheme)
        writer.writeBuffer(auth)
    }
}

/// Watch re-registration after a reconnect (xid -8). Watches whose node changed
/// after `relativeZxid` fire immediately.
public struct SetWatches: JuteRecord, Hashable {
    public var relativeZxid: Int64
    public var dataWatches: [String]
    public var existWatches: [String]
    public var childWatches: [String]
    public init(relativeZxid: Int64 = 0, dataWatches: [String] = [], existWatches: [String] = [], childWatches: [String] = []) {
        self.relativeZxid = relativeZxid
        self.dataWatches = dataWatches
        self.existWatches = existWatches
        self.childWatches = childWatches
    }
    public init(from reader: inout JuteReader) throws {
        relativeZxid = try reader.readLong()
        dataWatches = try reader.readStringVector() ?? []
        existWatches = try reader.readStringVector() ?? []
        childWatches = try reader.readStringVector() ?? []
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeLong(relativeZxid)
        writer.writeStringVector(dataWatches)
        writer.writeStringVector(existWatches)
        writer.writeStringVector(childWatches)
    }
}

/// SetWatches plus the persistent watches added in 3.6.
public struct SetWatches2: JuteRecord, Hashable {
    public var relativeZxid: Int64
    public var dataWatches: [String]
    public var existWatches: [String]
    public var childWatches: [String]
    public var persistentWatches: [String]
    public var persistentRecursiveWatches: [String]
    public init(
        relativeZxid: Int64 = 0,
        dataWatches: [String] = [],
        existWatches: [String] = [],
        childWatches: [String] = [],
        persistentWatches: [String] = [],
        persistentRecursiveWatches: [String] = []
    ) {
        self.relativeZxid = relativeZxid
        self.dataWatches = dataWatches
        self.existWatches = existWatches
        self.childWatches = childWatches
        self.persistentWatches = persistentWatches
        self.persistentRecursiveWatches = persistentRecursiveWatches
    }
    public init(from reader: inout JuteReader) throws {
        relativeZxid = try reader.readLong()
        dataWatches = try reader.readStringVector() ?? []
        existWatches = try reader.readStringVector() ?? []
        childWatches = try reader.readStringVector() ?? []
        persistentWatches = try reader.readStringVector() ?? []
        persistentRecursiveWatches = try reader.readStringVector() ?? []
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeLong(relativeZxid)
        writer.writeStringVector(dataWatches)
        writer.writeStringVector(existWatches)
        writer.writeStringVector(childWatches)
        writer.writeStringVector(persistentWatches)
        writer.writeStringVector(persistentRecursiveWatches)
    }
}

/// The body of a failed multi sub-result (and of nothing else on the wire).
public struct ErrorResponse: JuteRecord, Hashable {
    public var err: Int32
    public init(err: Int32 = 0) { self.err = err }
    public init(from reader: inout JuteReader) throws { err = try reader.readInt() }
    public func encode(to writer: inout JuteWriter) { writer.writeInt(err) }
}

/// SASL token from the client (opcode sasl, 102).
public struct GetSASLRequest: JuteRecord, Hashable {
    public var token: [UInt8]
    public init(token: [UInt8] = []) { self.token = token }
    public init(from reader: inout JuteReader) throws { token = try reader.readBuffer() ?? [] }
    public func encode(to writer: inout JuteWriter) { writer.writeBuffer(token) }
}

/// Same shape as GetSASLRequest; kept for completeness of the jute module.
public struct SetSASLRequest: JuteRecord, Hashable {
    public var token: [UInt8]
    public init(token: [UInt8] = []) { self.token = token }
    public init(from reader: inout JuteReader) throws { token = try reader.readBuffer() ?? [] }
    public func encode(to writer: inout JuteWriter) { writer.writeBuffer(token) }
}

/// SASL challenge from the server.
public struct SetSASLResponse: JuteRecord, Hashable {
    public var token: [UInt8]
    public init(token: [UInt8] = []) { self.token = token }
    public init(from reader: inout JuteReader) throws { token = try reader.readBuffer() ?? [] }
    public func encode(to writer: inout JuteWriter) { writer.writeBuffer(token) }
}
