/// A completed snapshot file.
public struct SnapshotInfo: Sendable, Equatable {
    /// The zxid the server named the snapshot after; the log is replayed from after it.
    public let zxid: Int64
    public let path: String
    /// Whole file size, header and trailer included.
    public let sizeBytes: Int

    public init(zxid: Int64, path: String, sizeBytes: Int) {
        self.zxid = zxid
        self.path = path
        self.sizeBytes = sizeBytes
    }
}

/// Layout of a snapshot file (all integers big-endian):
///
///     header  (16 bytes): "ZKSN" | version UInt32 = 1 | zxid Int64
///     body:               the caller's bytes, streamed in chunks
///     trailer (16 bytes): body length UInt64 | crc32 UInt32 over header + body | "ZKSE"
///
/// The trailer is written last, so a file cut short anywhere fails the length check, and a
/// file with damaged contents fails the checksum. Files are written as `snapshot.<zxid>.tmp`
/// and renamed into place only after fsync, so an unfinished one never carries a valid name.
enum SnapshotFormat {
    static let magic: [UInt8] = Array("ZKSN".utf8)
    static let trailerMagic: [UInt8] = Array("ZKSE".utf8)
    static let version: UInt32 = 1
    static let headerSize = 16
    static let trailerSize = 16
    static let filePrefix = "snapshot"
    static let tmpSuffix = ".tmp"

    static func header(zxid: Int64) -> [UInt8] {
        var bytes = magic
        bytes.appendBigEndian(version)
        bytes.appendBigEndian(zxid)
        return bytes
    }

    static func trailer(bodyLength: UInt64, crc: UInt32) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(bodyLength)
        bytes.appendBigEndian(crc)
        bytes.append(contentsOf: trailerMagic)
        return bytes
    }

    static func fileName(zxid: Int64) -> String {
        ZxidFileName.make(prefix: filePrefix, zxid: zxid)
    }

    /// Parsed, structurally checked header and trailer: everything but the checksum pass.
    struct Frame {
        let fileSize: Int
        let bodyLength: Int
        let crc: UInt32
    }

    /// Checks magic, version, the zxid in the header against the file name, and that the
    /// trailer's body length accounts for the whole file. Cheap: reads 32 bytes.
    static func readFrame(fd: Int32, path: String, zxid: Int64) throws -> Frame {
        let size = try FileIO.size(fd, path: path)
        guard size >= headerSize + trailerSize else {
            throw StorageError.corruptSnapshot(path: path, reason: "file is \(size) bytes, too short for header and trailer")
        }
        let header = try FileIO.read(fd, count: headerSize, at: 0, path: path)
        guard header.count == headerSize, Array(header[0..<4]) == magic else {
            throw StorageError.corruptSnapshot(path: path, reason: "bad header magic")
        }
        let foundVersion = BigEndian.uint32(header, at: 4)
        guard foundVersion == version else {
            throw StorageError.unsupportedVersion(path: path, found: foundVersion, supported: version)
        }
        let headerZxid = BigEndian.int64(header, at: 8)
        guard headerZxid == zxid else {
            throw StorageError.corruptSnapshot(path: path, reason: "header zxid 0x\(hex(headerZxid)) does not match file name zxid 0x\(hex(zxid))")
        }
        let trailer = try FileIO.read(fd, count: trailerSize, at: size - trailerSize, path: path)
        guard trailer.count == trailerSize, Array(trailer[12..<16]) == trailerMagic else {
            throw StorageError.corruptSnapshot(path: path, reason: "missing trailer (file incomplete)")
        }
        let bodyLength = BigEndian.uint64(trailer, at: 0)
        guard bodyLength == UInt64(size - headerSize - trailerSize) else {
            throw StorageError.corruptSnapshot(path: path, reason: "trailer records \(bodyLength) body bytes but the file holds \(size - headerSize - trailerSize)")
        }
        return Frame(fileSize: size, bodyLength: Int(bodyLength), crc: BigEndian.uint32(trailer, at: 8))
    }
}
