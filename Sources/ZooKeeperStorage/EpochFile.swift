#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `acceptedEpoch` and `currentEpoch` in the data directory, as Apache's
/// QuorumPeer keeps them: the number in decimal and a newline. ZAB must have
/// an epoch on disk before it acts on it (a follower acknowledging NEWEPOCH, a
/// leader proposing in a new epoch), so a write is complete only when the file
/// and its directory entry are synced: temp file, fsync, rename, fsync of the
/// directory. A crash leaves the old value or the new one, never a torn one.
public enum EpochFile {
    public static let acceptedEpochName = "acceptedEpoch"
    public static let currentEpochName = "currentEpoch"

    /// The stored epoch, or nil when the file does not exist (a fresh server).
    public static func read(directory: String, name: String) throws -> UInt64? {
        let path = directory + "/" + name
        guard FileIO.exists(path) else { return nil }
        let fd = try FileIO.open(path, O_RDONLY)
        defer { FileIO.close(fd) }
        let bytes = try FileIO.read(fd, count: 64, at: 0, path: path)
        let text = String(decoding: bytes, as: UTF8.self)
        let firstLine = text.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
        guard let value = UInt64(firstLine.trimmingCharacters(in: " \t\r")) else {
            throw StorageError.notOurFile(path: path, reason: "expected an epoch number, found '\(firstLine.prefix(32))'")
        }
        return value
    }

    /// Writes `epoch` durably (see the type's comment).
    public static func write(_ epoch: UInt64, directory: String, name: String) throws {
        try DurableFile.replace(directory + "/" + name, with: Array("\(epoch)\n".utf8))
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = self
        while let first = s.first, set.contains(first) { s = s.dropFirst() }
        while let last = s.last, set.contains(last) { s = s.dropLast() }
        return s
    }
}
