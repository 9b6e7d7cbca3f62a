/// What the client's synchronous properties report, updated by the driver on
/// every session event (read from any thread).
struct SessionSnapshot: Sendable {
    var sessionId: Int64 = 0
    var negotiatedTimeout: Duration = .zero
    var connectedServer: ServerAddress?
    var end: SessionEnd?

    mutating func apply(_ event: SessionEvent) {
        switch event {
        case let .connected(server, sessionId, timeout), let .reconnected(server, sessionId, timeout):
            self.sessionId = sessionId
            self.negotiatedTimeout = timeout
            self.connectedServer = server
        case .disconnected:
            connectedServer = nil
        case .expired:
            connectedServer = nil
            end = .expired
        case .authFailed:
            connectedServer = nil
            end = .authFailed
        case .closed:
            connectedServer = nil
            end = .closed
        }
    }
}
