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

    /// Apache seeds session ids with the start time and server id:
    /// `((now << 24) >>> 8) | (sid << 56)`, so ids from different servers and
    /// restarts do not collide.
    public init(tickTimeMs: Int, serverId: Int64, startTimeMs: Int64) {
        self.tickTimeMs = max(1, tickTimeMs)
        let shifted = Int64(bitPattern: UInt64(bitPattern: startTimeMs << 24) >> 8)
        nextSessionId = shifted | (serverId << 56)
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

    public mutating func add(id: Int64, timeoutMs: Int, nowMs: Int64) {
        sessions[id] = Session(id: id, timeoutMs: timeoutMs, expiresAtMs: deadline(nowMs: nowMs, timeoutMs: timeoutMs))
        // Ids restored from a snapshot or log must not be handed out again.
        if id >= nextSessionId && (id >> 56) == (nextSessionId >> 56) { nextSessionId = id + 1 }
    }

    /// Extends a live session's deadline. False when it is gone or closing.
    @discardableResult
    public mutating func touch(_ id: Int64, nowMs: Int64) -> Bool {
        guard var session = sessions[id], !session.isClosing else { return false }
        session.expiresAtMs = max(session.expiresAtMs, deadline(nowMs: nowMs, timeoutMs: session.timeoutMs))
        sessions[id] = session
        return true
    }

    /// A reconnect negotiates a new timeout; the deadline follows it (Apache's
    /// ExpiryQueue.update replaces the old deadline).
    public mutating func retime(_ id: Int64, timeoutMs: Int, nowMs: Int64) {
        guard var session = sessions[id], !session.isClosing else { return }
        session.timeoutMs = timeoutMs
        session.expiresAtMs = deadline(nowMs: nowMs, timeoutMs: timeoutMs)
        sessions[id] = session
    }

    public func isAlive(_ id: Int64) -> Bool {
        guard let session = sessions[id] else { return false }
        return !session.isClosing
    }

    public mutating func markClosing(_ id: Int64) {
        sessions[id]?.isClosing = true
    }

    public mutating func remove(_ id: Int64) {
        sessions[id] = nil
    }

    /// Sessions whose deadline has passed and that are not already closing;
    /// they are marked closing so a second tick does not expire them twice.
    public mutating func expire(nowMs: Int64) -> [Session] {
        var due: [Session] = []
        for session in sessions.values where !session.isClosing && session.expiresAtMs <= nowMs {
            due.append(session)
        }
        for session in due { sessions[session.id]?.isClosing = true }
        return due.sorted { $0.id < $1.id }
    }
}
