#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// ZAB's TRUNC on disk: a learner drops logged txns the new leader does not
/// have (they never committed). Also snapshots taken above that point go, so
/// the next recovery cannot bring the dropped txns back.
public enum TxnLogTruncation {
    /// Removes every log record with zxid > `zxid` (files wholly above it are
    /// deleted, the file holding the cut is truncated and fsynced) and every
    /// snapshot named above it. Returns the number of records dropped.
    @discardableResult
    public static func truncate(logDirectory: String, snapshotDirectory: String, afterZxid zxid: Int64) throws -> Int {
        var dropped = 0
        var previous: Int64?
        for file in try ZxidFileName.list(logDirectory, prefix: LogFormat.filePrefix) {
            let path = joinPath(logDirectory, file.name)
            if file.zxid > zxid {
                dropped += try countRecords(path, fileZxid: file.zxid)
                try FileIO.unlink(path)
                continue
            }
            let fd = try FileIO.open(path, O_RDWR)
            defer { FileIO.close(fd) }
            var cut: Int?
            let scan = try LogFileScanner.scan(fd: fd, path: path, fileZxid: file.zxid, previousZxid: previous) { entry in
                guard entry.zxid > zxid else { return true }
                // The scanner has already counted this record: step back over it.
                cut = LogFormat.recordPrefixSize + LogFormat.zxidSize + entry.payload.count
                return false
            }
            previous = scan.lastZxid
            guard let recordBytes = cut else { continue }
            let cutOffset = scan.validEnd - recordBytes
            dropped += try countRecords(path, fileZxid: file.zxid) - (scan.recordCount - 1)
            try FileIO.truncate(fd, to: cutOffset, path: path)
            try FileIO.syncFull(fd, path: path)
        }
        for snapshot in try ZxidFileName.list(snapshotDirectory, prefix: SnapshotFormat.filePrefix) where snapshot.zxid > zxid {
            try FileIO.unlink(joinPath(snapshotDirectory, snapshot.name))
        }
        try FileIO.syncDirectory(logDirectory)
        if snapshotDirectory != logDirectory { try FileIO.syncDirectory(snapshotDirectory) }
        return dropped
    }

    private static func countRecords(_ path: String, fileZxid: Int64) throws -> Int {
        let fd = try FileIO.open(path, O_RDONLY)
        defer { FileIO.close(fd) }
        return try LogFileScanner.scan(fd: fd, path: path, fileZxid: fileZxid, previousZxid: nil) { _ in true }.recordCount
    }
}
