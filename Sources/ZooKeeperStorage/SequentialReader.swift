#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered forward-only reads from an open descriptor, so scanning a log or verifying a
/// snapshot costs one syscall per buffer rather than per record, with bounded memory.
final class SequentialReader {
    private let fd: Int32
    private let path: String
    private let bufferSize: Int
    private var buffer: [UInt8] = []
    private var bufferIndex = 0
    /// Offset in the file of the next byte `read` returns.
    private(set) var offset: Int

    init(fd: Int32, path: String, startingAt offset: Int = 0, bufferSize: Int = 256 * 1024) throws {
        self.fd = fd
        self.path = path
        self.offset = offset
        self.bufferSize = bufferSize
        try FileIO.seek(fd, to: offset, path: path)
    }

    /// Returns `count` bytes, or fewer only at end of file.
    func read(_ count: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            if bufferIndex == buffer.count {
                let wanted = count - result.count
                if wanted >= bufferSize {
                    // Large reads (big records, snapshot chunks) bypass the buffer: no double copy.
                    let direct = try readDirect(wanted)
                    if result.isEmpty { result = direct } else { result.append(contentsOf: direct) }
                    break
                }
                try refill()
                if buffer.isEmpty { break }
            }
            let take = min(count - result.count, buffer.count - bufferIndex)
            result.append(contentsOf: buffer[bufferIndex..<(bufferIndex + take)])
            bufferIndex += take
        }
        offset += result.count
        return result
    }

    /// Offset of the first non-zero byte from here to end of file, or nil if it is all zeros.
    /// Consumes the rest of the file. Used to check preallocated space, which can be tens of
    /// MiB, so whole chunks are compared with memcmp and only a dirty chunk is searched.
    func firstNonZeroOffset() throws -> Int? {
        let zeros = [UInt8](repeating: 0, count: bufferSize)
        while true {
            let start = offset
            let chunk = try read(bufferSize)
            if chunk.isEmpty { return nil }
            let allZero = chunk.withUnsafeBytes { chunkBytes in
                zeros.withUnsafeBytes { zeroBytes in
                    memcmp(chunkBytes.baseAddress!, zeroBytes.baseAddress!, chunkBytes.count) == 0
                }
            }
            if !allZero, let index = chunk.firstIndex(where: { $0 != 0 }) { return start + index }
        }
    }

    private func refill() throws {
        buffer = try readDirect(bufferSize)
        bufferIndex = 0
    }

    private func readDirect(_ count: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { storage, initialized in
            initialized = try FileIO.read(fd, into: UnsafeMutableRawPointer(storage.baseAddress!), count: count, path: path)
        }
    }
}
