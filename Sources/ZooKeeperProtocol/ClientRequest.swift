// A client frame after the handshake, typed: the RequestHeader's opcode picks
// the body record. Which opcodes a client may send, and with which body, follows
// Apache's Request.isValid and the server's request processors.

public enum ClientRequest: Sendable, Hashable {
    case create(CreateRequest)
    case create2(CreateRequest)
    case createContainer(CreateRequest)
    case createTTL(CreateTTLRequest)
    case delete(DeleteRequest)
    /// Normally issued by the server's own container reaper. Its body is the raw
    /// UTF-8 path with no length prefix (Apache's PrepRequestProcessor reads it so).
    case deleteContainer(path: String)
    case exists(ExistsRequest)
    case getData(GetDataRequest)
    case setData(SetDataRequest)
    case getACL(GetACLRequest)
    case setACL(SetACLRequest)
    case getChildren(GetChildrenRequest)
    case getChildren2(GetChildren2Request)
    case getAllChildrenNumber(GetAllChildrenNumberRequest)
    case getEphemerals(GetEphemeralsRequest)
    case sync(SyncRequest)
    /// xid -2, no body.
    case ping
    /// Only write ops (create*, delete, setData, check).
    case multi(MultiRequest)
    /// Only getChildren and getData ops.
    case multiRead(MultiRequest)
    case reconfig(ReconfigRequest)
    case checkWatches(CheckWatchesRequest)
    case removeWatches(RemoveWatchesRequest)
    case addWatch(AddWatchRequest)
    /// xid -4.
    case auth(AuthPacket)
    /// xid -8.
    case setWatches(SetWatches)
    case setWatches2(SetWatches2)
    case sasl(GetSASLRequest)
    /// No body.
    case whoAmI
    /// No body.
    case closeSession
    /// The connect handshake, for servers that push it through the same request
    /// pipeline. It has no RequestHeader on the wire, so `decode` never yields it.
    case createSession(ConnectRequest)

    public var opCode: OpCode {
        switch self {
        case .create: .create
        case .create2: .create2
        case .createContainer: .createContainer
        case .createTTL: .createTTL
        case .delete: .delete
        case .deleteContainer: .deleteContainer
        case .exists: .exists
        case .getData: .getData
        case .setData: .setData
        case .getACL: .getACL
        case .setACL: .setACL
        case .getChildren: .getChildren
        case .getChildren2: .getChildren2
        case .getAllChildrenNumber: .getAllChildrenNumber
        case .getEphemerals: .getEphemerals
        case .sync: .sync
        case .ping: .ping
        case .multi: .multi
        case .multiRead: .multiRead
        case .reconfig: .reconfig
        case .checkWatches: .checkWatches
        case .removeWatches: .removeWatches
        case .addWatch: .addWatch
        case .auth: .auth
        case .setWatches: .setWatches
        case .setWatches2: .setWatches2
        case .sasl: .sasl
        case .whoAmI: .whoAmI
        case .closeSession: .closeSession
        case .createSession: .createSession
        }
    }

    /// Whether the request changes the tree or session table (goes through the
    /// txn log). sync is not a write, but Apache orders it with writes; check
    /// `opCode == .sync` for that.
    public var isWrite: Bool {
        switch self {
        case .create, .create2, .createContainer, .createTTL, .delete, .deleteContainer,
             .setData, .setACL, .multi, .reconfig, .closeSession, .createSession:
            true
        default:
            false
        }
    }

    /// Decodes the body that follows `header`. Throws `JuteError.unknownOpCode`
    /// for opcodes a client may not send (including notification, standalone
    /// check, error and createSession), and `JuteError.invalidValue` for a multi
    /// whose ops do not match multi / multiRead.
    public static func decode(header: RequestHeader, body: inout JuteReader) throws -> ClientRequest {
        guard let opCode = OpCode(rawValue: header.type) else { throw JuteError.unknownOpCode(header.type) }
        switch opCode {
        case .create: return .create(try body.read())
        case .create2: return .create2(try body.read())
        case .createContainer: return .createContainer(try body.read())
        case .createTTL: return .createTTL(try body.read())
        case .delete: return .delete(try body.read())
        case .deleteContainer:
            let raw = body.readRest()
            guard let path = String(validating: raw, as: UTF8.self) else { throw JuteError.invalidUTF8 }
            return .deleteContainer(path: path)
        case .exists: return .exists(try body.read())
        case .getData: return .getData(try body.read())
        case .setData: return .setData(try body.read())
        case .getACL: return .getACL(try body.read())
        case .setACL: return .setACL(try body.read())
        case .getChildren: return .getChildren(try body.read())
        case .getChildren2: return .getChildren2(try body.read())
        case .getAllChildrenNumber: return .getAllChildrenNumber(try body.read())
        case .getEphemerals: return .getEphemerals(try body.read())
        case .sync: return .sync(try body.read())
        case .ping: return .ping
        case .multi:
            let request = try MultiRequest(from: &body)
            guard request.isWriteOnly else { throw JuteError.invalidValue("read op in multi") }
            return .multi(request)
        case .multiRead:
            let request = try MultiRequest(from: &body)
            guard request.isReadOnly else { throw JuteError.invalidValue("write op in multiRead") }
            return .multiRead(request)
        case .reconfig: return .reconfig(try body.read())
        case .checkWatches: return .checkWatches(try body.read())
        case .removeWatches: return .removeWatches(try body.read())
        case .addWatch: return .addWatch(try body.read())
        case .auth: return .auth(try body.read())
        case .setWatches: return .setWatches(try body.read())
        case .setWatches2: return .setWatches2(try body.read())
        case .sasl: return .sasl(try body.read())
        case .whoAmI: return .whoAmI
        case .closeSession: return .closeSession
        case .notification, .check, .createSession, .error:
            throw JuteError.unknownOpCode(header.type)
        }
    }

    /// Decodes a whole frame body: RequestHeader then the request.
    public static func decode(frame: [UInt8], maxBufferBytes: Int = JuteLimits.defaultMaxBufferBytes) throws -> (RequestHeader, ClientRequest) {
        var reader = JuteReader(frame, maxBufferBytes: maxBufferBytes)
        let header = try RequestHeader(from: &reader)
        return (header, try decode(header: header, body: &reader))
    }

    /// Writes the body (not the header); nothing for bodiless requests.
    public func encodeBody(to writer: inout JuteWriter) {
        switch self {
        case let .create(request), let .create2(request), let .createContainer(request): writer.write(request)
        case let .createTTL(request): writer.write(request)
        case let .delete(request): writer.write(request)
        case let .deleteContainer(path): writer.appendRaw(path.utf8)
        case let .exists(request): writer.write(request)
        case let .getData(request): writer.write(request)
        case let .setData(request): writer.write(request)
        case let .getACL(request): writer.write(request)
        case let .setACL(request): writer.write(request)
        case let .getChildren(request): writer.write(request)
        case let .getChildren2(request): writer.write(request)
        case let .getAllChildrenNumber(request): writer.write(request)
        case let .getEphemerals(request): writer.write(request)
        case let .sync(request): writer.write(request)
        case .ping, .whoAmI, .closeSession: break
        case let .multi(request), let .multiRead(request): writer.write(request)
        case let .reconfig(request): writer.write(request)
        case let .checkWatches(request): writer.write(request)
        case let .removeWatches(request): writer.write(request)
        case let .addWatch(request): writer.write(request)
        case let .auth(request): writer.write(request)
        case let .setWatches(request): writer.write(request)
        case let .setWatches2(request): writer.write(request)
        case let .sasl(request): writer.write(request)
        case let .createSession(request): writer.write(request)
        }
    }

    /// RequestHeader(xid, opCode) followed by the body, without a frame length.
    public func encode(xid: Int32, to writer: inout JuteWriter) {
        writer.write(RequestHeader(xid: xid, type: opCode))
        encodeBody(to: &writer)
    }
}
