// The I/O shell around SessionMachine: NIO connections, timers, and the
// callers' promises and watch streams. Everything here runs on one event loop,
// so the machine is never touched concurrently and needs no locks.

import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ZooKeeperProtocol

final class SessionDriver {
    typealias WatchContinuation = AsyncThrowingStream<WatchedEvent, any Error>.Continuation

    let loop: any EventLoop
    let logger: Logger
    private var machine: SessionMachine
    private var hosts: HostOrder
    private let reconnectDelay: TimeAmount
    private let connectTimeout: TimeAmount
    private let tickInterval: TimeAmount
    private let events: AsyncStream<SessionEvent>.Continuation
    private let snapshot: NIOLockedValueBox<SessionSnapshot>

    private var channel: (any Channel)?
    /// Bumped whenever a connection (or attempt) is written off.
    private var generation = 0
    private var attemptScheduled = false
    private var pendingAttempt: Scheduled<Void>?
    private var tickTask: RepeatedTask?
    private var promises: [RequestToken: EventLoopPromise<Reply>] = [:]
    private var watchStreams: [WatcherID: WatchContinuation] = [:]
    /// Until the first session: who waits for it, and until when.
    private var initialConnect: (promise: EventLoopPromise<Void>, deadline: NIODeadline)?
    private var isShutDown = false
    private let channelSetup: (@Sendable (any Channel, _ host: String) throws -> Void)?
    /// Why the last connection attempt or connection failed (a refused
    /// connect, a TLS handshake): the initial connect's error names it.
    private var lastFailure: String?
    /// Failures that retrying cannot cure (Configuration.isLastingFailure):
    /// when every server has failed this way, the initial connect gives up
    /// at once instead of at its deadline.
    private let isLastingFailure: (@Sendable (any Error) -> Bool)?
    private var lastingFailures: Set<ServerAddress> = []
    /// The server of the current connection or attempt.
    private var currentServer: ServerAddress?

    init(
        loop: any EventLoop, settings: SessionMachine.Settings, hosts: HostOrder, reconnectDelay: Duration,
        events: AsyncStream<SessionEvent>.Continuation, snapshot: NIOLockedValueBox<SessionSnapshot>, logger: Logger,
        channelSetup: (@Sendable (any Channel, _ host: String) throws -> Void)? = nil,
        isLastingFailure: (@Sendable (any Error) -> Bool)? = nil
    ) {
        self.channelSetup = channelSetup
        self.isLastingFailure = isLastingFailure
        self.loop = loop
        self.machine = SessionMachine(settings: settings)
        self.hosts = hosts
        self.reconnectDelay = .milliseconds(reconnectDelay.wholeMilliseconds)
        self.connectTimeout = .milliseconds(max(1, settings.connectTimeoutMilliseconds))
        // Fine enough for pings and timeouts (a few percent of the session
        // timeout), coarse enough to cost nothing.
        self.tickInterval = .milliseconds(min(250, max(10, Int64(settings.requestedTimeoutMilliseconds) / 20)))
        self.events = events
        self.snapshot = snapshot
        self.logger = logger
    }

    private var bound: NIOLoopBound<SessionDriver> { NIOLoopBound(self, eventLoop: loop) }

    private var now: UInt64 { NIODeadline.now().uptimeNanoseconds }

    // MARK: Starting

    /// Starts looking for a server; `promise` succeeds with the first session
    /// or fails with connectionLoss if none is found within `deadline`.
    func start(initialConnect promise: EventLoopPromise<Void>, deadline: NIODeadline) {
        loop.preconditionInEventLoop()
        initialConnect = (promise, deadline)
        let bound = self.bound
        tickTask = loop.scheduleRepeatedTask(initialDelay: tickInterval, delay: tickInterval) { _ in
            bound.value.tick()
        }
        attempt()
    }

    /// The caller of `connect` gave up.
    func cancelInitialConnect() {
        guard let initialConnect else { return }
        self.initialConnect = nil
        initialConnect.promise.fail(CancellationError())
        apply(machine.abandon())
    }

    private func attempt() {
        attemptScheduled = false
        guard !machine.isEnded, !isShutDown else { return }
        let (server, afterFullRound) = hosts.next()
        guard afterFullRound else { return connect(to: server) }
        logger.debug("no server answered; next round in \(reconnectDelay.nanoseconds / 1_000_000) ms")
        let bound = self.bound
        pendingAttempt = loop.scheduleTask(in: reconnectDelay) {
            bound.value.pendingAttempt = nil
            bound.value.connect(to: server)
        }
    }

    private func connect(to server: ServerAddress) {
        guard !machine.isEnded, !isShutDown else { return }
        generation += 1
        let attemptGeneration = generation
        let bound = self.bound
        currentServer = server
        logger.debug("connecting to \(server)")
        ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [channelSetup] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channelSetup?(channel, server.host)
                    let handler = ReplyChannelHandler(driver: bound.value, generation: attemptGeneration)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: server.host, port: server.port)
            .whenComplete { result in
                let driver = bound.value
                switch result {
                case let .success(channel): driver.opened(channel, to: server, generation: attemptGeneration)
                case let .failure(error): driver.attemptFailed(server, error, generation: attemptGeneration)
                }
            }
    }

    private func opened(_ channel: any Channel, to server: ServerAddress, generation attemptGeneration: Int) {
        guard attemptGeneration == generation, !machine.isEnded, !isShutDown else {
            channel.close(promise: nil)
            return
        }
        self.channel = channel
        apply(machine.connectionOpened(to: server, nowNanoseconds: now))
    }

    private func attemptFailed(_ server: ServerAddress, _ error: any Error, generation attemptGeneration: Int) {
        guard attemptGeneration == generation else { return }
        generation += 1
        logger.debug("cannot connect to \(server): \(error)")
        lastFailure = "\(server): \(Self.describe(error))"
        noteLasting(error, server: server)
        scheduleAttempt()
    }

    private func noteLasting(_ error: any Error, server: ServerAddress?) {
        guard initialConnect != nil, let server, isLastingFailure?(error) == true else { return }
        lastingFailures.insert(server)
    }

    private func scheduleAttempt() {
        guard !machine.isEnded, !isShutDown, !attemptScheduled, pendingAttempt == nil else { return }
        let everyServerRefused = !lastingFailures.isEmpty && lastingFailures.count >= Set(hosts.servers).count
        if let initialConnect, everyServerRefused || NIODeadline.now() >= initialConnect.deadline {
            let what = everyServerRefused ? "every server refused the connection" : "no server answered before the connect deadline"
            let error = ZooKeeperError(code: .connectionLoss, detail: what + (lastFailure.map { " (last: \($0))" } ?? ""))
            initialConnect.promise.fail(error)
            self.initialConnect = nil
            apply(machine.abandon())
            return
        }
        attemptScheduled = true
        let bound = self.bound
        // Through the loop, not recursively: a refused connect can complete at once.
        loop.execute { bound.value.attempt() }
    }

    // MARK: Connection events

    func received(_ bytes: [UInt8], generation connectionGeneration: Int) {
        guard connectionGeneration == generation else { return }
        apply(machine.receive(bytes, nowNanoseconds: now))
    }

    /// The connection failed before it closed (a TLS handshake, a reset).
    func connectionFailed(_ error: any Error, generation connectionGeneration: Int) {
        guard connectionGeneration == generation else { return }
        lastFailure = Self.describe(error)
        noteLasting(error, server: currentServer)
    }

    static func describe(_ error: any Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        if let connection = error as? NIOConnectionError, let first = connection.connectionErrors.first { return describe(first.error) }
        return "\(error)"
    }

    func connectionEnded(generation connectionGeneration: Int) {
        guard connectionGeneration == generation else { return }
        generation += 1
        channel = nil
        apply(machine.connectionClosed())
        scheduleAttempt()
    }

    private func tick() {
        apply(machine.tick(nowNanoseconds: now))
    }

    // MARK: Calls

    func submit(_ request: PendingRequest, promise: EventLoopPromise<Reply>?, watch: (WatcherID, WatchContinuation)?) {
        if let token = request.token, let promise { promises[token] = promise }
        if let (watcher, continuation) = watch { watchStreams[watcher] = continuation }
        apply(machine.submit(request, nowNanoseconds: now))
    }

    /// The caller's task was cancelled: drop the request if it is still held.
    func cancel(_ token: RequestToken) {
        guard let request = machine.cancelUnsent(token) else { return }
        promises.removeValue(forKey: token)?.fail(CancellationError())
        if let watch = request.watch { watchStreams.removeValue(forKey: watch.watcher)?.finish() }
    }

    func addAuth(_ credential: ZooKeeperClient.AuthCredential, token: RequestToken, promise: EventLoopPromise<Reply>) {
        promises[token] = promise
        apply(machine.addAuth(AuthPacket(type: 0, scheme: credential.scheme, auth: credential.auth), token: token, nowNanoseconds: now))
    }

    func removeWatches(path: String, type: WatcherType, token: RequestToken, promise: EventLoopPromise<Reply>) {
        promises[token] = promise
        apply(machine.removeWatches(path: path, type: type, token: token, nowNanoseconds: now))
    }

    func watchTerminated(_ watcher: WatcherID) {
        guard watchStreams.removeValue(forKey: watcher) != nil else { return }
        apply(machine.watcherCancelled(watcher, nowNanoseconds: now))
    }

    /// Sends closeSession and gives the server `timeout` to confirm it.
    func close(token: RequestToken, promise: EventLoopPromise<Reply>, timeout: Duration) {
        promises[token] = promise
        apply(machine.close(token: token, nowNanoseconds: now))
        guard !machine.isEnded else { return }
        let bound = self.bound
        loop.scheduleTask(in: .milliseconds(timeout.wholeMilliseconds)) {
            let driver = bound.value
            guard !driver.machine.isEnded else { return }
            driver.logger.debug("no reply to closeSession; closing anyway")
            driver.apply(driver.machine.abandon())
        }
    }

    // MARK: Effects

    private func apply(_ effects: [SessionEffect]) {
        var written = false
        for effect in effects {
            switch effect {
            case let .send(frame):
                guard let channel else { continue }
                channel.write(ByteBuffer(bytes: frame), promise: nil)
                written = true
            case let .complete(token, result):
                promises.removeValue(forKey: token)?.completeWith(result.mapError { $0 as any Error })
            case let .deliver(watcher, event, isFinal):
                watchStreams[watcher]?.yield(event)
                if isFinal { watchStreams.removeValue(forKey: watcher)?.finish() }
            case let .endWatch(watcher, error):
                watchStreams.removeValue(forKey: watcher)?.finish(throwing: error)
            case let .emit(event):
                emit(event)
            case let .closeConnection(reason):
                logger.debug("closing connection: \(reason)")
                let closing = channel
                channel = nil
                generation += 1
                closing?.flush()
                closing?.close(promise: nil)
                written = false
                scheduleAttempt()
            case let .sessionEnded(reason):
                shutDown(reason)
            }
        }
        if written { channel?.flush() }
    }

    private func emit(_ event: SessionEvent) {
        snapshot.withLockedValue { $0.apply(event) }
        switch event {
        case let .connected(server, sessionId, timeout), let .reconnected(server, sessionId, timeout):
            logger.info("session 0x\(String(sessionId, radix: 16)) on \(server), timeout \(timeout)")
            hosts.connected()
            initialConnect?.promise.succeed()
            initialConnect = nil
        case .disconnected:
            logger.info("disconnected; looking for a server")
        case .expired, .authFailed, .closed:
            logger.info("session ended: \(event)")
        }
        events.yield(event)
    }

    private func shutDown(_ reason: SessionEnd) {
        guard !isShutDown else { return }
        isShutDown = true
        tickTask?.cancel()
        tickTask = nil
        pendingAttempt?.cancel()
        pendingAttempt = nil
        generation += 1
        channel?.flush()
        channel?.close(promise: nil)
        channel = nil
        initialConnect?.promise.fail(reason.error)
        initialConnect = nil
        for (_, promise) in promises { promise.fail(reason.error) }
        promises = [:]
        for (_, stream) in watchStreams { stream.finish(throwing: reason == .closed ? nil : reason.error) }
        watchStreams = [:]
        events.finish()
    }
}
