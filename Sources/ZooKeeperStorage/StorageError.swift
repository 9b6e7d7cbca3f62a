/// Failures of the storage layer. Each message names the file involved and, for system
/// calls, the errno text, because these end up in operator-facing logs.
public enum StorageError: Error, CustomStringConvertible, Equatable {
    /// A system call failed.
    case io(operation: String, path: String, errno: Int32)
    /// The file exists but is not one of ours (wrong magic). Never repaired automatically.
    case notOurFile(path: String, reason: String)
    /// The file was written by a newer format version. Never repaired automatically.
    case unsupportedVersion(path: String, found: UInt32, supported: UInt32)
    /// A snapshot failed validation (structure or checksum).
    case corruptSnapshot(path: String, reason: String)
    /// A read asked for more bytes than remain.
    case shortRead(path: String, requested: Int, available: Int)
    /// Log entries must be appended in strictly increasing zxid order.
    case zxidNotIncreasing(previous: Int64, attempted: Int64)
    /// Zxids are non-negative (file names use their hex form).
    case negativeZxid(Int64)
    /// A payload exceeds the per-record limit the reader enforces.
    case recordTooLarge(bytes: Int, limit: Int)
    /// A log file for this zxid already holds valid entries; refusing to overwrite it.
    case logFileExists(path: String)
    /// An earlier write or sync failed; after a failed fsync the kernel may have dropped the
    /// dirty pages, so nothing written since the last good sync can be trusted. Reopen after recovery.
    case writerFailed(path: String, cause: String)
    /// Used after close(), finish() or abandon().
    case closed(path: String)
    case invalidArgument(String)
    /// A snapshot begun before a log truncation or an installed snapshot: publishing it
    /// would bring back state that was removed (`SnapshotFence`). Deleted, not renamed.
    case superseded(path: String)

    public var description: String {
        switch self {
        case let .io(operation, path, code):
            return "\(operation) failed for \(path): \(FileIO.errorText(code)) (errno \(code))"
        case let .notOurFile(path, reason):
            return "\(path) is not a zkdash storage file: \(reason)"
        case let .unsupportedVersion(path, found, supported):
            return "\(path) has format version \(found); this build reads version \(supported)"
        case let .corruptSnapshot(path, reason):
            return "snapshot \(path) is corrupt: \(reason)"
        case let .shortRead(path, requested, available):
            return "short read from \(path): requested \(requested) bytes, only \(available) remain"
        case let .zxidNotIncreasing(previous, attempted):
            return "zxid 0x\(hex(attempted)) does not follow 0x\(hex(previous)); log entries must have increasing zxids"
        case let .negativeZxid(zxid):
            return "zxid \(zxid) is negative"
        case let .recordTooLarge(bytes, limit):
            return "log record payload of \(bytes) bytes exceeds the \(limit)-byte limit"
        case let .logFileExists(path):
            return "\(path) already exists and holds valid entries; refusing to overwrite it"
        case let .writerFailed(path, cause):
            return "writer for \(path) is unusable after an earlier failure: \(cause)"
        case let .closed(path):
            return "\(path) is already closed"
        case let .invalidArgument(message):
            return message
        case let .superseded(path):
            return "\(path) was begun before the log was truncated or replaced; discarded"
        }
    }
}

/// Lowercase hex without padding, as in Apache's file names and log lines.
func hex(_ value: Int64) -> String {
    String(value, radix: 16)
}
