#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which snapshots of a data directory may still be published. A snapshot is
/// serialised in the background from a copy of the tree; if the log is
/// truncated (a leader's TRUNC) or replaced (a leader's SNAP) meanwhile, that
/// copy holds state the truncation removed, and renaming it into place would
/// bring it back at the next recovery — a replica diverged that way (issue 14
/// item 0). So every change that invalidates the directory's history moves the
/// fence first, and a snapshot begun before it is deleted instead of renamed.
/// The check and the rename happen under one lock, so a snapshot is either
/// published before the move (and the truncation then deletes it by name) or
/// never.
public final class SnapshotFence: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var generation: UInt64 = 0

    public init() {
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// The generation a snapshot begun now belongs to.
    public var current: UInt64 { locked { generation } }

    /// Makes every snapshot begun before this call unpublishable. Call it before
    /// truncating the log or installing a snapshot, then delete the snapshot
    /// files above the new end.
    public func invalidate() {
        locked { generation += 1 }
    }

    /// Runs `publish` (the rename) only if no invalidation happened since
    /// `begunAt`; false when the snapshot is stale.
    func publish(begunAt: UInt64, _ publish: () throws -> Void) throws -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard generation == begunAt else { return false }
        try publish()
        return true
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }
}
