/// Changes of the session, in order, on `ZooKeeperClient.sessionEvents`.
/// `expired`, `authFailed` and `closed` are final: the stream ends after them.
public enum SessionEvent: Sendable, Hashable {
    /// The first session was established.
    case connected(server: ServerAddress, sessionId: Int64, negotiatedTimeout: Duration)
    /// The connection was lost; the client is looking for a server. Calls that
    /// were in flight failed with connectionLoss; new calls wait.
    case disconnected
    /// The same session continues on a (possibly different) server; watches
    /// were re-registered.
    case reconnected(server: ServerAddress, sessionId: Int64, negotiatedTimeout: Duration)
    /// The server no longer knows the session. Everything failed with sessionExpired.
    case expired
    /// The server refused credentials. Everything failed with authFailed.
    case authFailed
    /// `close()` ended the session.
    case closed
}
