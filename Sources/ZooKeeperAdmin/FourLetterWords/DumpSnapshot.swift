/// Apache's `ExpiryQueue`: elements grouped by the time they expire, each
/// time a multiple of the queue's interval. `dump` prints one such queue for
/// sessions and one for connections.
public struct ExpiryQueueSnapshot: Sendable, Equatable {
    public struct Bucket: Sendable, Equatable {
        /// Expiry time, ms since the Unix epoch (printed as a UTC date).
        public var expiresAtEpochMs: Int64
        /// Element texts in print order: `0x<session id>` for sessions,
        /// `ip: /127.0.0.1:1234 sessionId: 0x<id>` for connections.
        public var elements: [String]

        public init(expiresAtEpochMs: Int64, elements: [String]) {
            self.expiresAtEpochMs = expiresAtEpochMs
            self.elements = elements
        }
    }

    /// Printed in ascending time. Apache keeps (and prints, as `0 expire at`)
    /// buckets that emptied when their sessions moved on.
    public var buckets: [Bucket]

    public init(buckets: [Bucket]) {
        self.buckets = buckets.sorted { $0.expiresAtEpochMs < $1.expiresAtEpochMs }
    }

    /// Buckets individual deadlines the way Apache's `ExpiryQueue` does:
    /// each deadline is rounded up to the next multiple of `intervalMs`
    /// (the session tracker uses tickTime). Order within a bucket is kept.
    public init(deadlines: [(element: String, deadlineEpochMs: Int64)], intervalMs: Int64) {
        var order: [Int64] = []
        var byTime: [Int64: [String]] = [:]
        for (element, deadline) in deadlines {
            let time = (deadline / intervalMs + 1) * intervalMs
            if byTime[time] == nil { order.append(time) }
            byTime[time, default: []].append(element)
        }
        self.init(buckets: order.map { Bucket(expiresAtEpochMs: $0, elements: byTime[$0]!) })
    }

    /// Element text for a session: `0x` + hex id.
    public static func sessionElement(_ sessionId: Int64) -> String {
        "0x" + JavaFormat.hex(sessionId)
    }

    /// Element text for a connection (Apache's `NIOServerCnxn.toString`).
    public static func connectionElement(remoteAddress: String, sessionId: Int64) -> String {
        "ip: \(remoteAddress) sessionId: 0x\(JavaFormat.hex(sessionId))"
    }

    /// Number of elements over all buckets (the second number in `Sets (n)/(m)`).
    public var elementCount: Int { buckets.reduce(0) { $0 + $1.elements.count } }
}

/// One session's ephemeral znodes, for `dump`.
public struct SessionEphemerals: Sendable, Equatable {
    public var sessionId: Int64
    /// Full paths, in print order.
    public var paths: [String]

    public init(sessionId: Int64, paths: [String]) {
        self.sessionId = sessionId
        self.paths = paths
    }
}

/// Everything `dump` prints.
public struct DumpSnapshot: Sendable, Equatable {
    /// Sessions by expiry time (tickTime buckets).
    public var sessions: ExpiryQueueSnapshot
    /// Sessions that own ephemeral nodes, with their paths.
    public var ephemerals: [SessionEphemerals]
    /// Connections by idle-expiry time. Apache's NIO factory keeps this queue;
    /// servers without one pass an empty queue (the section header stays).
    public var connections: ExpiryQueueSnapshot

    public init(sessions: ExpiryQueueSnapshot, ephemerals: [SessionEphemerals], connections: ExpiryQueueSnapshot) {
        self.sessions = sessions
        self.ephemerals = ephemerals
        self.connections = connections
    }
}
