import ZooKeeperProtocol

/// The opaque payloads ZAB carries for the server core: forwarded requests
/// (Apache's Request packet layout: session, cxid, type, body, auth ids),
/// session touches in pings, and sync answers. Shared by the quorum shell
/// and the simulation, which carry them between cores.
public enum ReplicationPayloads {
    /// What a learner forwarded, as the leader handles it: a sync is answered
    /// by the peer machine once what was proposed before it commits; anything
    /// else goes to the leader's core.
    public enum Forwarded: Equatable, Sendable {
        case sync(answer: [UInt8])
        case request(ForwardedRequest)
    }

    public static func route(_ payload: [UInt8]) throws -> Forwarded {
        let request = try decodeRequest(payload)
        guard request.opCode == OpCode.sync.rawValue else { return .request(request) }
        let path = (try? syncPath(request)) ?? "/"
        return .sync(answer: encode(SyncAnswer(sessionId: request.sessionId, cxid: request.cxid, path: path)))
    }

    public static func encode(_ request: ForwardedRequest) -> [UInt8] {
        var writer = JuteWriter(capacity: 32 + request.body.count)
        writer.writeLong(request.sessionId)
        writer.writeInt(request.cxid)
        writer.writeInt(request.opCode)
        writer.writeBuffer(request.body)
        writer.writeRecords(request.authIds)
        return writer.bytes
    }

    public static func decodeRequest(_ bytes: [UInt8]) throws -> ForwardedRequest {
        var reader = JuteReader(bytes)
        let sessionId = try reader.readLong()
        let cxid = try reader.readInt()
        let opCode = try reader.readInt()
        let body = try reader.readBuffer() ?? []
        let authIds: [Id] = try reader.readRecords() ?? []
        return ForwardedRequest(sessionId: sessionId, cxid: cxid, opCode: opCode, body: body, authIds: authIds)
    }

    public static func encode(_ touches: [SessionTouch]) -> [UInt8] {
        guard !touches.isEmpty else { return [] }
        var writer = JuteWriter(capacity: 4 + touches.count * 12)
        writer.writeVector(touches) { writer, touch in
            writer.writeLong(touch.sessionId)
            writer.writeInt(touch.timeoutMs)
        }
        return writer.bytes
    }

    public static func decodeTouches(_ bytes: [UInt8]) throws -> [SessionTouch] {
        guard !bytes.isEmpty else { return [] }
        var reader = JuteReader(bytes)
        return try reader.readVector { reader in
            SessionTouch(sessionId: try reader.readLong(), timeoutMs: try reader.readInt())
        } ?? []
    }

    public struct SyncAnswer: Equatable, Sendable {
        public var sessionId: Int64
        public var cxid: Int32
        public var path: String

        public init(sessionId: Int64, cxid: Int32, path: String) {
            self.sessionId = sessionId
            self.cxid = cxid
            self.path = path
        }
    }

    public static func encode(_ answer: SyncAnswer) -> [UInt8] {
        var writer = JuteWriter(capacity: 32)
        writer.writeLong(answer.sessionId)
        writer.writeInt(answer.cxid)
        writer.writeString(answer.path)
        return writer.bytes
    }

    public static func decodeSyncAnswer(_ bytes: [UInt8]) throws -> SyncAnswer {
        var reader = JuteReader(bytes)
        return SyncAnswer(sessionId: try reader.readLong(), cxid: try reader.readInt(), path: try reader.readNonNullString())
    }

    /// The path of a forwarded sync request.
    public static func syncPath(_ request: ForwardedRequest) throws -> String {
        var reader = JuteReader(request.body)
        return try reader.readNonNullString()
    }
}
