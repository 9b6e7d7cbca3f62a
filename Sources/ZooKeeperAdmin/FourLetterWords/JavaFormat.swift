/// Java's text conversions as Apache's reports use them, so our numbers look
/// byte-for-byte like the JVM's (monitoring scripts parse these).
enum JavaFormat {
    /// `Long.toHexString`: lowercase, no padding, negatives as 64-bit two's
    /// complement (`-1` → `ffffffffffffffff`).
    static func hex(_ value: Int64) -> String {
        String(UInt64(bitPattern: value), radix: 16)
    }

    /// `Double.toString`: shortest digits that round-trip; plain notation with
    /// at least one fraction digit for 1e-3 <= |d| < 1e7 (`0.0`, `1.9048`),
    /// otherwise `d.dddE±n` (`1.0E-4`, `1.2345E7`).
    static func double(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        let sign = d < 0 ? "-" : ""
        let (digits, pointPosition) = shortestDigits(abs(d))
        let magnitude = abs(d)
        if magnitude >= 1e-3, magnitude < 1e7 {
            if pointPosition <= 0 {
                return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
            }
            if pointPosition >= digits.count {
                return sign + digits + String(repeating: "0", count: pointPosition - digits.count) + ".0"
            }
            let split = digits.index(digits.startIndex, offsetBy: pointPosition)
            return sign + digits[..<split] + "." + digits[split...]
        }
        let first = digits.prefix(1)
        let rest = digits.dropFirst()
        return sign + first + "." + (rest.isEmpty ? "0" : rest) + "E" + String(pointPosition - 1)
    }

    /// Shortest round-trip decimal digits of a positive finite double and
    /// where the decimal point goes (value = 0.DIGITS × 10^pointPosition),
    /// taken from Swift's own shortest representation.
    private static func shortestDigits(_ d: Double) -> (digits: String, pointPosition: Int) {
        let text = d.description  // e.g. "1.9048", "0.0001", "1e-05", "1.2345e+16"
        let parts = text.split(separator: "e")
        let exponent = parts.count == 2 ? Int(parts[1])! : 0
        let mantissa = parts[0]
        let dot = mantissa.firstIndex(of: ".")
        let intPart = dot.map { mantissa[..<$0] } ?? mantissa
        let fracPart = dot.map { mantissa[mantissa.index(after: $0)...] } ?? ""
        var digits = String(intPart) + String(fracPart)
        var point = intPart.count + exponent
        while digits.hasPrefix("0"), digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while digits.hasSuffix("0"), digits.count > 1 { digits.removeLast() }
        return (digits, point)
    }

    /// `AvgMinMaxCounter.getAvg()`: total/count as a double, then
    /// `BigDecimal(avg).setScale(4, HALF_UP).doubleValue()` — rounding the
    /// exact binary value of the double, as BigDecimal does. 0 when count is 0.
    static func apacheAverage(total: Int64, count: Int64) -> Double {
        guard count > 0 else { return 0 }
        let avg = Double(total) / Double(count)
        return roundHalfUp4(avg)
    }

    static func roundHalfUp4(_ d: Double) -> Double {
        guard d.isFinite, d != 0 else { return d }
        let magnitude = abs(d)
        // From 2^46 up, a double has no bits left below 1/10000's resolution
        // that could change the outcome; return it unchanged.
        guard magnitude < 0x1p46 else { return d }
        // magnitude = m × 2^-shift exactly; shift >= 7 below 2^46.
        let m: UInt64
        let shift: Int
        if magnitude.isNormal {
            m = magnitude.significandBitPattern | (1 << 52)
            shift = 52 - Int(magnitude.exponent)
        } else {
            m = magnitude.significandBitPattern
            shift = 1074
        }
        // n = m × 10000 (up to 2^67): 128-bit.
        let (high, low) = m.multipliedFullWidth(by: 10_000)
        let q = shiftRight128(high: high, low: low, by: shift)
        let roundUp = bit128(high: high, low: low, at: shift - 1)
        let rounded = Double(q + (roundUp ? 1 : 0)) / 10_000
        return d < 0 ? -rounded : rounded
    }

    private static func shiftRight128(high: UInt64, low: UInt64, by s: Int) -> UInt64 {
        if s >= 128 { return 0 }
        if s >= 64 { return high >> UInt64(s - 64) }
        if s == 0 { return low }
        return (low >> UInt64(s)) | (high << UInt64(64 - s))
    }

    /// Half-up: round away when the first dropped bit is 1 (the value is at or
    /// above the midpoint).
    private static func bit128(high: UInt64, low: UInt64, at i: Int) -> Bool {
        if i < 0 || i >= 128 { return false }
        if i >= 64 { return (high >> UInt64(i - 64)) & 1 == 1 }
        return (low >> UInt64(i)) & 1 == 1
    }

    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `java.util.Date.toString()` in UTC: `Sun Nov 22 02:04:17 UTC 2026`.
    static func date(epochMs: Int64) -> String {
        let seconds = epochMs >= 0 ? epochMs / 1000 : (epochMs - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        return "\(weekday) \(months[month - 1]) \(pad2(day)) \(pad2(Int(secondOfDay / 3600))):"
            + "\(pad2(Int(secondOfDay % 3600 / 60))):\(pad2(Int(secondOfDay % 60))) UTC \(year)"
    }

    private static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// Days since 1970-01-01 → proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func civil(fromDays z0: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
