// The ZooKeeper client library; see docs/client.md.

import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ZooKeeperProtocol

/// A ZooKeeper session over async/await. Create one with `connect(_:)`; it
/// reconnects by itself until the session expires or `close()` is called.
/// Keep the client alive while you use its watches: releasing it closes the session.
public final class ZooKeeperClient: Sendable {
    /// Session changes, starting with `.connected`. Meant for one consumer; it
    /// ends after `.expired`, `.authFailed` or `.closed`.
    public let sessionEvents: AsyncStream<SessionEvent>

    let loop: any EventLoop
    let driver: NIOLoopBound<SessionDriver>
    let chroot: Chroot
    let closeTimeout: Duration
    private let snapshot: NIOLockedValueBox<SessionSnapshot>
    private let lastIdentifier = NIOLockedValueBox(0)

    private init(
        loop: any EventLoop, driver: NIOLoopBound<SessionDriver>, chroot: Chroot, closeTimeout: Duration,
        snapshot: NIOLockedValueBox<SessionSnapshot>, sessionEvents: AsyncStream<SessionEvent>
    ) {
        self.loop = loop
        self.driver = driver
        self.chroot = chroot
        self.closeTimeout = closeTimeout
        self.snapshot = snapshot
        self.sessionEvents = sessionEvents
    }

    deinit {
        // Nobody can use the session any more: end it now rather than leave
        // its ephemeral nodes to the session timeout.
        let driver = self.driver
        let token = nextIdentifier()
        let promise = loop.makePromise(of: Reply.self)
        let timeout = closeTimeout
        loop.execute { driver.value.close(token: token, promise: promise, timeout: timeout) }
    }

    /// Connects to one server of the connect string and establishes a session
    /// (and the configured credentials). Throws `ConnectStringError` for a bad
    /// connect string, `ZooKeeperError(.connectionLoss)` when no server gave a
    /// session within the session timeout (or the connect timeout if longer),
    /// and `ZooKeeperError(.authFailed)` when a credential is refused.
    /// Cancelling the task stops the attempt (CancellationError).
    public static func connect(_ configuration: Configuration) async throws -> ZooKeeperClient {
        let connectString = try ConnectString(parsing: configuration.connectString)
        let sessionTimeoutMilliseconds = Int32(clamping: configuration.sessionTimeout.wholeMilliseconds)
        let connectTimeoutMilliseconds = configuration.connectTimeout?.wholeMilliseconds
            ?? Int64(sessionTimeoutMilliseconds) / Int64(connectString.servers.count)
        let settings = SessionMachine.Settings(
            requestedTimeoutMilliseconds: sessionTimeoutMilliseconds,
            connectTimeoutMilliseconds: max(1, connectTimeoutMilliseconds),
            chroot: Chroot(connectString.chroot),
            maxFrameBytes: configuration.maxReplyBytes)
        var hosts: HostOrder
        if let seed = configuration.hostOrderSeed {
            var generator = SplitMix64(seed: seed)
            hosts = HostOrder(connectString.servers, using: &generator)
        } else {
            var generator = SystemRandomNumberGenerator()
            hosts = HostOrder(connectString.servers, using: &generator)
        }
        let loop = (configuration.eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton).next()
        let (events, eventsContinuation) = AsyncStream.makeStream(of: SessionEvent.self, bufferingPolicy: .bufferingNewest(1024))
        let snapshot = NIOLockedValueBox(SessionSnapshot())
        let initialHosts = hosts
        let driver = try await loop.submit {
            NIOLoopBound(
                SessionDriver(
                    loop: loop, settings: settings, hosts: initialHosts, reconnectDelay: configuration.reconnectDelay,
                    events: eventsContinuation, snapshot: snapshot, logger: configuration.logger,
                    channelSetup: configuration.channelSetup, isLastingFailure: configuration.isLastingFailure),
                eventLoop: loop)
        }.get()
        let client = ZooKeeperClient(
            loop: loop, driver: driver, chroot: settings.chroot, closeTimeout: configuration.closeTimeout,
            snapshot: snapshot, sessionEvents: events)

        let connected = loop.makePromise(of: Void.self)
        var credentialReplies: [EventLoopFuture<Reply>] = []
        for credential in configuration.credentials {
            let token = client.nextIdentifier()
            let promise = loop.makePromise(of: Reply.self)
            credentialReplies.append(promise.futureResult)
            loop.execute { driver.value.addAuth(credential, token: token, promise: promise) }
        }
        let deadlineMilliseconds = max(Int64(sessionTimeoutMilliseconds), settings.connectTimeoutMilliseconds)
        loop.execute {
            driver.value.start(initialConnect: connected, deadline: .now() + .milliseconds(deadlineMilliseconds))
        }
        try await withTaskCancellationHandler {
            try await connected.futureResult.get()
        } onCancel: {
            loop.execute { driver.value.cancelInitialConnect() }
        }
        for reply in credentialReplies { _ = try await reply.get() }
        return client
    }

    // MARK: Session state

    /// The session's id (0 before the first session).
    public var sessionId: Int64 { snapshot.withLockedValue { $0.sessionId } }

    /// The session timeout the server granted.
    public var negotiatedSessionTimeout: Duration { snapshot.withLockedValue { $0.negotiatedTimeout } }

    /// The server of the current connection; nil while reconnecting or after the end.
    public var connectedServer: ServerAddress? { snapshot.withLockedValue { $0.connectedServer } }

    /// Whether the session has ended (expired, auth failed or closed).
    public var isSessionEnded: Bool { snapshot.withLockedValue { $0.end != nil } }

    /// Ends the session: closeSession, waiting up to the configured close
    /// timeout for the server to confirm. Calls made afterwards fail with
    /// sessionExpired, as Apache's do after close.
    public func close() async {
        let token = nextIdentifier()
        let promise = loop.makePromise(of: Reply.self)
        let driver = self.driver
        let timeout = closeTimeout
        loop.execute { driver.value.close(token: token, promise: promise, timeout: timeout) }
        _ = try? await promise.futureResult.get()
    }

    // MARK: Plumbing for the operations

    func nextIdentifier() -> Int {
        lastIdentifier.withLockedValue {
            $0 += 1
            return $0
        }
    }

    /// Sends one request and waits for its reply. Errors carry `clientPath`.
    /// If the task is cancelled before the request left the client, it is
    /// dropped and the call throws CancellationError.
    func call(
        _ request: ClientRequest, expecting expected: ExpectedReply, path clientPath: String?,
        watch: (PendingWatch, AsyncThrowingStream<WatchedEvent, any Error>.Continuation)? = nil
    ) async throws -> Reply {
        let token = nextIdentifier()
        let promise = loop.makePromise(of: Reply.self)
        let driver = self.driver
        let pending = PendingRequest(token: token, request: request, expected: expected, watch: watch?.0)
        let stream = watch.map { ($0.0.watcher, $0.1) }
        loop.execute { driver.value.submit(pending, promise: promise, watch: stream) }
        do {
            return try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: { [loop] in
                loop.execute { driver.value.cancel(token) }
            }
        } catch let error as ZooKeeperError {
            throw clientPath.map { error.at($0) } ?? error
        }
    }

    /// A stream for a watch about to be registered; dropping it (or cancelling
    /// its consumer) unregisters the watch.
    func makeWatchStream() -> (WatcherID, AsyncThrowingStream<WatchedEvent, any Error>, AsyncThrowingStream<WatchedEvent, any Error>.Continuation) {
        let watcher = nextIdentifier()
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: WatchedEvent.self, throwing: (any Error).self)
        let driver = self.driver
        continuation.onTermination = { [loop] termination in
            guard case .cancelled = termination else { return }
            loop.execute { driver.value.watchTerminated(watcher) }
        }
        return (watcher, stream, continuation)
    }

    /// The server path for a client path, after Apache's client-side checks.
    func serverPath(_ clientPath: String, isSequential: Bool = false) throws -> String {
        if let problem = PathValidation.problem(in: clientPath, isSequential: isSequential) {
            throw ZooKeeperError(code: .badArguments, path: clientPath, detail: problem)
        }
        return chroot.serverPath(clientPath)
    }
}
