import Testing
@testable import ZooKeeperStorage

@Suite struct TxnLogTruncationTests {
    @Test func truncationCutsInsideAFileDropsLaterFilesAndSnapshotsAndAppendingContinues() throws {
        try withTempDirectory { dir in
            // Files log.1 (1...4, preallocated) and log.5 (5...8); a snapshot at 6.
            try writeLog(dir, sampleEntries(1...8), preallocateBytes: 4096, rollBefore: [5])
            let snapshot = try SnapshotStore.begin(directory: dir, zxid: 6)
            try snapshot.write([1, 2, 3])
            _ = try snapshot.finish()
            let dropped = try TxnLogTruncation.truncate(logDirectory: dir, snapshotDirectory: dir, afterZxid: 3)
            #expect(dropped == 5)
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 0).entries == sampleEntries(1...3))
            #expect(try listFiles(dir) == ["log.1"])
            // A new writer continues after the cut, in a file of its own.
            try writeLog(dir, sampleEntries(4...5))
            let after = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(after.entries == sampleEntries(1...5))
            #expect(after.repairs.isEmpty)
        }
    }

    @Test func truncatingAtOrAboveTheLastZxidDropsNothing() throws {
        try withTempDirectory { dir in
            try writeLog(dir, sampleEntries(1...4))
            #expect(try TxnLogTruncation.truncate(logDirectory: dir, snapshotDirectory: dir, afterZxid: 4) == 0)
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 0).entries == sampleEntries(1...4))
        }
    }

    /// Issue 14 item 0: a snapshot serialised in the background from a tree that held
    /// txns a TRUNC then removed must never be recovered from. Before the fence, the
    /// snapshot finished after the truncation, was renamed into place, and the next
    /// recovery brought the dropped txns back.
    @Test func aSnapshotBegunBeforeATruncationIsNeverPublished() throws {
        try withTempDirectory { dir in
            let fence = SnapshotFence()
            try writeLog(dir, sampleEntries(1...8))
            // The background snapshot of the tree at 8 (with 4...8 uncommitted) is under way…
            let snapshot = try SnapshotStore.begin(directory: dir, zxid: 8, fence: fence)
            try snapshot.write([1, 2, 3])
            // …when the new leader says TRUNC to 3.
            fence.invalidate()
            #expect(try TxnLogTruncation.truncate(logDirectory: dir, snapshotDirectory: dir, afterZxid: 3) == 5)
            #expect(throws: StorageError.superseded(path: snapshot.tmpPath)) { _ = try snapshot.finish() }
            #expect(try listFiles(dir) == ["log.1"])
            #expect(try SnapshotStore.newestValid(directory: dir).snapshot == nil)
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 0).entries == sampleEntries(1...3))
            // A snapshot begun after the truncation is published as usual.
            let later = try SnapshotStore.begin(directory: dir, zxid: 3, fence: fence)
            try later.write([4])
            #expect(try later.finish().zxid == 3)
            #expect(try SnapshotStore.newestValid(directory: dir).snapshot?.zxid == 3)
        }
    }

    /// Published just before the fence moved: the truncation deletes it by name.
    @Test func aSnapshotPublishedBeforeTheFenceMovedIsDeletedByTheTruncation() throws {
        try withTempDirectory { dir in
            let fence = SnapshotFence()
            try writeLog(dir, sampleEntries(1...8))
            let snapshot = try SnapshotStore.begin(directory: dir, zxid: 8, fence: fence)
            try snapshot.write([1])
            _ = try snapshot.finish()
            fence.invalidate()
            try TxnLogTruncation.truncate(logDirectory: dir, snapshotDirectory: dir, afterZxid: 3)
            #expect(try SnapshotStore.newestValid(directory: dir).snapshot == nil)
        }
    }
}
