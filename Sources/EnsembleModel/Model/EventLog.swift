/// One thing that happened in the ensemble, as the monitor saw it.
public struct MonitorEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// The first round: every node's state, the leader and the quorum.
        case initial
        case state, election, quorum, lag, membership
    }

    /// Wall-clock ms since 1970 when the poll round that saw it completed
    /// (an election replayed from a server's own record: when it ended).
    public var timeMs: Int64
    public var kind: Kind
    /// Member index, when the event is about one node.
    public var memberIndex: Int?
    /// "s3 LEADING → DOWN (connection refused)".
    public var text: String

    public init(timeMs: Int64, kind: Kind, memberIndex: Int? = nil, text: String) {
        self.timeMs = timeMs
        self.kind = kind
        self.memberIndex = memberIndex
        self.text = text
    }
}

/// The newest `capacity` events; `sequence` numbers let a reader ask for
/// "everything after the last one I showed".
public struct EventLog: Sendable {
    public private(set) var buffer: RingBuffer<MonitorEvent>
    /// Total events ever appended (the newest has number `appendedCount - 1`).
    public private(set) var appendedCount = 0

    public init(capacity: Int = 1000) { buffer = RingBuffer(capacity: capacity) }

    mutating func append(_ event: MonitorEvent) {
        buffer.append(event)
        appendedCount += 1
    }

    public var events: [MonitorEvent] { buffer.values }

    /// Events appended after the first `count` ever appended (as many as are still kept).
    public func events(after count: Int) -> [MonitorEvent] {
        let newCount = max(0, appendedCount - count)
        return Array(buffer.values.suffix(newCount))
    }
}

enum NumberText {
    /// 1204 → "1,204": lag counts are read at a glance.
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }
}
