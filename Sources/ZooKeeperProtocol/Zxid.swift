/// A ZooKeeper transaction id: the epoch of the leader that proposed the txn
/// in the high 32 bits, a counter of transactions within that epoch in the low
/// 32 (Apache's ZxidUtils). The one zxid type of the project: the server, ZAB
/// and election handle zxids as Apache's signed longs through the static
/// helpers; the monitor and the dashboard hold values of it.
public struct Zxid: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// From the signed long the wire and the txn log carry.
    public init(_ signed: Int64) { rawValue = UInt64(bitPattern: signed) }

    public init(epoch: UInt32, counter: UInt32) {
        rawValue = UInt64(epoch) << 32 | UInt64(counter)
    }

    /// Reads `0x100000003` (as `srvr` prints it) or plain decimal.
    public init?(text: some StringProtocol) {
        var trimmed = Substring(text)
        while let f = trimmed.first, f.isWhitespace { trimmed = trimmed.dropFirst() }
        while let l = trimmed.last, l.isWhitespace { trimmed = trimmed.dropLast() }
        if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") {
            guard let value = UInt64(trimmed.dropFirst(2), radix: 16) else { return nil }
            rawValue = value
        } else {
            guard let value = UInt64(trimmed) else { return nil }
            rawValue = value
        }
    }

    public var signedValue: Int64 { Int64(bitPattern: rawValue) }
    public var epoch: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 32) }
    public var counter: UInt32 { UInt32(truncatingIfNeeded: rawValue) }

    /// `0x100000003`, as Apache prints zxids (srvr, logs, txn log file names).
    public var hex: String { "0x" + String(rawValue, radix: 16) }
    /// `1:3`: epoch and counter, for people.
    public var epochColonCounter: String { "\(epoch):\(counter)" }
    public var description: String { hex }

    public static func < (a: Zxid, b: Zxid) -> Bool { a.rawValue < b.rawValue }

    // Apache's signed-long arithmetic, for the server, ZAB and election.
    public static func make(epoch: Int64, counter: Int64) -> Int64 { (epoch << 32) | (counter & 0xffff_ffff) }
    public static func epoch(_ zxid: Int64) -> Int64 { zxid >> 32 }
    public static func counter(_ zxid: Int64) -> Int64 { zxid & 0xffff_ffff }
    public static func hex(_ zxid: Int64) -> String { Zxid(zxid).hex }
    /// `next` follows `previous` with nothing in between: the next counter of
    /// the same epoch, or the first txn of a later epoch (a leader's counter
    /// starts at 1 in its epoch). A log replayed onto a snapshot must
    /// continue it so, else txns are missing.
    public static func follows(_ next: Int64, after previous: Int64) -> Bool {
        if epoch(next) == epoch(previous) { return counter(next) == counter(previous) + 1 }
        return epoch(next) > epoch(previous) && counter(next) == 1
    }
}
