/// Big-endian integer encoding for file headers and records (network order, as Apache's
/// DataOutputStream-based formats use).
extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    mutating func appendBigEndian(_ value: UInt64) {
        appendBigEndian(UInt32(truncatingIfNeeded: value >> 32))
        appendBigEndian(UInt32(truncatingIfNeeded: value))
    }

    mutating func appendBigEndian(_ value: Int64) {
        appendBigEndian(UInt64(bitPattern: value))
    }
}

enum BigEndian {
    static func uint32<C: RandomAccessCollection>(_ bytes: C, at offset: Int) -> UInt32
    where C.Element == UInt8, C.Index == Int {
        let base = bytes.startIndex + offset
        var value: UInt32 = 0
        for i in 0..<4 { value = (value << 8) | UInt32(bytes[base + i]) }
        return value
    }

    static func uint64<C: RandomAccessCollection>(_ bytes: C, at offset: Int) -> UInt64
    where C.Element == UInt8, C.Index == Int {
        (UInt64(uint32(bytes, at: offset)) << 32) | UInt64(uint32(bytes, at: offset + 4))
    }

    static func int64<C: RandomAccessCollection>(_ bytes: C, at offset: Int) -> Int64
    where C.Element == UInt8, C.Index == Int {
        Int64(bitPattern: uint64(bytes, at: offset))
    }
}
