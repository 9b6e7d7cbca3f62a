@testable import ZooKeeperProtocol

/// Bytes from a hex string such as the captures in GoldenCaptures.swift.
func hexBytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    precondition(digits.count % 2 == 0, "odd hex length")
    func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: preconditionFailure("not hex: \(c)")
        }
    }
    return stride(from: 0, to: digits.count, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
}

func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Encodes, decodes and re-encodes: the value and the bytes must both survive.
func roundTrip<R: JuteRecord & Equatable>(_ record: R) throws -> Bool {
    let bytes = record.juteBytes()
    var reader = JuteReader(bytes)
    let decoded = try R(from: &reader)
    return decoded == record && reader.isAtEnd && decoded.juteBytes() == bytes
}

/// Every strict prefix of the record's bytes must fail with `truncated`.
func everyPrefixIsTruncated<R: JuteRecord>(_ record: R) -> Bool {
    let bytes = record.juteBytes()
    for length in 0..<bytes.count {
        do {
            _ = try R(juteBytes: Array(bytes[0..<length]))
            return false
        } catch JuteError.truncated {
            continue
        } catch {
            return false
        }
    }
    return true
}

/// A reply frame: its header and a reader positioned at the body.
func replyFrame(_ hex: String) throws -> (ReplyHeader, JuteReader) {
    var reader = JuteReader(hexBytes(hex))
    let header = try ReplyHeader(from: &reader)
    return (header, reader)
}

extension Stat {
    static let sample: Stat = {
        var stat = Stat()
        stat.czxid = 0x1_0000_0002
        stat.mzxid = 0x1_0000_0007
        stat.ctime = 1_700_000_000_000
        stat.mtime = 1_700_000_000_123
        stat.version = 3
        stat.cversion = 4
        stat.aversion = 1
        stat.ephemeralOwner = 0x1000_0000_0000_0001
        stat.dataLength = 5
        stat.numChildren = 2
        stat.pzxid = 0x1_0000_0009
        return stat
    }()
}

let digestACL = [ACL(perms: [.read, .write], id: Id(scheme: "digest", id: "user:hash=")), ACL(perms: .all, id: .anyone)]
