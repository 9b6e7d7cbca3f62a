#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the transaction log back at startup and repairs a torn tail.
public enum TxnLogReader {
    /// Suffix for log files moved out of the log sequence by a repair.
    static let orphanSuffix = ".orphaned"

    /// Reads every entry with zxid > `afterZxid` from all log files in `directory`, in zxid
    /// order, validating each record's checksum.
    ///
    /// The first damaged spot (short record, bad checksum, bad length, zeros followed by data)
    /// ends the valid log. That file is truncated there (ftruncate + fsync) so the damage is
    /// gone before anything new is written. Later files are not read, deleted or modified,
    /// but they are renamed to `log.<zxid>.orphaned`: their entries cannot be trusted to follow
    /// the truncated log contiguously, and left under their names they would be replayed by
    /// the next recovery after new files are written below them. Every repair is described
    /// in `repairs`. A missing directory is an empty log.
    ///
    /// Files whose entries all precede `afterZxid` are skipped without being read.
    public static func recover(directory: String, afterZxid: Int64) throws -> RecoveredLog {
        let files = try ZxidFileName.list(directory, prefix: LogFormat.filePrefix)
        var log = RecoveredLog()
        // The file to start from is the last one whose first zxid is <= afterZxid + 1: every
        // earlier file ends before the next file's first zxid, so holds nothing we need.
        var first = 0
        while first + 1 < files.count && files[first + 1].zxid - 1 <= afterZxid { first += 1 }

        var previous: Int64?
        for index in files.indices where index >= first {
            let file = files[index]
            let path = joinPath(directory, file.name)
            let fd = try FileIO.open(path, O_RDONLY)
            let scan: LogScanResult
            do {
                defer { FileIO.close(fd) }
                scan = try LogFileScanner.scan(fd: fd, path: path, fileZxid: file.zxid, previousZxid: previous) { entry in
                    if entry.zxid > afterZxid { log.entries.append(entry) }
                    return true
                }
            }
            if let lastZxid = scan.lastZxid { previous = lastZxid }
            guard let problem = scan.problem else { continue }

            try truncate(path, to: scan.validEnd)
            log.repairs.append("truncated \(file.name) at offset \(scan.validEnd): \(problem)")
            for later in files[(index + 1)...] {
                let target = try orphan(later.name, in: directory)
                log.repairs.append(
                    "moved \(later.name) aside to \(target): it follows the truncated \(file.name), so its entries cannot be trusted to continue the log contiguously"
                )
            }
            try FileIO.syncDirectory(directory)
            break
        }
        return log
    }

    private static func truncate(_ path: String, to length: Int) throws {
        let fd = try FileIO.open(path, O_WRONLY)
        defer { FileIO.close(fd) }
        try FileIO.truncate(fd, to: length, path: path)
        try FileIO.syncFull(fd, path: path)
    }

    /// Renames `name` to `<name>.orphaned` (or `.orphaned.2`, ... if taken) and returns the new name.
    private static func orphan(_ name: String, in directory: String) throws -> String {
        var target = name + orphanSuffix
        var attempt = 1
        while FileIO.exists(joinPath(directory, target)) {
            attempt += 1
            target = name + orphanSuffix + ".\(attempt)"
        }
        try FileIO.rename(joinPath(directory, name), to: joinPath(directory, target))
        return target
    }
}
