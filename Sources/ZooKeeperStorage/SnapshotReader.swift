#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams a snapshot's body back. The checksum is recomputed as the body is read and
/// checked by the read that consumes the last byte, so a file damaged after `newestValid`
/// looked at it still cannot be loaded silently. Single owner (`@unchecked Sendable` only
/// so the owner can move it to another thread).
public final class SnapshotReader: @unchecked Sendable {
    public let info: SnapshotInfo
    private let fd: Int32
    private var isOpen = true
    private let reader: SequentialReader
    private let expectedCRC: UInt32
    private var crc = CRC32()
    private var remaining: Int

    /// Checks header and trailer (not yet the checksum). `info` is re-derived from the file,
    /// so its size is the actual one.
    init(path: String, zxid: Int64) throws {
        let fd = try FileIO.open(path, O_RDONLY)
        do {
            let frame = try SnapshotFormat.readFrame(fd: fd, path: path, zxid: zxid)
            info = SnapshotInfo(zxid: zxid, path: path, sizeBytes: frame.fileSize)
            reader = try SequentialReader(fd: fd, path: path, startingAt: SnapshotFormat.headerSize, bufferSize: 1024 * 1024)
            expectedCRC = frame.crc
            remaining = frame.bodyLength
            crc.update(SnapshotFormat.header(zxid: zxid))
        } catch {
            FileIO.close(fd)
            throw error
        }
        self.fd = fd
    }

    deinit { close() }

    /// True once the whole body has been read (and its checksum verified).
    public var isAtEnd: Bool { remaining == 0 }

    /// Body bytes not yet read.
    public var remainingBytes: Int { remaining }

    /// Exactly `count` bytes of body; throws `shortRead` if fewer remain, and
    /// `corruptSnapshot` if the read completing the body does not match the checksum.
    public func read(_ count: Int) throws -> [UInt8] {
        guard isOpen else { throw StorageError.closed(path: info.path) }
        guard count >= 0 else { throw StorageError.invalidArgument("read count must be >= 0, got \(count)") }
        guard count <= remaining else {
            throw StorageError.shortRead(path: info.path, requested: count, available: remaining)
        }
        if count == 0 { return [] }
        let bytes = try reader.read(count)
        guard bytes.count == count else {
            // The file shrank underneath us.
            throw StorageError.shortRead(path: info.path, requested: count, available: bytes.count)
        }
        crc.update(bytes)
        remaining -= count
        if remaining == 0 && crc.value != expectedCRC {
            throw StorageError.corruptSnapshot(path: info.path, reason: "checksum mismatch")
        }
        return bytes
    }

    public func close() {
        if isOpen { FileIO.close(fd) }
        isOpen = false
    }
}
