/// Where a scan of one log file stopped.
struct LogScanResult {
    /// Offset just past the last valid record (or the header); the file is good up to here.
    var validEnd: Int
    var recordCount: Int
    var lastZxid: Int64?
    /// Why the valid log ends before the end of the file, or nil when it ended cleanly
    /// (end of file, or zero-filled preallocated space).
    var problem: String?
}

/// Validates a log file record by record. Shared by recovery and by the writer's check
/// before reusing a file name.
enum LogFileScanner {
    /// Scans from the header until the end of the valid log, calling `visit` for each valid
    /// record; `visit` returns false to stop early.
    ///
    /// Damage a crash can cause (short or zero header, short record, checksum mismatch, zeros
    /// followed by data) is reported in `problem` for the caller to repair. A file with a
    /// foreign magic or a newer version throws instead: it is not ours to truncate.
    static func scan(
        fd: Int32,
        path: String,
        fileZxid: Int64,
        previousZxid: Int64?,
        visit: (LogEntry) throws -> Bool
    ) throws -> LogScanResult {
        let size = try FileIO.size(fd, path: path)
        var result = LogScanResult(validEnd: 0, recordCount: 0, lastZxid: nil, problem: nil)
        // An empty file is a log created just before a crash (or emptied by an earlier repair).
        if size == 0 { return result }
        let reader = try SequentialReader(fd: fd, path: path)

        let header = try reader.read(LogFormat.headerSize)
        if header.count < LogFormat.headerSize {
            result.problem = "file is \(header.count) bytes, shorter than the \(LogFormat.headerSize)-byte header (torn write)"
            return result
        }
        let expected = LogFormat.header()
        if header != expected && header.indices.allSatisfy({ header[$0] == expected[$0] || header[$0] == 0 }) {
            // Zeros where the header should be (all of it, or the tail of it): the file was
            // created and preallocated but the header never reached disk.
            result.problem = "header is incomplete or zero-filled (file was created but never synced)"
            return result
        }
        guard Array(header[0..<4]) == LogFormat.magic else {
            throw StorageError.notOurFile(path: path, reason: "bad magic \(Array(header[0..<4])), expected \"ZKLG\"")
        }
        let version = BigEndian.uint32(header, at: 4)
        guard version == LogFormat.version else {
            throw StorageError.unsupportedVersion(path: path, found: version, supported: LogFormat.version)
        }

        var offset = LogFormat.headerSize
        result.validEnd = offset
        var previous = previousZxid
        while true {
            let remaining = size - offset
            if remaining == 0 { return result }
            let prefix = try reader.read(min(remaining, LogFormat.recordPrefixSize))
            let length = prefix.count >= 4 ? BigEndian.uint32(prefix, at: 0) : 0
            if length == 0 {
                // End of the written log; everything after must still be preallocated zeros.
                // Data after a zero length means a write reached the disk out of order and
                // the earlier bytes never did: that is damage, not a clean end.
                if let index = prefix.firstIndex(where: { $0 != 0 }) {
                    result.problem = "zero record length followed by non-zero data at offset \(offset + index)"
                } else if let nonZero = try reader.firstNonZeroOffset() {
                    result.problem = "zero record length followed by non-zero data at offset \(nonZero)"
                }
                return result
            }
            if prefix.count < LogFormat.recordPrefixSize {
                result.problem = "record header cut short after \(prefix.count) bytes (torn write)"
                return result
            }
            guard length >= UInt32(LogFormat.zxidSize),
                  Int(length) <= LogFormat.zxidSize + LogFormat.maxPayloadBytes
            else {
                result.problem = "invalid record length \(length)"
                return result
            }
            let bodyLength = Int(length)
            // Checked before reading so a bogus length never allocates more than the file holds.
            if bodyLength > remaining - LogFormat.recordPrefixSize {
                result.problem = "record of \(bodyLength) bytes extends past end of file, only \(remaining - LogFormat.recordPrefixSize) remain (torn write)"
                return result
            }
            let body = try reader.read(bodyLength)
            if body.count < bodyLength {
                result.problem = "file ended inside a record (torn write)"
                return result
            }
            let expected = BigEndian.uint32(prefix, at: 4)
            if CRC32.checksum(body) != expected {
                result.problem = "checksum mismatch (torn write or corruption)"
                return result
            }
            let zxid = BigEndian.int64(body, at: 0)
            if zxid < fileZxid {
                result.problem = "record zxid 0x\(hex(zxid)) is below the file's first zxid 0x\(hex(fileZxid))"
                return result
            }
            if let previous, zxid <= previous {
                result.problem = "record zxid 0x\(hex(zxid)) does not follow 0x\(hex(previous))"
                return result
            }
            offset += LogFormat.recordPrefixSize + bodyLength
            previous = zxid
            result.validEnd = offset
            result.recordCount += 1
            result.lastZxid = zxid
            if try !visit(LogEntry(zxid: zxid, payload: Array(body[LogFormat.zxidSize...]))) {
                return result
            }
        }
    }
}
