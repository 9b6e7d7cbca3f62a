#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A small file replaced whole and durably: written to a temporary beside
/// it, fsynced, renamed over it, and its directory fsynced, so a crash
/// leaves the old contents or the new, never a mix. The epoch files and the
/// dynamic config files (and the zoo.cfg pointing at them) are written so.
public enum DurableFile {
    public static func replace(_ path: String, with bytes: [UInt8]) throws {
        let temporary = path + ".tmp"
        let fd = try FileIO.open(temporary, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try bytes.withUnsafeBytes { try FileIO.write(fd, $0, at: 0, path: temporary) }
            try FileIO.syncFull(fd, path: temporary)
        } catch {
            FileIO.close(fd)
            try? FileIO.unlink(temporary)
            throw error
        }
        FileIO.close(fd)
        try FileIO.rename(temporary, to: path)
        try FileIO.syncDirectory(FileIO.parentDirectory(of: path))
    }
}
