import ZooKeeperProtocol

/// A one-time data, exists or child watch: yields the single event that
/// triggered it, then finishes. It finishes without an event when the watch is
/// removed (removeWatches) or the client is closed, and throws sessionExpired
/// (or authFailed) when the session ends that way. It survives reconnects:
/// the client re-registers it, and changes missed meanwhile fire at once.
/// Dropping it unregisters the watch locally.
public struct OneShotWatch: AsyncSequence, Sendable {
    public typealias Element = WatchedEvent
    public typealias AsyncIterator = AsyncThrowingStream<WatchedEvent, any Error>.Iterator

    /// The watched path, as the client sees it.
    public let path: String
    let events: AsyncThrowingStream<WatchedEvent, any Error>

    public func makeAsyncIterator() -> AsyncIterator {
        events.makeAsyncIterator()
    }

    /// The event, or nil if the watch ended without one.
    public func event() async throws -> WatchedEvent? {
        var iterator = events.makeAsyncIterator()
        return try await iterator.next()
    }
}

/// A persistent (or persistent recursive) watch from `addWatch`: yields every
/// event until removed with `removeWatches`, until the client is closed
/// (finishes) or the session ends otherwise (throws). Dropping it, or
/// cancelling the task that iterates it, removes the watch at the server too
/// once no other watch of this client is on the path.
public struct PersistentWatch: AsyncSequence, Sendable {
    public typealias Element = WatchedEvent
    public typealias AsyncIterator = AsyncThrowingStream<WatchedEvent, any Error>.Iterator

    public let path: String
    public let mode: AddWatchMode
    let events: AsyncThrowingStream<WatchedEvent, any Error>

    public func makeAsyncIterator() -> AsyncIterator {
        events.makeAsyncIterator()
    }
}

extension ZooKeeperClient {
    /// Adds a persistent watch (the node's data and children) or a persistent
    /// recursive one (the node and all descendants, without child-list events).
    public func addWatch(_ path: String, mode: AddWatchMode) async throws -> PersistentWatch {
        let serverPath = try serverPath(path)
        let (watcher, stream, continuation) = makeWatchStream()
        let watch = PendingWatch(watcher: watcher, path: path, request: .addWatch(recursive: mode == .persistentRecursive))
        _ = try await call(
            .addWatch(AddWatchRequest(path: serverPath, mode: mode)), expecting: .empty, path: path,
            watch: (watch, continuation))
        return PersistentWatch(path: path, mode: mode, events: stream)
    }

    /// Removes this client's watches of `type` on `path`, here and at the
    /// server (opcode 18). `.data` covers data and exists watches, `.children`
    /// child watches; persistent watches count as both. Their streams finish.
    /// Throws noWatcher when there is no such watch, as Apache does.
    public func removeWatches(_ path: String, type: WatcherType = .any) async throws {
        _ = try serverPath(path)
        let token = nextIdentifier()
        let promise = loop.makePromise(of: Reply.self)
        let driver = self.driver
        loop.execute { driver.value.removeWatches(path: path, type: type, token: token, promise: promise) }
        do {
            _ = try await promise.futureResult.get()
        } catch let error as ZooKeeperError {
            throw error.at(path)
        }
    }

    /// Adds an identity to the session (and to every later reconnect). Returns
    /// once the server accepted it; a refused credential ends the session with
    /// authFailed, as in Apache.
    public func addAuth(scheme: String, auth: [UInt8]) async throws {
        let token = nextIdentifier()
        let promise = loop.makePromise(of: Reply.self)
        let driver = self.driver
        let credential = AuthCredential(scheme: scheme, auth: auth)
        loop.execute { driver.value.addAuth(credential, token: token, promise: promise) }
        _ = try await promise.futureResult.get()
    }

    /// One step of a SASL login (opcode sasl, 102): sends `token`, returns
    /// the server's. A refused login ends the session with authFailed, as in
    /// Apache. The identity holds for this connection only: after a
    /// reconnect the login must be repeated (Apache's client does it itself).
    public func saslStep(_ token: [UInt8]) async throws -> [UInt8] {
        let reply = try await call(.sasl(GetSASLRequest(token: token)), expecting: .sasl, path: nil)
        guard case .sasl(let answer) = reply else { throw ZooKeeperError(code: .marshallingError, detail: "unexpected reply to a SASL token") }
        return answer
    }
}
