/// Layout of a transaction log file (all integers big-endian):
///
///     header (16 bytes): "ZKLG" | version UInt32 = 1 | reserved Int64 = 0   (like Apache's FileHeader)
///     record:            length UInt32 | crc32 UInt32 | zxid Int64 | payload
///
/// `length` counts the bytes after the checksum (zxid + payload), so it is at least 8 and a
/// zero length can only mean "nothing was written here": the file is preallocated with zeros
/// and the first zero length marks the end of the log. The CRC covers zxid + payload.
enum LogFormat {
    static let magic: [UInt8] = Array("ZKLG".utf8)
    static let version: UInt32 = 1
    static let headerSize = 16
    /// length + crc
    static let recordPrefixSize = 8
    static let zxidSize = 8
    /// Upper bound on a payload, enforced on append and on read so a corrupt length field can
    /// never make recovery allocate gigabytes. Far above jute.maxbuffer (1 MiB by default).
    static let maxPayloadBytes = 64 * 1024 * 1024
    static let filePrefix = "log"

    static func header() -> [UInt8] {
        var bytes = magic
        bytes.appendBigEndian(version)
        bytes.appendBigEndian(Int64(0))
        return bytes
    }

    static func recordSize(payloadCount: Int) -> Int {
        recordPrefixSize + zxidSize + payloadCount
    }

    static func appendRecord(_ entry: LogEntry, to buffer: inout [UInt8]) {
        var crc = CRC32()
        var zxidBytes: [UInt8] = []
        zxidBytes.reserveCapacity(zxidSize)
        zxidBytes.appendBigEndian(entry.zxid)
        crc.update(zxidBytes)
        crc.update(entry.payload)
        buffer.appendBigEndian(UInt32(zxidSize + entry.payload.count))
        buffer.appendBigEndian(crc.value)
        buffer.append(contentsOf: zxidBytes)
        buffer.append(contentsOf: entry.payload)
    }
}
