import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// A server reply frame as a client decodes it: ReplyHeader, then the body bytes.
struct Reply: Equatable, CustomStringConvertible {
    var connection: ConnectionID
    var header: ReplyHeader
    var body: [UInt8]

    var xid: Int32 { header.xid }
    var err: ErrorCode? { ErrorCode(rawValue: header.err) }
    var isNotification: Bool { header.xid == SpecialXid.notification }

    func decode<T: JuteDecodable>(_: T.Type = T.self) throws -> T {
        try T(juteBytes: body)
    }

    /// The watch event of a notification frame (xid -1), nil for other frames.
    var event: WatcherEvent? {
        guard isNotification else { return nil }
        return try? WatcherEvent(juteBytes: body)
    }

    var description: String {
        if let event { return "event(c\(connection) type \(event.type) \(event.path))" }
        return "reply(c\(connection) xid \(xid) zxid \(header.zxid) err \(header.err) \(body.count)B)"
    }
}

/// One effect of the core, decoded into what a client or the shell observes.
enum Output: Equatable, CustomStringConvertible {
    case connected(ConnectionID, ConnectResponse)
    case reply(Reply)
    case close(ConnectionID)
    case append(zxid: Int64)
    case setReading(ConnectionID, Bool)
    case snapshotDue
    case log
    case forward(ForwardedRequest)
    case reconfigured(String)

    var description: String {
        switch self {
        case let .connected(id, response): "connected(c\(id) session 0x\(String(response.sessionId, radix: 16)) timeout \(response.timeOut))"
        case let .reply(reply): reply.description
        case let .close(id): "close(c\(id))"
        case let .append(zxid): "append(\(zxid))"
        case let .setReading(id, on): "setReading(c\(id), \(on))"
        case .snapshotDue: "snapshotDue"
        case .log: "log"
        case let .forward(request): "forward(session 0x\(String(request.sessionId, radix: 16)) cxid \(request.cxid) op \(request.opCode))"
        case let .reconfigured(text): "reconfigured(\(text))"
        }
    }

    var reply: Reply? {
        if case .reply(let reply) = self { return reply }
        return nil
    }
}

extension Array where Element == Output {
    var replies: [Reply] { compactMap(\.reply) }

    /// Replies (not notifications) to `connection`.
    func replies(to connection: ConnectionID) -> [Reply] {
        replies.filter { $0.connection == connection && !$0.isNotification }
    }

    func reply(to connection: ConnectionID, xid: Int32) -> Reply? {
        replies(to: connection).first { $0.xid == xid }
    }

    func events(for connection: ConnectionID) -> [WatcherEvent] {
        replies.filter { $0.connection == connection }.compactMap(\.event)
    }

    var appendedZxids: [Int64] {
        compactMap { if case .append(let zxid) = $0 { zxid } else { nil } }
    }

    func closes(_ connection: ConnectionID) -> Bool {
        contains(.close(connection))
    }

    var connectResponses: [ConnectResponse] {
        compactMap { if case .connected(_, let response) = $0 { response } else { nil } }
    }

    /// Position of the first output matching `predicate`.
    func index(_ predicate: (Output) -> Bool) -> Int? { firstIndex(where: predicate) }
}

/// A client session as the harness sees it after the handshake.
struct Client {
    var connection: ConnectionID
    var sessionId: Int64
    var password: [UInt8]
    var timeoutMs: Int32
}

/// Drives a ServerCore like the shell does: opens connections, performs the
/// handshake, feeds requests, reports log durability, and decodes frames.
struct CoreHarness {
    var core: ServerCore
    var nowMs: Int64
    /// Every txn the core asked to append, in order.
    private(set) var log: [(zxid: Int64, payload: [UInt8])] = []
    private(set) var syncedZxid: Int64 = 0
    private var nextConnection: ConnectionID = 1
    private var nextXid: [ConnectionID: Int32] = [:]
    /// Connections whose next frame is a ConnectResponse.
    private var handshaking: Set<ConnectionID> = []

    static let startMs: Int64 = 1_700_000_000_000

    init(settings: ServerSettings = ServerSettings(tickTimeMs: 2000), tree: DataTree = DataTree(), nowMs: Int64 = CoreHarness.startMs) {
        self.nowMs = nowMs
        core = ServerCore(settings: settings, tree: tree, nowMs: nowMs)
    }

    var lastAppendedZxid: Int64 { log.last?.zxid ?? syncedZxid }

    // MARK: Effects

    mutating func run(_ effects: [CoreEffect]) -> [Output] {
        var outputs: [Output] = []
        for effect in effects {
            switch effect {
            case let .send(id, bytes):
                var decoder = FrameDecoder()
                decoder.append(bytes)
                var frames: [[UInt8]] = []
                do {
                    while let frame = try decoder.nextFrame() { frames.append(frame) }
                } catch {
                    Issue.record("undecodable frame to c\(id): \(error)")
                }
                if decoder.bufferedByteCount != 0 { Issue.record("partial frame to c\(id)") }
                for frame in frames { outputs.append(decode(frame, to: id)) }
            case let .close(id, _):
                outputs.append(.close(id))
            case let .append(zxid, payload):
                if let last = log.last, zxid != last.zxid + 1 {
                    Issue.record("zxid \(zxid) appended after \(last.zxid)")
                }
                log.append((zxid, payload))
                outputs.append(.append(zxid: zxid))
            case let .setReading(id, on):
                outputs.append(.setReading(id, on))
            case .snapshotDue:
                outputs.append(.snapshotDue)
            case .log:
                outputs.append(.log)
            case let .forward(request):
                outputs.append(.forward(request))
            case let .reconfigured(text):
                outputs.append(.reconfigured(text))
            }
        }
        return outputs
    }

    private mutating func decode(_ frame: [UInt8], to id: ConnectionID) -> Output {
        if handshaking.remove(id) != nil {
            do {
                return .connected(id, try ConnectResponse(juteBytes: frame))
            } catch {
                Issue.record("bad ConnectResponse to c\(id): \(error)")
                return .log
            }
        }
        var reader = JuteReader(frame)
        do {
            let header = try ReplyHeader(from: &reader)
            return .reply(Reply(connection: id, header: header, body: Array(reader.readRest())))
        } catch {
            Issue.record("bad reply frame to c\(id): \(error)")
            return .log
        }
    }

    // MARK: Inputs

    mutating func open(address: String = "127.0.0.1", port: Int = 40000) -> ConnectionID {
        let id = nextConnection
        nextConnection += 1
        core.connectionOpened(id, remoteAddress: address, remotePort: port, nowMs: nowMs)
        return id
    }

    mutating func connect(_ id: ConnectionID, _ request: ConnectRequest) -> [Output] {
        handshaking.insert(id)
        return run(core.receiveConnect(id, request, nowMs: nowMs))
    }

    /// Everything appended so far is durable.
    mutating func sync() -> [Output] {
        sync(upTo: lastAppendedZxid)
    }

    mutating func sync(upTo zxid: Int64) -> [Output] {
        syncedZxid = max(syncedZxid, zxid)
        return run(core.synced(upTo: zxid, nowMs: nowMs))
    }

    mutating func tick(at nowMs: Int64) -> [Output] {
        self.nowMs = nowMs
        return run(core.tick(nowMs: nowMs))
    }

    mutating func closeConnection(_ id: ConnectionID) {
        core.connectionClosed(id)
    }

    /// Sends one request; the xid counts up per connection from 1 unless given.
    mutating func send(_ id: ConnectionID, _ request: ClientRequest, xid: Int32? = nil) -> [Output] {
        let assigned: Int32
        switch request {
        case .ping: assigned = SpecialXid.ping
        case .auth: assigned = SpecialXid.auth
        case .setWatches, .setWatches2: assigned = SpecialXid.setWatches
        default:
            assigned = xid ?? (nextXid[id] ?? 1)
            nextXid[id] = assigned + 1
        }
        return run(core.receive(id, RequestHeader(xid: assigned, type: request.opCode), request, nowMs: nowMs))
    }

    /// The xid the next `send` on `id` will use.
    func peekXid(_ id: ConnectionID) -> Int32 { nextXid[id] ?? 1 }

    /// Sends and makes the log durable; returns everything that came out.
    mutating func call(_ id: ConnectionID, _ request: ClientRequest) -> [Output] {
        let sent = send(id, request)
        return sent + sync()
    }

    /// `call`, returning the reply to this request (notifications excluded).
    mutating func request(_ id: ConnectionID, _ request: ClientRequest, sourceLocation: SourceLocation = #_sourceLocation) -> Reply {
        let xid = peekXid(id)
        let outputs = call(id, request)
        let expectedXid: Int32 = switch request {
        case .ping: SpecialXid.ping
        case .auth: SpecialXid.auth
        case .setWatches, .setWatches2: SpecialXid.setWatches
        default: xid
        }
        guard let reply = outputs.reply(to: id, xid: expectedXid) else {
            Issue.record("no reply to \(request.opCode) on c\(id): \(outputs)", sourceLocation: sourceLocation)
            return Reply(connection: id, header: ReplyHeader(xid: expectedXid, zxid: 0, err: ErrorCode.systemError.rawValue), body: [])
        }
        return reply
    }

    /// Opens a connection and establishes a new session.
    mutating func newSession(
        timeoutMs: Int32 = 30_000, address: String = "127.0.0.1", sourceLocation: SourceLocation = #_sourceLocation
    ) -> Client {
        let id = open(address: address)
        let outputs = connect(id, ConnectRequest(lastZxidSeen: 0, timeOut: timeoutMs)) + sync()
        guard let response = outputs.connectResponses.first else {
            Issue.record("no ConnectResponse: \(outputs)", sourceLocation: sourceLocation)
            return Client(connection: id, sessionId: 0, password: [], timeoutMs: 0)
        }
        return Client(connection: id, sessionId: response.sessionId, password: response.passwd, timeoutMs: response.timeOut)
    }

    /// Reconnects an existing session on a new connection.
    mutating func reconnect(_ client: Client, password: [UInt8]? = nil, lastZxidSeen: Int64 = 0, timeoutMs: Int32? = nil) -> (ConnectionID, [Output]) {
        let id = open()
        let request = ConnectRequest(lastZxidSeen: lastZxidSeen, timeOut: timeoutMs ?? client.timeoutMs,
                                     sessionId: client.sessionId, passwd: password ?? client.password)
        return (id, connect(id, request))
    }
}

// MARK: Request shorthands

extension ClientRequest {
    static func create(_ path: String, _ data: String = "", acl: [ACL] = ACL.openUnsafe, mode: CreateMode = .persistent) -> ClientRequest {
        .create(CreateRequest(path: path, data: Array(data.utf8), acl: acl, mode: mode))
    }

    static func create2(_ path: String, _ data: String = "", acl: [ACL] = ACL.openUnsafe, mode: CreateMode = .persistent) -> ClientRequest {
        .create2(CreateRequest(path: path, data: Array(data.utf8), acl: acl, mode: mode))
    }

    static func delete(_ path: String, version: Int32 = -1) -> ClientRequest {
        .delete(DeleteRequest(path: path, version: version))
    }

    static func setData(_ path: String, _ data: String, version: Int32 = -1) -> ClientRequest {
        .setData(SetDataRequest(path: path, data: Array(data.utf8), version: version))
    }

    static func getData(_ path: String, watch: Bool = false) -> ClientRequest {
        .getData(GetDataRequest(path: path, watch: watch))
    }

    static func exists(_ path: String, watch: Bool = false) -> ClientRequest {
        .exists(ExistsRequest(path: path, watch: watch))
    }

    static func getChildren(_ path: String, watch: Bool = false) -> ClientRequest {
        .getChildren(GetChildrenRequest(path: path, watch: watch))
    }

    static func getACL(_ path: String) -> ClientRequest {
        .getACL(GetACLRequest(path: path))
    }

    static func setACL(_ path: String, _ acl: [ACL], version: Int32 = -1) -> ClientRequest {
        .setACL(SetACLRequest(path: path, acl: acl, version: version))
    }

    static func addAuth(_ scheme: String, _ auth: String) -> ClientRequest {
        .auth(AuthPacket(type: 0, scheme: scheme, auth: Array(auth.utf8)))
    }
}

extension ErrorCode {
    /// The code as a ReplyHeader carries it.
    var raw: Int32 { rawValue }
}
