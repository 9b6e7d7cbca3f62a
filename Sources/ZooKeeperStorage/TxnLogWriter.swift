#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends transactions to `log.<zxid hex>` files with group commit.
///
/// Single owner: one thread (or one actor / serial queue) uses an instance at a time. It is
/// `@unchecked Sendable` only so that owner may hand it to another thread; it has no locks.
///
/// Durability contract: `append` only buffers; an entry is durable once a later `sync()`
/// returns. `sync()` writes everything buffered with one `pwrite` and makes it durable with
/// one `fdatasync` (plus a directory fsync the first time a new file is synced), so many
/// appends share one disk flush. Files are preallocated in `preallocateBytes` chunks so the
/// file size rarely changes and fdatasync need not also journal a size update each time.
///
/// The writer never appends to a file from a previous run: the first append after `init` or
/// `rollOver()` starts a new file named after that entry's zxid, as Apache does.
public final class TxnLogWriter: @unchecked Sendable {
    /// Appends buffered past this are written to the file (not synced) to bound memory.
    static let flushThreshold = 1024 * 1024

    private struct OpenFile {
        let fd: Int32
        let path: String
        /// File offset where `buffer` will be written.
        var writeOffset: Int
        /// Bytes reserved so far by preallocation.
        var allocatedSize: Int
        /// Bytes written but not yet fdatasync'ed.
        var unsynced: Bool
        /// The directory entry of a freshly created file is durable only after the directory is fsynced.
        var directoryEntrySynced: Bool
    }

    public let directory: String
    private var preallocateBytes: Int
    private var file: OpenFile?
    private var buffer: [UInt8] = []
    private var lastZxid: Int64?
    private var failure: String?
    private var isClosed = false

    /// Bytes appended to log files (headers and records, synced or not) since the writer was
    /// created or last rolled over; the server uses it to decide when to snapshot.
    public private(set) var bytesSinceRollOver = 0

    /// Creates `directory` (and parents) if missing. `preallocateBytes` of 0 disables preallocation.
    public init(directory: String, preallocateBytes: Int = 64 * 1024 * 1024) throws {
        guard preallocateBytes >= 0 else {
            throw StorageError.invalidArgument("preallocateBytes must be >= 0, got \(preallocateBytes)")
        }
        self.directory = directory
        self.preallocateBytes = preallocateBytes
        try FileIO.createDirectories(directory)
        buffer.reserveCapacity(64 * 1024)
    }

    deinit {
        if let file { FileIO.close(file.fd) }
    }

    /// Buffers `entry`; not durable until `sync()` returns. Zxids must strictly increase.
    public func append(_ entry: LogEntry) throws {
        try checkUsable()
        guard entry.zxid >= 0 else { throw StorageError.negativeZxid(entry.zxid) }
        if let lastZxid, entry.zxid <= lastZxid {
            throw StorageError.zxidNotIncreasing(previous: lastZxid, attempted: entry.zxid)
        }
        guard entry.payload.count <= LogFormat.maxPayloadBytes else {
            throw StorageError.recordTooLarge(bytes: entry.payload.count, limit: LogFormat.maxPayloadBytes)
        }
        if file == nil {
            try failing { try startFile(firstZxid: entry.zxid) }
        }
        LogFormat.appendRecord(entry, to: &buffer)
        lastZxid = entry.zxid
        bytesSinceRollOver += LogFormat.recordSize(payloadCount: entry.payload.count)
        if buffer.count >= Self.flushThreshold {
            try failing { try writeBuffer() }
        }
    }

    /// Writes all buffered entries and makes them durable; one fdatasync for the whole batch.
    public func sync() throws {
        try checkUsable()
        try failing { try syncCurrentFile() }
    }

    /// Makes the current file durable and closes it; the next append starts a new file.
    public func rollOver() throws {
        try checkUsable()
        try failing {
            try syncCurrentFile()
            if let file { FileIO.close(file.fd) }
            file = nil
        }
        bytesSinceRollOver = 0
    }

    /// Closes the file. Does not sync: call `sync()` first. Entries appended since the last
    /// sync are discarded, which is safe because they were never acknowledged.
    public func close() {
        if let file { FileIO.close(file.fd) }
        file = nil
        buffer = []
        isClosed = true
    }

    // MARK: - Internals

    private var currentPath: String { file?.path ?? directory }

    private func checkUsable() throws {
        if isClosed { throw StorageError.closed(path: currentPath) }
        if let failure { throw StorageError.writerFailed(path: currentPath, cause: failure) }
    }

    /// Runs `body`; on an I/O failure the writer is poisoned. After a failed write or fsync
    /// the kernel may have dropped the dirty pages and cleared the error, so a later "successful"
    /// fsync would lie; the only safe continuation is recovery from what is on disk.
    private func failing(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            failure = "\(error)"
            throw error
        }
    }

    private func startFile(firstZxid: Int64) throws {
        let path = joinPath(directory, ZxidFileName.make(prefix: LogFormat.filePrefix, zxid: firstZxid))
        let fd: Int32
        do {
            fd = try FileIO.open(path, O_WRONLY | O_CREAT | O_EXCL)
        } catch StorageError.io(_, _, EEXIST) {
            fd = try reopenEmptyFile(path, firstZxid: firstZxid)
        }
        file = OpenFile(fd: fd, path: path, writeOffset: 0, allocatedSize: 0, unsynced: false, directoryEntrySynced: false)
        buffer.append(contentsOf: LogFormat.header())
        bytesSinceRollOver += LogFormat.headerSize
    }

    /// A file with our name can already exist when recovery truncated a torn first record
    /// away and the server now reuses that zxid. Reusing it is safe only if it holds no valid
    /// record; anything else means a caller bug and must not be overwritten.
    private func reopenEmptyFile(_ path: String, firstZxid: Int64) throws -> Int32 {
        let existing = try FileIO.open(path, O_RDONLY)
        defer { FileIO.close(existing) }
        let scan = try LogFileScanner.scan(fd: existing, path: path, fileZxid: firstZxid, previousZxid: nil) { _ in false }
        guard scan.recordCount == 0 else { throw StorageError.logFileExists(path: path) }
        return try FileIO.open(path, O_WRONLY | O_TRUNC)
    }

    private func syncCurrentFile() throws {
        guard file != nil else { return }
        try writeBuffer()
        guard var current = file else { return }
        if current.unsynced {
            try FileIO.syncData(current.fd, path: current.path)
            current.unsynced = false
        }
        if !current.directoryEntrySynced {
            try FileIO.syncDirectory(directory)
            current.directoryEntrySynced = true
        }
        file = current
    }

    /// One pwrite for everything buffered, after making sure the space is preallocated.
    private func writeBuffer() throws {
        guard var current = file, !buffer.isEmpty else { return }
        let end = current.writeOffset + buffer.count
        if preallocateBytes > 0 && end > current.allocatedSize {
            // Grow to the next multiple of the chunk size past the end, as Apache's FilePadding does.
            let newSize = (end / preallocateBytes + 1) * preallocateBytes
            if try FileIO.preallocate(current.fd, offset: current.allocatedSize, length: newSize - current.allocatedSize, path: current.path) {
                current.allocatedSize = newSize
            } else {
                preallocateBytes = 0
            }
        }
        try buffer.withUnsafeBytes { bytes in
            try FileIO.write(current.fd, bytes, at: current.writeOffset, path: current.path)
        }
        current.writeOffset = end
        current.unsynced = true
        file = current
        buffer.removeAll(keepingCapacity: buffer.capacity <= 4 * Self.flushThreshold)
    }
}
