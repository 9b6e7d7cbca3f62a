// The client session as a pure state machine (Apache's ClientCnxn without
// threads or sockets). The I/O shell feeds it connection events, bytes,
// calls and clock ticks, and carries out the effects it returns. Clocks are
// plain nanosecond counters so tests can drive it deterministically.

import ZooKeeperProtocol

struct SessionMachine: Sendable {
    enum Phase: Sendable, Hashable {
        /// No connection; the shell is finding a server.
        case disconnected
        /// TCP is up and the ConnectRequest is out.
        case handshaking(ServerAddress, sinceNanoseconds: UInt64)
        case connected(ServerAddress)
        case ended(SessionEnd)
    }

    struct Settings: Sendable {
        /// What the ConnectRequest asks for; the server may grant less or more.
        var requestedTimeoutMilliseconds: Int32
        /// TCP connect plus handshake, per attempt.
        var connectTimeoutMilliseconds: Int64
        var chroot: Chroot
        /// Largest reply frame accepted; a longer length means a broken stream.
        var maxFrameBytes: Int = 4 * 1024 * 1024
    }

    let settings: Settings
    var phase: Phase = .disconnected
    private(set) var sessionId: Int64 = 0
    private(set) var password = [UInt8](repeating: 0, count: 16)
    /// Highest zxid in a reply; sent on reconnect so the server never takes the
    /// client back in time, and in SetWatches so missed changes fire at once.
    var lastZxidSeen: Int64 = 0
    private(set) var negotiatedTimeoutMilliseconds: Int32 = 0
    private var hasConnected = false
    /// close() was called; closeSession is queued or in flight.
    private(set) var isClosing = false
    private var closeWaiters: [RequestToken] = []
    var watches = WatchRegistry()
    var requests = RequestQueue()
    var auth = AuthLedger()
    var decoder: FrameDecoder
    var lastSendNanoseconds: UInt64 = 0
    var lastReceiveNanoseconds: UInt64 = 0
    /// Watch streams the caller dropped before their registering reply came.
    var abandonedWatchers: Set<WatcherID> = []

    init(settings: Settings) {
        self.settings = settings
        self.decoder = FrameDecoder(maxFrameBytes: settings.maxFrameBytes)
    }

    var isEnded: Bool {
        if case .ended = phase { return true }
        return false
    }

    var isConnected: Bool {
        if case .connected = phase { return true }
        return false
    }

    /// Apache's readTimeout: two thirds of the session timeout without hearing
    /// from the server means the connection is dead (the server would expire
    /// the session at the full timeout, so there is a third left to move).
    var readTimeoutNanoseconds: UInt64 { UInt64(negotiatedTimeoutMilliseconds) * 2 / 3 * 1_000_000 }

    /// Idle time after which a ping is sent: a third of the session timeout.
    var pingIntervalNanoseconds: UInt64 { UInt64(negotiatedTimeoutMilliseconds) / 3 * 1_000_000 }

    // MARK: Connections

    /// TCP is up: start the handshake with whatever session we have.
    mutating func connectionOpened(to server: ServerAddress, nowNanoseconds: UInt64) -> [SessionEffect] {
        guard case .disconnected = phase else { return [.closeConnection(reason: "no connection was expected")] }
        phase = .handshaking(server, sinceNanoseconds: nowNanoseconds)
        decoder = FrameDecoder(maxFrameBytes: settings.maxFrameBytes)
        lastSendNanoseconds = nowNanoseconds
        lastReceiveNanoseconds = nowNanoseconds
        let request = ConnectRequest(
            protocolVersion: 0, lastZxidSeen: lastZxidSeen, timeOut: settings.requestedTimeoutMilliseconds,
            sessionId: sessionId, passwd: password, readOnly: false)
        return [.send(FrameDecoder.frame(request.juteBytes()))]
    }

    /// The connection is gone (closed by the peer, or by us after a
    /// `.closeConnection`). In-flight calls fail with connectionLoss, as in
    /// Apache; held calls wait for the next connection.
    mutating func connectionClosed() -> [SessionEffect] {
        let wasConnected: Bool
        switch phase {
        case .connected: wasConnected = true
        case .handshaking: wasConnected = false
        case .disconnected, .ended: return []
        }
        phase = .disconnected
        auth.connectionLost()
        var effects: [SessionEffect] = []
        var closeSessionWasInFlight = false
        for request in requests.takeInFlight() {
            if case .closeSession = request.request { closeSessionWasInFlight = true }
            effects += fail(request, ZooKeeperError(code: .connectionLoss))
        }
        if isClosing || closeSessionWasInFlight {
            // The caller asked to close; do not come back to do it again.
            return effects + end(.closed)
        }
        if wasConnected { effects.append(.emit(.disconnected)) }
        return effects
    }

    /// Writes the connection off now (broken stream, timeout) and asks the shell to close it.
    mutating func dropConnection(_ reason: String) -> [SessionEffect] {
        connectionClosed() + [.closeConnection(reason: reason)]
    }

    /// The server accepted (or refused) the session.
    mutating func handshakeCompleted(_ response: ConnectResponse, server: ServerAddress, nowNanoseconds: UInt64) -> [SessionEffect] {
        if response.timeOut <= 0 {
            // Apache's signal for "this session is gone" (sessionId 0 too).
            return end(.expired) + [.closeConnection(reason: "session 0x\(String(sessionId, radix: 16)) expired")]
        }
        sessionId = response.sessionId
        password = response.passwd
        negotiatedTimeoutMilliseconds = response.timeOut
        phase = .connected(server)
        let timeout = Duration.milliseconds(Int64(response.timeOut))
        var effects: [SessionEffect] = [.emit(hasConnected
            ? .reconnected(server: server, sessionId: sessionId, negotiatedTimeout: timeout)
            : .connected(server: server, sessionId: sessionId, negotiatedTimeout: timeout))]
        hasConnected = true
        // Apache's primeConnection order: credentials, then watches, then
        // whatever callers queued meanwhile.
        for (index, packet) in auth.credentials.enumerated() {
            auth.sent(index)
            effects.append(.send(Self.authFrame(packet)))
        }
        for restore in watches.restoreRequests(relativeZxid: lastZxidSeen, serverPath: settings.chroot.serverPath) {
            effects.append(.send(requests.send(PendingRequest(token: nil, request: restore, expected: .empty))))
        }
        effects += flush()
        if !effects.isEmpty { lastSendNanoseconds = nowNanoseconds }
        return effects
    }

    // MARK: Calls

    mutating func submit(_ request: PendingRequest, nowNanoseconds: UInt64) -> [SessionEffect] {
        if case let .ended(end) = phase { return fail(request, end.error) }
        if isClosing { return fail(request, SessionEnd.closed.error) }
        requests.enqueue(request)
        guard isConnected else { return [] }
        lastSendNanoseconds = nowNanoseconds
        return flush()
    }

    /// A caller gave up before its request was sent; it is dropped. A request
    /// already sent cannot be recalled, and its reply is matched as usual.
    mutating func cancelUnsent(_ token: RequestToken) -> PendingRequest? {
        requests.removeUnsent(token: token)
    }

    mutating func addAuth(_ packet: AuthPacket, token: RequestToken?, nowNanoseconds: UInt64) -> [SessionEffect] {
        if case let .ended(end) = phase {
            return token.map { [.complete($0, .failure(end.error))] } ?? []
        }
        let index = auth.add(packet, waiter: token)
        guard isConnected else { return [] }
        auth.sent(index)
        lastSendNanoseconds = nowNanoseconds
        return [.send(Self.authFrame(packet))]
    }

    /// close(): closeSession if there is a connection, else end at once.
    /// `token` completes when the session has ended.
    mutating func close(token: RequestToken, nowNanoseconds: UInt64) -> [SessionEffect] {
        if isEnded { return [.complete(token, .success(.empty))] }
        closeWaiters.append(token)
        if isClosing { return [] }
        isClosing = true
        guard isConnected else { return end(.closed) }
        requests.enqueue(PendingRequest(token: nil, request: .closeSession, expected: .empty))
        lastSendNanoseconds = nowNanoseconds
        return flush()
    }

    /// The shell stopped waiting for the closeSession reply.
    mutating func abandon() -> [SessionEffect] {
        end(.closed)
    }

    // MARK: Watches

    /// The caller stopped listening to a watch. A persistent watch is also
    /// removed at the server once nothing else watches its path; one-shot
    /// watches are left to fire there unseen, as Apache leaves them.
    mutating func watcherCancelled(_ watcher: WatcherID, nowNanoseconds: UInt64) -> [SessionEffect] {
        guard let registration = watches.remove(watcher) else {
            abandonedWatchers.insert(watcher)
            return []
        }
        guard registration.kind.isPersistent, !watches.hasWatchers(on: registration.path), !isEnded, !isClosing else { return [] }
        return removeAtServer(registration.path, nowNanoseconds: nowNanoseconds)
    }

    /// removeWatches: local watchers of `type` on the path end now; the server
    /// is asked to drop its side. Without a local watcher Apache answers
    /// noWatcher without asking the server, and so do we.
    mutating func removeWatches(
        path: String, type: WatcherType, token: RequestToken, nowNanoseconds: UInt64
    ) -> [SessionEffect] {
        if case let .ended(end) = phase { return [.complete(token, .failure(end.error))] }
        let removed = watches.removeWatchers(on: path, type: type)
        if removed.isEmpty { return [.complete(token, .failure(ZooKeeperError(code: .noWatcher)))] }
        let request = PendingRequest(
            token: token, request: .removeWatches(RemoveWatchesRequest(path: settings.chroot.serverPath(path), type: type.rawValue)),
            expected: .empty)
        return removed.map { .endWatch($0, nil) } + submit(request, nowNanoseconds: nowNanoseconds)
    }

    private mutating func removeAtServer(_ path: String, nowNanoseconds: UInt64) -> [SessionEffect] {
        let request = PendingRequest(
            token: nil,
            request: .removeWatches(RemoveWatchesRequest(path: settings.chroot.serverPath(path), type: WatcherType.any.rawValue)),
            expected: .empty)
        return submit(request, nowNanoseconds: nowNanoseconds)
    }

    // MARK: Time

    /// Called periodically: handshake timeout, read timeout, pings.
    mutating func tick(nowNanoseconds: UInt64) -> [SessionEffect] {
        switch phase {
        case let .handshaking(server, since):
            let limit = UInt64(settings.connectTimeoutMilliseconds) * 1_000_000
            guard nowNanoseconds &- since > limit else { return [] }
            return dropConnection("\(server) did not complete the handshake within \(settings.connectTimeoutMilliseconds) ms")
        case .connected:
            let silent = nowNanoseconds &- lastReceiveNanoseconds
            if silent > readTimeoutNanoseconds {
                return dropConnection("no reply from the server for \(silent / 1_000_000) ms")
            }
            guard nowNanoseconds &- lastSendNanoseconds >= pingIntervalNanoseconds else { return [] }
            lastSendNanoseconds = nowNanoseconds
            var writer = JuteWriter()
            writer.writeFrame { ClientRequest.ping.encode(xid: SpecialXid.ping, to: &$0) }
            return [.send(writer.bytes)]
        case .disconnected, .ended:
            return []
        }
    }

    // MARK: Helpers

    /// Sends every held request (only while connected).
    mutating func flush() -> [SessionEffect] {
        requests.takeUnsent().map { .send(requests.send($0)) }
    }

    /// A request that will get no reply: its caller fails, its watch ends.
    func fail(_ request: PendingRequest, _ error: ZooKeeperError) -> [SessionEffect] {
        var effects: [SessionEffect] = []
        if let watch = request.watch { effects.append(.endWatch(watch.watcher, nil)) }
        if let token = request.token { effects.append(.complete(token, .failure(error))) }
        return effects
    }

    /// The session is over for good: everyone waiting hears why.
    mutating func end(_ reason: SessionEnd) -> [SessionEffect] {
        guard !isEnded else { return [] }
        phase = .ended(reason)
        let error = reason.error
        var effects: [SessionEffect] = []
        for request in requests.takeInFlight() + requests.takeUnsent() {
            effects += fail(request, error)
        }
        for waiter in auth.takeAllWaiters() {
            effects.append(.complete(waiter, .failure(error)))
        }
        for watcher in watches.removeAll() {
            effects.append(.endWatch(watcher, reason == .closed ? nil : error))
        }
        for waiter in closeWaiters {
            effects.append(.complete(waiter, .success(.empty)))
        }
        closeWaiters = []
        effects.append(.emit(reason.event))
        effects.append(.sessionEnded(reason))
        return effects
    }

    static func authFrame(_ packet: AuthPacket) -> [UInt8] {
        var writer = JuteWriter()
        writer.writeFrame { ClientRequest.auth(packet).encode(xid: SpecialXid.auth, to: &$0) }
        return writer.bytes
    }
}
