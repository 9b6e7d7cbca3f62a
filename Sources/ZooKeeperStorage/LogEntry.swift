/// One transaction as stored in the log. The payload is opaque: the server serializes the
/// txn header and body itself; storage only frames, checksums and persists the bytes.
public struct LogEntry: Sendable, Equatable {
    public let zxid: Int64
    public let payload: [UInt8]

    public init(zxid: Int64, payload: [UInt8]) {
        self.zxid = zxid
        self.payload = payload
    }
}

/// The result of reading the log back at startup.
public struct RecoveredLog: Sendable {
    /// Valid entries after the requested zxid, in zxid order.
    public var entries: [LogEntry]
    /// One human-readable line per repair made (truncations, files moved aside), for the server log.
    public var repairs: [String]

    public init(entries: [LogEntry] = [], repairs: [String] = []) {
        self.entries = entries
        self.repairs = repairs
    }
}
