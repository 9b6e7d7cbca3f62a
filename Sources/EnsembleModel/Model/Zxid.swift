/// A ZooKeeper transaction id: the leader epoch in the high 32 bits, a counter
/// of transactions within that epoch in the low 32 bits.
public struct Zxid: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public init(epoch: UInt32, counter: UInt32) {
        rawValue = UInt64(epoch) << 32 | UInt64(counter)
    }

    /// Reads `0x100000003` (as `srvr` prints it) or plain decimal.
    public init?(text: some StringProtocol) {
        let trimmed = text.trimmingWhitespace()
        if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") {
            guard let value = UInt64(trimmed.dropFirst(2), radix: 16) else { return nil }
            rawValue = value
        } else {
            guard let value = UInt64(trimmed) else { return nil }
            rawValue = value
        }
    }

    public var epoch: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 32) }
    public var counter: UInt32 { UInt32(truncatingIfNeeded: rawValue) }

    /// `0x100000003`, as Apache prints zxids.
    public var hex: String { "0x" + String(rawValue, radix: 16) }
    /// `1:3`, as the dashboard shows them.
    public var epochColonCounter: String { "\(epoch):\(counter)" }
    public var description: String { hex }

    public static func < (a: Zxid, b: Zxid) -> Bool { a.rawValue < b.rawValue }
}

extension StringProtocol {
    func trimmingWhitespace() -> Substring {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
