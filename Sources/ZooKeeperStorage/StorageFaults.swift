#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A storage call a fault can be injected into.
public enum StorageOperation: Sendable, Equatable {
    /// `pwrite` of this many bytes.
    case write(bytes: Int)
    /// fdatasync / fsync of a file.
    case sync
    /// fsync of a directory (after a create, rename or unlink).
    case syncDirectory
    case rename
    /// An open that creates the file.
    case create
}

/// What the file system does instead of the call.
public enum StorageFault: Sendable, Equatable {
    /// The call fails with this errno (ENOSPC, EIO, …) and changes nothing.
    case fail(errno: Int32)
    /// A write puts only its first `keepBytes` bytes on disk, then fails: a torn write.
    case tornWrite(keepBytes: Int, errno: Int32)
}

/// Decides the faults of one directory tree; tests implement it.
public protocol StorageFaultInjector: Sendable {
    /// nil lets the call run. Called before every write, sync, rename and create
    /// under the directory the injector is installed for.
    func fault(for operation: StorageOperation, path: String) -> StorageFault?
}

/// Where tests install injectors, by directory: storage under that directory
/// (a test's own temp dir) fails as told; everything else runs untouched, so
/// tests that run in parallel do not see each other's faults. The production
/// path pays one uncontended lock per call when nothing is installed.
public enum StorageFaults {
    public static func install(_ injector: any StorageFaultInjector, under directory: String) {
        registry.set(injector, for: directory)
    }

    public static func remove(under directory: String) {
        registry.set(nil, for: directory)
    }

    static func fault(for operation: StorageOperation, path: String) -> StorageFault? {
        registry.injector(for: path)?.fault(for: operation, path: path)
    }

    private static let registry = Registry()

    private final class Registry: @unchecked Sendable {
        private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private var injectors: [String: any StorageFaultInjector] = [:]

        init() { pthread_mutex_init(mutex, nil) }

        func set(_ injector: (any StorageFaultInjector)?, for directory: String) {
            let key = directory.hasSuffix("/") ? directory : directory + "/"
            pthread_mutex_lock(mutex)
            injectors[key] = injector
            pthread_mutex_unlock(mutex)
        }

        func injector(for path: String) -> (any StorageFaultInjector)? {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            guard !injectors.isEmpty else { return nil }
            let directoryPath = path.hasSuffix("/") ? path : path + "/"
            return injectors.first { directoryPath.hasPrefix($0.key) }?.value
        }
    }
}
