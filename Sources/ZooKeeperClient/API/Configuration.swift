import Logging
import NIOCore

extension ZooKeeperClient {
    /// How to reach the ensemble and what session to ask for.
    public struct Configuration: Sendable {
        /// "host1:port1,host2:port2/chroot"; see `ConnectString`.
        public var connectString: String
        /// Requested session timeout; the server clamps it to its
        /// [minSessionTimeout, maxSessionTimeout] (2 and 20 ticks by default).
        public var sessionTimeout: Duration
        /// TCP connect plus handshake, per server tried. nil: the session
        /// timeout divided by the number of servers, as Apache does.
        public var connectTimeout: Duration?
        /// Pause after every server was tried without success, before the
        /// next round (Apache sleeps up to a second there).
        public var reconnectDelay: Duration
        /// Sent after every (re)connect, before anything else (addAuth).
        public var credentials: [AuthCredential]
        /// nil: NIO's shared singleton group. The client uses one loop of it.
        public var eventLoopGroup: (any EventLoopGroup)?
        public var logger: Logger
        /// Fixes the otherwise random order in which servers are tried.
        public var hostOrderSeed: UInt64?
        /// How long `close()` waits for the server to confirm closeSession.
        public var closeTimeout: Duration
        /// Largest reply accepted from a server; a longer frame is treated as
        /// a broken connection.
        public var maxReplyBytes: Int
        /// Runs first on every new connection, with the server's host as
        /// given, before the client's own handler: TLS goes here
        /// (`ConnectionSecurity.ClientTLS.secure`).
        public var channelSetup: (@Sendable (any Channel, _ host: String) throws -> Void)?
        /// A connection failure that retrying cannot cure (a TLS handshake the
        /// server refused, a certificate we refuse): once every server has
        /// failed this way, `connect` gives up at once instead of retrying
        /// until its deadline. nil: every failure is retried.
        public var isLastingFailure: (@Sendable (any Error) -> Bool)?

        public init(
            connectString: String,
            sessionTimeout: Duration = .seconds(30),
            connectTimeout: Duration? = nil,
            reconnectDelay: Duration = .seconds(1),
            credentials: [AuthCredential] = [],
            eventLoopGroup: (any EventLoopGroup)? = nil,
            logger: Logger = Logger(label: "zkdash.client"),
            hostOrderSeed: UInt64? = nil,
            closeTimeout: Duration = .seconds(2),
            maxReplyBytes: Int = 4 * 1024 * 1024,
            channelSetup: (@Sendable (any Channel, _ host: String) throws -> Void)? = nil
        ) {
            self.channelSetup = channelSetup
            self.connectString = connectString
            self.sessionTimeout = sessionTimeout
            self.connectTimeout = connectTimeout
            self.reconnectDelay = reconnectDelay
            self.credentials = credentials
            self.eventLoopGroup = eventLoopGroup
            self.logger = logger
            self.hostOrderSeed = hostOrderSeed
            self.closeTimeout = closeTimeout
            self.maxReplyBytes = maxReplyBytes
        }
    }

    /// One identity for addAuth: a scheme and its scheme-specific bytes.
    public struct AuthCredential: Sendable, Hashable {
        public var scheme: String
        public var auth: [UInt8]

        public init(scheme: String, auth: [UInt8]) {
            self.scheme = scheme
            self.auth = auth
        }

        /// The "digest" scheme: "user:password", which the server turns into
        /// the id "user:base64(sha1(user:password))".
        public static func digest(user: String, password: String) -> AuthCredential {
            AuthCredential(scheme: "digest", auth: Array("\(user):\(password)".utf8))
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded down, never negative.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
