#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the POSIX calls storage needs.
///
/// POSIX rather than FileHandle because durability depends on exactly which sync call runs
/// when (fdatasync for appends into preallocated space, fsync for new files, an fsync of the
/// directory after create/rename). Every wrapper retries EINTR and turns failures into a
/// `StorageError.io` naming the operation, the file and the errno text. Writes, syncs,
/// renames and creates first ask `StorageFaults`, where tests inject ENOSPC, EIO and
/// torn writes.
enum FileIO {
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws -> Int32 {
        if flags & O_CREAT != 0, case .fail(let code)? = StorageFaults.fault(for: .create, path: path) {
            throw StorageError.io(operation: "open", path: path, errno: code)
        }
        while true {
            let fd = systemOpen(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            let code = errno
            if code == EINTR { continue }
            throw StorageError.io(operation: "open", path: path, errno: code)
        }
    }

    /// Close errors are ignored: everything that matters was fsynced (and checked) before.
    static func close(_ fd: Int32) {
        _ = systemClose(fd)
    }

    /// Writes every byte at `offset`, looping over short writes.
    static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws {
        switch StorageFaults.fault(for: .write(bytes: bytes.count), path: path) {
        case .fail(let code)?:
            throw StorageError.io(operation: "write", path: path, errno: code)
        case .tornWrite(let keep, let code)?:
            try writeAll(fd, UnsafeRawBufferPointer(rebasing: bytes.prefix(max(0, min(keep, bytes.count)))), at: offset, path: path)
            throw StorageError.io(operation: "write", path: path, errno: code)
        case nil:
            try writeAll(fd, bytes, at: offset, path: path)
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw StorageError.io(operation: "write", path: path, errno: code)
            }
            done += n
        }
    }

    /// Reads up to `count` bytes at the file position; fewer only at end of file.
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, path: String) throws -> Int {
        var done = 0
        while done < count {
            let n = systemRead(fd, buffer + done, count - done)
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw StorageError.io(operation: "read", path: path, errno: code)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads exactly `count` bytes at `offset`, or fewer at end of file.
    static func read(_ fd: Int32, count: Int, at offset: Int, path: String) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = result.withUnsafeMutableBytes { buffer in
                pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
            }
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw StorageError.io(operation: "read", path: path, errno: code)
            }
            if n == 0 { break }
            done += n
        }
        result.removeLast(count - done)
        return result
    }

    static func seek(_ fd: Int32, to offset: Int, path: String) throws {
        if lseek(fd, off_t(offset), SEEK_SET) < 0 {
            throw StorageError.io(operation: "seek", path: path, errno: errno)
        }
    }

    static func size(_ fd: Int32, path: String) throws -> Int {
        var info = stat()
        if fstat(fd, &info) != 0 {
            throw StorageError.io(operation: "stat", path: path, errno: errno)
        }
        return Int(info.st_size)
    }

    /// Flushes file data plus only the metadata needed to read it back (the size), which is
    /// what appends into preallocated space need; cheaper than a full fsync.
    static func syncData(_ fd: Int32, path: String) throws {
        try injectedFault(.sync, "fdatasync", path)
        #if os(Linux)
        try retrying("fdatasync", path) { fdatasync(fd) }
        #else
        try syncFull(fd, path: path)
        #endif
    }

    /// Flushes data and all metadata. On Darwin plain fsync does not reach the platter, so
    /// F_FULLFSYNC is used there.
    static func syncFull(_ fd: Int32, path: String) throws {
        try injectedFault(.sync, "fsync", path)
        #if canImport(Darwin)
        if fcntl(fd, F_FULLFSYNC) == 0 { return }
        #endif
        try retrying("fsync", path) { fsync(fd) }
    }

    /// Makes a create, rename, unlink or truncate-to-new-name durable: those change the
    /// directory, whose own blocks a file's fsync does not cover.
    static func syncDirectory(_ path: String) throws {
        try injectedFault(.syncDirectory, "fsync directory", path)
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try retrying("fsync directory", path) { fsync(fd) }
    }

    static func truncate(_ fd: Int32, to length: Int, path: String) throws {
        try retrying("ftruncate", path) { ftruncate(fd, off_t(length)) }
    }

    /// Reserves blocks for `[offset, offset + length)`. Returns false when the file system
    /// cannot preallocate, in which case the caller simply appends (files then grow on write).
    static func preallocate(_ fd: Int32, offset: Int, length: Int, path: String) throws -> Bool {
        #if os(Linux)
        while true {
            // posix_fallocate returns the error code instead of setting errno.
            let code = posix_fallocate(fd, off_t(offset), off_t(length))
            if code == 0 { return true }
            if code == EINTR { continue }
            if code == EOPNOTSUPP || code == EINVAL || code == ENOSYS { return false }
            throw StorageError.io(operation: "posix_fallocate", path: path, errno: code)
        }
        #else
        return false
        #endif
    }

    static func rename(_ from: String, to: String) throws {
        try injectedFault(.rename, "rename to \(to)", from)
        if systemRename(from, to) != 0 {
            throw StorageError.io(operation: "rename to \(to)", path: from, errno: errno)
        }
    }

    static func unlink(_ path: String) throws {
        if systemUnlink(path) != 0 {
            let code = errno
            if code == ENOENT { return }
            throw StorageError.io(operation: "unlink", path: path, errno: code)
        }
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// `mkdir -p`, fsyncing each parent whose entry list changed so the new directory survives a crash.
    static func createDirectories(_ path: String) throws {
        if path.isEmpty || exists(path) { return }
        let parent = parentDirectory(of: path)
        if parent != path { try createDirectories(parent) }
        if mkdir(path, 0o755) != 0 {
            let code = errno
            if code == EEXIST { return }
            throw StorageError.io(operation: "mkdir", path: path, errno: code)
        }
        try syncDirectory(parent)
    }

    static func parentDirectory(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// Entry names in a directory (no "." or ".."); empty if the directory does not exist.
    static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else {
            let code = errno
            if code == ENOENT { return [] }
            throw StorageError.io(operation: "opendir", path: path, errno: code)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw StorageError.io(operation: "readdir", path: path, errno: errno) }
                break
            }
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }

    private static func injectedFault(_ operation: StorageOperation, _ name: String, _ path: String) throws {
        if case .fail(let code)? = StorageFaults.fault(for: operation, path: path) {
            throw StorageError.io(operation: name, path: path, errno: code)
        }
    }

    private static func retrying(_ operation: String, _ path: String, _ call: () -> Int32) throws {
        while call() != 0 {
            let code = errno
            if code == EINTR { continue }
            throw StorageError.io(operation: operation, path: path, errno: code)
        }
    }
}

func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

// The bare libc names are shadowed by FileIO's own methods inside the enum; these aliases
// reach the C functions unambiguously.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
private func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
private func systemUnlink(_ path: String) -> Int32 { unlink(path) }
