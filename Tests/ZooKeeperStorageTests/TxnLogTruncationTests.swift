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
}
