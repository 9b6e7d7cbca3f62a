import Glibc
import Testing
@testable import ZooKeeperStorage

/// Disk faults injected under a test's own directory (`StorageFaults`): ENOSPC,
/// EIO and torn writes. Nothing is acknowledged that was not written, a failed
/// writer stays failed, and recovery reads exactly the good prefix (issue 14).
final class ScriptedFaults: StorageFaultInjector, @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var rules: [(matches: (StorageOperation, String) -> Bool, fault: StorageFault, remaining: Int)] = []
    init() { pthread_mutex_init(mutex, nil) }

    /// The next `times` calls that match get `fault`.
    func add(_ fault: StorageFault, times: Int = 1, when matches: @escaping (StorageOperation, String) -> Bool) {
        pthread_mutex_lock(mutex)
        rules.append((matches, fault, times))
        pthread_mutex_unlock(mutex)
    }

    func fault(for operation: StorageOperation, path: String) -> StorageFault? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard let index = rules.firstIndex(where: { $0.remaining > 0 && $0.matches(operation, path) }) else { return nil }
        rules[index].remaining -= 1
        return rules[index].fault
    }
}

func withFaults<T>(_ body: (String, ScriptedFaults) throws -> T) throws -> T {
    try withTempDirectory { dir in
        let faults = ScriptedFaults()
        StorageFaults.install(faults, under: dir)
        defer { StorageFaults.remove(under: dir) }
        return try body(dir, faults)
    }
}

@Suite struct StorageFaultTests {
    @Test func enospcOnALogWriteFailsTheSyncAndPoisonsTheWriter() throws {
        try withFaults { dir, faults in
            let writer = try TxnLogWriter(directory: dir, preallocateBytes: 0)
            for entry in sampleEntries(1...3) { try writer.append(entry) }
            try writer.sync()
            for entry in sampleEntries(4...6) { try writer.append(entry) }
            faults.add(.fail(errno: ENOSPC)) { op, _ in if case .write = op { true } else { false } }
            #expect(throws: StorageError.self) { try writer.sync() }
            // After a failed write nothing the writer says can be trusted: it refuses.
            #expect { try writer.append(sampleEntries(7...7)[0]) } throws: { error in
                guard case StorageError.writerFailed(_, let cause) = error else { return false }
                return cause.contains("No space left on device")
            }
            writer.close()
            // Recovery reads what was acknowledged (synced), nothing more, nothing damaged.
            let recovered = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(recovered.entries == sampleEntries(1...3))
        }
    }

    @Test func eioOnFsyncIsNeverAcknowledged() throws {
        try withFaults { dir, faults in
            let writer = try TxnLogWriter(directory: dir, preallocateBytes: 0)
            for entry in sampleEntries(1...3) { try writer.append(entry) }
            faults.add(.fail(errno: EIO)) { op, _ in op == .sync }
            #expect { try writer.sync() } throws: { error in
                guard case StorageError.io(let operation, _, let code) = error else { return false }
                return operation == "fdatasync" && code == EIO
            }
            #expect(throws: StorageError.self) { try writer.sync() }
            writer.close()
        }
    }

    @Test func aTornRecordIsCutAtRecoveryAndTheRestSurvives() throws {
        try withFaults { dir, faults in
            let writer = try TxnLogWriter(directory: dir, preallocateBytes: 0)
            for entry in sampleEntries(1...5) { try writer.append(entry) }
            try writer.sync()
            try writer.append(LogEntry(zxid: 6, payload: Array(repeating: 0xab, count: 200)))
            // Half of the record reaches the disk, then the machine "dies".
            faults.add(.tornWrite(keepBytes: 100, errno: EIO)) { op, _ in if case .write = op { true } else { false } }
            #expect(throws: StorageError.self) { try writer.sync() }
            writer.close()
            let recovered = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(recovered.entries == sampleEntries(1...5))
            #expect(recovered.repairs.count == 1)
        }
    }

    @Test func enospcInASnapshotLeavesNoFileAndThePreviousSnapshotServes() throws {
        try withFaults { dir, faults in
            let first = try SnapshotStore.begin(directory: dir, zxid: 5)
            try first.write(Array(repeating: 1, count: 10))
            _ = try first.finish()
            let second = try SnapshotStore.begin(directory: dir, zxid: 9)
            faults.add(.fail(errno: ENOSPC)) { op, _ in if case .write = op { true } else { false } }
            try? second.write(Array(repeating: 2, count: 2 * 1024 * 1024))
            #expect(throws: StorageError.self) { _ = try second.finish() }
            #expect(try listFiles(dir) == ["snapshot.5"])
            #expect(try SnapshotStore.newestValid(directory: dir).snapshot?.zxid == 5)
        }
    }

    @Test func aFailedRenameNeverPublishesTheSnapshot() throws {
        try withFaults { dir, faults in
            let snapshot = try SnapshotStore.begin(directory: dir, zxid: 7)
            try snapshot.write([1, 2, 3])
            faults.add(.fail(errno: EIO)) { op, _ in op == .rename }
            #expect(throws: StorageError.self) { _ = try snapshot.finish() }
            #expect(try listFiles(dir).isEmpty)
            #expect(try SnapshotStore.newestValid(directory: dir).snapshot == nil)
        }
    }

    @Test func faultsStayInTheirDirectory() throws {
        try withFaults { dir, faults in
            faults.add(.fail(errno: EIO), times: 100) { _, _ in true }
            try withTempDirectory { other in
                try writeLog(other, sampleEntries(1...3))
                #expect(try TxnLogReader.recover(directory: other, afterZxid: 0).entries == sampleEntries(1...3))
            }
            #expect(throws: StorageError.self) { try writeLog(dir, sampleEntries(1...3)) }
        }
    }
}
