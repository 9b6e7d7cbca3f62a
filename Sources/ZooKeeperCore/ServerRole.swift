import ZooKeeperProtocol

/// What part a server plays. A standalone server and a leader prep writes
/// themselves; a learner (follower or observer) hands them to the leader and
/// applies what the leader commits.
public enum ServerRole: Sendable, Equatable {
    case standalone, leader, follower, observer

    /// Followers and observers behave alike towards their clients.
    public var isLearner: Bool { self == .follower || self == .observer }
}

/// A client request a learner hands to the leader (Apache's Request packet:
/// sessionId, cxid, type, request body bytes, auth ids).
public struct ForwardedRequest: Sendable, Equatable {
    public var sessionId: Int64
    public var cxid: Int32
    /// OpCode raw value of the client request (createSession = -10,
    /// closeSession = -11, sync = 9, ...). Raw, so a learner can pass on an op
    /// whose body it could not decode.
    public var opCode: Int32
    /// `ClientRequest.encodeBody` bytes; for createSession the negotiated
    /// timeout as a 4-byte big-endian Int32.
    public var body: [UInt8]
    public var authIds: [Id]

    public init(sessionId: Int64, cxid: Int32, opCode: Int32, body: [UInt8], authIds: [Id]) {
        self.sessionId = sessionId
        self.cxid = cxid
        self.opCode = opCode
        self.body = body
        self.authIds = authIds
    }
}

/// A learner's report that a session was active, so the leader (which alone
/// expires sessions) extends it.
public struct SessionTouch: Sendable, Equatable {
    public var sessionId: Int64
    public var timeoutMs: Int32

    public init(sessionId: Int64, timeoutMs: Int32) {
        self.sessionId = sessionId
        self.timeoutMs = timeoutMs
    }
}
