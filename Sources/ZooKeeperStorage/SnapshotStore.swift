/// Snapshot files in a directory: writing, finding the newest good one, reading, purging.
public enum SnapshotStore {
    /// Starts streaming a snapshot for `zxid` into `snapshot.<zxid hex>.tmp` (creating the
    /// directory if missing). Nothing is visible under the real name until `finish()`, and
    /// not even then if `fence` moved meanwhile (the directory's owner passes its fence;
    /// the default one never moves).
    public static func begin(directory: String, zxid: Int64, fence: SnapshotFence = SnapshotFence()) throws -> SnapshotWriter {
        try SnapshotWriter(directory: directory, zxid: zxid, fence: fence)
    }

    /// The newest snapshot whose checksum verifies, found by streaming each candidate through
    /// the checksum (bounded memory), newest first. Corrupt snapshots and unfinished `.tmp`
    /// files are passed over and described in `skipped`. A nil snapshot with a non-empty
    /// `skipped` means snapshots exist but none is usable: the caller should not silently
    /// start from an empty tree. System-call failures (EIO, EACCES...) throw rather than skip:
    /// they say nothing about the file's contents.
    public static func newestValid(directory: String) throws -> (snapshot: SnapshotInfo?, skipped: [String]) {
        let names = try FileIO.listDirectory(directory)
        var skipped = names
            .filter { $0.hasPrefix(SnapshotFormat.filePrefix + ".") && $0.hasSuffix(SnapshotFormat.tmpSuffix) }
            .sorted()
            .map { "ignored \($0): unfinished snapshot (never completed and renamed)" }
        let candidates = names
            .compactMap { ZxidFileName.parse($0, prefix: SnapshotFormat.filePrefix) }
            .sorted()
            .reversed()
        for candidate in candidates {
            let path = joinPath(directory, candidate.name)
            do {
                return (try verify(path: path, zxid: candidate.zxid), skipped)
            } catch let StorageError.corruptSnapshot(_, reason) {
                skipped.append("skipped \(candidate.name): \(reason)")
            }
        }
        return (nil, skipped)
    }

    /// Opens a snapshot for streaming its body back.
    public static func open(_ info: SnapshotInfo) throws -> SnapshotReader {
        try SnapshotReader(path: info.path, zxid: info.zxid)
    }

    /// Reads the whole body through the checksum.
    static func verify(path: String, zxid: Int64) throws -> SnapshotInfo {
        let reader = try SnapshotReader(path: path, zxid: zxid)
        defer { reader.close() }
        while !reader.isAtEnd {
            _ = try reader.read(min(1024 * 1024, reader.remainingBytes))
        }
        return reader.info
    }
}
