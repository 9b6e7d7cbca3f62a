#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams one snapshot to `snapshot.<zxid>.tmp`; `finish()` makes it durable and gives it
/// its real name. Single owner, like `TxnLogWriter` (`@unchecked Sendable` only so the owner
/// can move it to a background thread). Dropping an unfinished writer abandons it.
public final class SnapshotWriter: @unchecked Sendable {
    /// Chunks are gathered up to this size before a write syscall.
    static let bufferSize = 1024 * 1024

    private enum State { case open, finished, abandoned, failed(String) }

    let directory: String
    let zxid: Int64
    let tmpPath: String
    let finalPath: String
    private let fd: Int32
    private var fdOpen = true
    private var state = State.open
    private var buffer: [UInt8] = []
    private var crc = CRC32()
    private var bodyLength = 0
    private var fileOffset = 0
    private let fence: SnapshotFence
    private let fenceGeneration: UInt64

    init(directory: String, zxid: Int64, fence: SnapshotFence) throws {
        guard zxid >= 0 else { throw StorageError.negativeZxid(zxid) }
        try FileIO.createDirectories(directory)
        self.directory = directory
        self.zxid = zxid
        self.fence = fence
        fenceGeneration = fence.current
        let name = SnapshotFormat.fileName(zxid: zxid)
        finalPath = joinPath(directory, name)
        tmpPath = finalPath + SnapshotFormat.tmpSuffix
        // O_TRUNC: a leftover .tmp of the same zxid is an earlier interrupted attempt.
        fd = try FileIO.open(tmpPath, O_WRONLY | O_CREAT | O_TRUNC)
        buffer.reserveCapacity(Self.bufferSize)
        let header = SnapshotFormat.header(zxid: zxid)
        crc.update(header)
        buffer.append(contentsOf: header)
    }

    deinit {
        if case .open = state { abandon() }
    }

    /// Appends `bytes` to the snapshot body.
    public func write(_ bytes: [UInt8]) throws {
        try checkOpen()
        crc.update(bytes)
        bodyLength += bytes.count
        if bytes.count >= Self.bufferSize {
            // Big chunks go straight to the file instead of through the buffer.
            try failing {
                try flush()
                try writeAtEnd(bytes)
            }
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferSize {
            try failing { try flush() }
        }
    }

    /// Writes the trailer, fsyncs the file, renames it into place and fsyncs the directory.
    /// Only after this returns is the snapshot durable and visible to `newestValid`. A
    /// snapshot the fence has moved past since it began is deleted instead
    /// (`StorageError.superseded`).
    public func finish() throws -> SnapshotInfo {
        try checkOpen()
        buffer.append(contentsOf: SnapshotFormat.trailer(bodyLength: UInt64(bodyLength), crc: crc.value))
        var published = false
        try failing {
            try flush()
            // Full fsync: the file is new, so its size and block map must reach disk before
            // the rename can expose it.
            try FileIO.syncFull(fd, path: tmpPath)
            closeFile()
            published = try fence.publish(begunAt: fenceGeneration) { try FileIO.rename(tmpPath, to: finalPath) }
        }
        guard published else {
            try? FileIO.unlink(tmpPath)
            state = .abandoned
            throw StorageError.superseded(path: tmpPath)
        }
        state = .finished
        // The rename happened; if making it durable fails the caller must not treat the
        // snapshot as taken (it is still valid, and a later recovery may use it).
        try FileIO.syncDirectory(directory)
        return SnapshotInfo(zxid: zxid, path: finalPath, sizeBytes: fileOffset)
    }

    /// Discards the snapshot: closes and deletes the .tmp file. Safe to call more than once;
    /// does nothing after `finish()`.
    public func abandon() {
        switch state {
        case .open, .failed:
            closeFile()
            try? FileIO.unlink(tmpPath)
            state = .abandoned
        case .finished, .abandoned:
            return
        }
    }

    private func checkOpen() throws {
        switch state {
        case .open: return
        case .failed(let cause): throw StorageError.writerFailed(path: tmpPath, cause: cause)
        case .finished, .abandoned: throw StorageError.closed(path: tmpPath)
        }
    }

    /// Any failure leaves a snapshot that must not be used: close and delete the .tmp now.
    private func failing(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            closeFile()
            try? FileIO.unlink(tmpPath)
            state = .failed("\(error)")
            throw error
        }
    }

    private func closeFile() {
        if fdOpen { FileIO.close(fd) }
        fdOpen = false
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try writeAtEnd(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAtEnd(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            try FileIO.write(fd, raw, at: fileOffset, path: tmpPath)
        }
        fileOffset += bytes.count
    }
}
