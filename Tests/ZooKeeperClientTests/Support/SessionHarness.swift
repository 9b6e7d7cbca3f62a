import ZooKeeperProtocol
@testable import ZooKeeperClient

/// Drives a SessionMachine with hand-made frames and a fake clock.
struct SessionHarness {
    var machine: SessionMachine
    var nowNanoseconds: UInt64 = 5_000_000_000
    let server = ServerAddress(host: "127.0.0.1", port: 2181)
    static let password: [UInt8] = Array(1...16)

    init(requestedTimeoutMilliseconds: Int32 = 3000, connectTimeoutMilliseconds: Int64 = 1000, chroot: String? = nil) {
        machine = SessionMachine(settings: .init(
            requestedTimeoutMilliseconds: requestedTimeoutMilliseconds,
            connectTimeoutMilliseconds: connectTimeoutMilliseconds, chroot: Chroot(chroot)))
    }

    mutating func advance(milliseconds: UInt64) {
        nowNanoseconds += milliseconds * 1_000_000
    }

    mutating func open() -> [SessionEffect] {
        machine.connectionOpened(to: server, nowNanoseconds: nowNanoseconds)
    }

    mutating func feed(_ bytes: [UInt8]) -> [SessionEffect] {
        machine.receive(bytes, nowNanoseconds: nowNanoseconds)
    }

    /// Opens a connection and answers the handshake.
    mutating func connect(sessionId: Int64 = 0x5eed, timeoutMilliseconds: Int32 = 3000) -> [SessionEffect] {
        _ = open()
        let response = ConnectResponse(protocolVersion: 0, timeOut: timeoutMilliseconds, sessionId: sessionId, passwd: Self.password)
        return feed(FrameDecoder.frame(response.juteBytes()))
    }

    mutating func submit(_ token: RequestToken, _ request: ClientRequest, _ expected: ExpectedReply, watch: PendingWatch? = nil) -> [SessionEffect] {
        machine.submit(PendingRequest(token: token, request: request, expected: expected, watch: watch), nowNanoseconds: nowNanoseconds)
    }

    static func reply(xid: Int32, zxid: Int64 = 0, err: ErrorCode = .ok, _ body: (any JuteEncodable)? = nil) -> [UInt8] {
        if let body { return FrameDecoder.frame(records: ReplyHeader(xid: xid, zxid: zxid, err: err), body) }
        return FrameDecoder.frame(records: ReplyHeader(xid: xid, zxid: zxid, err: err))
    }

    static func notification(_ type: WatcherEventType, _ path: String) -> [UInt8] {
        FrameDecoder.frame(records: ReplyHeader(xid: SpecialXid.notification, zxid: -1, err: 0), WatcherEvent(type: type, path: path))
    }
}

extension [SessionEffect] {
    /// Frames sent after the handshake, decoded.
    var sentRequests: [(header: RequestHeader, request: ClientRequest)] {
        compactMap { effect in
            guard case let .send(frame) = effect,
                  let decoded = try? ClientRequest.decode(frame: [UInt8](frame.dropFirst(4))) else { return nil }
            return (decoded.0, decoded.1)
        }
    }

    var sentFrames: [[UInt8]] {
        compactMap { effect in
            guard case let .send(frame) = effect else { return nil }
            return frame
        }
    }

    var completions: [RequestToken: Result<Reply, ZooKeeperError>] {
        var result: [RequestToken: Result<Reply, ZooKeeperError>] = [:]
        for case let .complete(token, outcome) in self { result[token] = outcome }
        return result
    }

    var events: [SessionEvent] {
        compactMap { effect in
            guard case let .emit(event) = effect else { return nil }
            return event
        }
    }

    var deliveries: [(WatcherID, WatchedEvent, Bool)] {
        compactMap { effect in
            guard case let .deliver(watcher, event, isFinal) = effect else { return nil }
            return (watcher, event, isFinal)
        }
    }

    var endedWatches: [(WatcherID, ZooKeeperError?)] {
        compactMap { effect in
            guard case let .endWatch(watcher, error) = effect else { return nil }
            return (watcher, error)
        }
    }

    var closeReasons: [String] {
        compactMap { effect in
            guard case let .closeConnection(reason) = effect else { return nil }
            return reason
        }
    }

    var sessionEnd: SessionEnd? {
        for case let .sessionEnded(end) in self { return end }
        return nil
    }
}

extension Result where Success == Reply, Failure == ZooKeeperError {
    var errorCode: ErrorCode? {
        if case let .failure(error) = self { return error.code }
        return nil
    }
}
