#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SnapshotStore {
    /// Keeps the newest `retainCount` (>= 3) snapshots and the log files needed to replay from
    /// the oldest kept one; deletes older snapshots, older log files and stale `.tmp` files
    /// below the oldest kept snapshot. Returns the deleted paths. For `autopurge.snapRetainCount`.
    ///
    /// Only snapshots whose header and trailer are intact count towards `retainCount` (a cheap
    /// 32-byte check, not the full checksum pass, since purge runs periodically on large data).
    /// With no intact snapshot nothing is deleted. Log files moved aside by recovery
    /// (`.orphaned`) are evidence for the operator and are never deleted here.
    ///
    /// Safe to run while the server writes: everything deleted is older than a complete,
    /// kept snapshot, and in-progress `.tmp` files have newer zxids.
    public static func purge(snapshotDirectory: String, logDirectory: String, retainCount: Int) throws -> [String] {
        guard retainCount >= 3 else {
            throw StorageError.invalidArgument("snapshot retain count must be at least 3, got \(retainCount)")
        }
        let snapshots = try ZxidFileName.list(snapshotDirectory, prefix: SnapshotFormat.filePrefix)
        var kept: [ZxidFileName] = []
        for snapshot in snapshots.reversed() where kept.count < retainCount {
            if try isIntact(joinPath(snapshotDirectory, snapshot.name), zxid: snapshot.zxid) {
                kept.append(snapshot)
            }
        }
        guard let oldestKept = kept.last else { return [] }

        var deleted: [String] = []
        // Logs first: if we crash midway, the old snapshots still cover what is left.
        let logs = try ZxidFileName.list(logDirectory, prefix: LogFormat.filePrefix)
        // The newest log starting at or before the snapshot may hold entries after it; it and
        // everything later are needed for replay. Everything earlier is not.
        if let needed = logs.lastIndex(where: { $0.zxid <= oldestKept.zxid }) {
            for log in logs[..<needed] {
                let path = joinPath(logDirectory, log.name)
                try FileIO.unlink(path)
                deleted.append(path)
            }
        }
        for snapshot in snapshots where snapshot.zxid < oldestKept.zxid {
            let path = joinPath(snapshotDirectory, snapshot.name)
            try FileIO.unlink(path)
            deleted.append(path)
        }
        for name in try FileIO.listDirectory(snapshotDirectory) where name.hasSuffix(SnapshotFormat.tmpSuffix) {
            guard let parsed = ZxidFileName.parse(String(name.dropLast(SnapshotFormat.tmpSuffix.count)), prefix: SnapshotFormat.filePrefix),
                  parsed.zxid < oldestKept.zxid
            else { continue }
            let path = joinPath(snapshotDirectory, name)
            try FileIO.unlink(path)
            deleted.append(path)
        }
        if !deleted.isEmpty {
            try FileIO.syncDirectory(logDirectory)
            if snapshotDirectory != logDirectory { try FileIO.syncDirectory(snapshotDirectory) }
        }
        return deleted
    }

    private static func isIntact(_ path: String, zxid: Int64) throws -> Bool {
        let fd: Int32
        do {
            fd = try FileIO.open(path, O_RDONLY)
        } catch StorageError.io(_, _, ENOENT) {
            return false
        }
        defer { FileIO.close(fd) }
        do {
            _ = try SnapshotFormat.readFrame(fd: fd, path: path, zxid: zxid)
            return true
        } catch StorageError.corruptSnapshot {
            return false
        }
    }
}
