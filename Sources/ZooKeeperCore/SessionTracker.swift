/// Live sessions and their expiry, tick-based like Apache's ExpiryQueue:
/// a session's deadline is rounded up to the next tick boundary so that one
/// timer pass per tick expires every due session at once.
public struct SessionTracker: Sendable {
    public struct Session: Sendable, Equatable {
        public var id: Int64
        public var timeoutMs: Int
        public var expiresAtMs: Int64
        public var isClosing: Bool = false
    }

    public let tickTimeMs: Int
    public private(set) var sessions: [Int64: Session] = [:]
    private var nextSessionId: Int64
    /// Deadline (a tick boundary) → live sessions due then: Apache's
    /// ExpiryQueue. A tick looks only at the buckets that came due, so its
    /// cost follows the sessions that expire, not the sessions that exist.
    private var expiryBuckets: [Int64: Set<Int64>] = [:]
    /// The oldest bucket `expire` has not looked at yet.
    private var nextBucketMs: Int64

    /// Apache seeds session ids with the start time and server id:
    /// `((now << 24) >>> 8) | (sid << 56)`, so ids from different servers and
    /// restarts do not collide.
    public init(tickTimeMs: Int, serverId: Int64, startTimeMs: Int64) {
        self.tickTimeMs = max(1, tickTimeMs)
        let shifted = Int64(bitPattern: UInt64(bitPattern: startTimeMs << 24) >> 8)
        nextSessionId = shifted | (serverId << 56)
        nextBucketMs = (startTimeMs / Int64(self.tickTimeMs)) * Int64(self.tickTimeMs)
    }

    public var count: Int { sessions.count }

    public mutating func allocateSessionId() -> Int64 {
        defer { nextSessionId += 1 }
        return nextSessionId
    }

    private func deadline(nowMs: Int64, timeoutMs: Int) -> Int64 {
        let tick = Int64(tickTimeMs)
        let due = nowMs + Int64(timeoutMs)
        return (due / tick + 1) * tick
    }

    private mutating func schedule(_ id: Int64, from oldDeadline: Int64?, to newDeadline: Int64?) {
        guard oldDeadline != newDeadline else { return }
        if let oldDeadline {
            expiryBuckets[oldDeadline]?.remove(id)
            if expiryBuckets[oldDeadline]?.isEmpty == true { expiryBuckets[oldDeadline] = nil }
        }
        if let newDeadline {
            expiryBuckets[newDeadline, default: []].insert(id)
            nextBucketMs = min(nextBucketMs, newDeadline)
        }
    }

    public mutating func add(id: Int64, timeoutMs: Int, nowMs: Int64) {
        let old = sessions[id]
        let session = Session(id: id, timeoutMs: timeoutMs, expiresAtMs: deadline(nowMs: nowMs, timeoutMs: timeoutMs))
        sessions[id] = session
        schedule(id, from: old.flatMap { $0.isClosing ? nil : $0.expiresAtMs }, to: session.expiresAtMs)
        // Ids restored from a snapshot or log must not be handed out again.
        if id >= nextSessionId && (id >> 56) == (nextSessionId >> 56) { nextSessionId = id + 1 }
    }

    /// Extends a live session's deadline. False when it is gone or closing.
    @discardableResult
    public mutating func touch(_ id: Int64, nowMs: Int64) -> Bool {
        guard var session = sessions[id], !session.isClosing else { return false }
        let old = session.expiresAtMs
        session.expiresAtMs = max(session.expiresAtMs, deadline(nowMs: nowMs, timeoutMs: session.timeoutMs))
        guard session.expiresAtMs != old else { return true }
        sessions[id] = session
        schedule(id, from: old, to: session.expiresAtMs)
        return true
    }

    /// A reconnect negotiates a new timeout; the deadline follows it (Apache's
    /// ExpiryQueue.update replaces the old deadline).
    public mutating func retime(_ id: Int64, timeoutMs: Int, nowMs: Int64) {
        guard var session = sessions[id], !session.isClosing else { return }
        let old = session.expiresAtMs
        session.timeoutMs = timeoutMs
        session.expiresAtMs = deadline(nowMs: nowMs, timeoutMs: timeoutMs)
        sessions[id] = session
        schedule(id, from: old, to: session.expiresAtMs)
    }

    public func isAlive(_ id: Int64) -> Bool {
        guard let session = sessions[id] else { return false }
        return !session.isClosing
    }

    public mutating func markClosing(_ id: Int64) {
        guard let session = sessions[id], !session.isClosing else { return }
        sessions[id]?.isClosing = true
        schedule(id, from: session.expiresAtMs, to: nil)
    }

    public mutating func remove(_ id: Int64) {
        guard let session = sessions.removeValue(forKey: id) else { return }
        if !session.isClosing { schedule(id, from: session.expiresAtMs, to: nil) }
    }

    /// Sessions whose deadline has passed and that are not already closing;
    /// they are marked closing so a second tick does not expire them twice.
    /// Visits only the buckets that came due since the last call (or, after a
    /// long gap, the bucket list once): O(expired + ticks elapsed).
    public mutating func expire(nowMs: Int64) -> [Session] {
        let tick = Int64(tickTimeMs)
        var dueDeadlines: [Int64] = []
        if nowMs >= nextBucketMs {
            if (nowMs - nextBucketMs) / tick < Int64(expiryBuckets.count) {
                var deadline = nextBucketMs
                while deadline <= nowMs {
                    if expiryBuckets[deadline] != nil { dueDeadlines.append(deadline) }
                    deadline += tick
                }
            } else {
                dueDeadlines = expiryBuckets.keys.filter { $0 <= nowMs }
            }
            nextBucketMs = (nowMs / tick + 1) * tick
        }
        var due: [Session] = []
        for deadline in dueDeadlines {
            for id in expiryBuckets.removeValue(forKey: deadline) ?? [] {
                guard let session = sessions[id] else { continue }
                assert(!session.isClosing && session.expiresAtMs == deadline, "session 0x\(String(id, radix: 16)) in the wrong expiry bucket")
                sessions[id]?.isClosing = true
                due.append(session)
            }
        }
        return due.sorted { $0.id < $1.id }
    }
}
