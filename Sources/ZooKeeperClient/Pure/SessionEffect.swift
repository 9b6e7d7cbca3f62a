// What the pure session asks its I/O shell to do.

import ZooKeeperProtocol

enum SessionEffect: Sendable {
    /// Write a frame on the current connection.
    case send([UInt8])
    /// A caller's answer.
    case complete(RequestToken, Result<Reply, ZooKeeperError>)
    /// A watch event; after a final one the watch's stream ends.
    case deliver(WatcherID, WatchedEvent, isFinal: Bool)
    /// A watch ends without (further) events: finished normally when `error`
    /// is nil (not registered, removed, client closed), with `error` otherwise.
    case endWatch(WatcherID, ZooKeeperError?)
    /// Tell the session's observers.
    case emit(SessionEvent)
    /// Close the current connection; the session has already written it off.
    case closeConnection(reason: String)
    /// The session is over: stop reconnecting and release everything.
    case sessionEnded(SessionEnd)
}

/// How a session ends.
enum SessionEnd: Sendable, Hashable {
    case expired
    case authFailed
    case closed

    /// What calls and watches still waiting fail with. After a close Apache
    /// also reports sessionExpired (its CLOSED state), with our detail saying why.
    var error: ZooKeeperError {
        switch self {
        case .expired: ZooKeeperError(code: .sessionExpired)
        case .authFailed: ZooKeeperError(code: .authFailed)
        case .closed: ZooKeeperError(code: .sessionExpired, detail: "the client is closed")
        }
    }

    var event: SessionEvent {
        switch self {
        case .expired: .expired
        case .authFailed: .authFailed
        case .closed: .closed
        }
    }
}
