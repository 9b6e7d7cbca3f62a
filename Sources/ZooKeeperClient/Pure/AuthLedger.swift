// Credentials of the session. Apache replays every addAuthInfo on each new
// connection, and auth replies (xid -4) are not in the request FIFO: the
// server answers auth at once, possibly before earlier writes. They come back
// in the order the auth packets were sent, so a FIFO of their own matches them.

import ZooKeeperProtocol

struct AuthLedger: Sendable {
    private(set) var credentials: [AuthPacket] = []
    /// Callers waiting for a credential to be accepted, by credential index.
    private var waiters: [Int: [RequestToken]] = [:]
    /// Credential indices sent on this connection whose reply is due, oldest first.
    private var awaitingReply: [Int] = []

    /// Records a credential (once, however often it is added) and a waiter for
    /// its acceptance. Returns its index.
    mutating func add(_ packet: AuthPacket, waiter: RequestToken?) -> Int {
        let index: Int
        if let existing = credentials.firstIndex(of: packet) {
            index = existing
        } else {
            credentials.append(packet)
            index = credentials.count - 1
        }
        if let waiter { waiters[index, default: []].append(waiter) }
        return index
    }

    mutating func sent(_ index: Int) {
        awaitingReply.append(index)
    }

    /// The waiters an auth reply resolves (nil if no auth reply was due).
    mutating func replyArrived() -> [RequestToken]? {
        guard !awaitingReply.isEmpty else { return nil }
        let index = awaitingReply.removeFirst()
        return waiters.removeValue(forKey: index) ?? []
    }

    /// Replies still due will not come; the waiters wait for the replay on
    /// the next connection.
    mutating func connectionLost() {
        awaitingReply = []
    }

    mutating func takeAllWaiters() -> [RequestToken] {
        defer { waiters = [:] }
        return waiters.keys.sorted().flatMap { waiters[$0] ?? [] }
    }
}
