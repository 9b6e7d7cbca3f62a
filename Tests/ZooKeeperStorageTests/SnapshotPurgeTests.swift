import Testing
@testable import ZooKeeperStorage

@Suite struct SnapshotPurgeTests {
    /// Snapshots 0x10...0x50 and logs starting at 1, 0x15, 0x25, 0x35, 0x45 in one directory.
    static func populate(_ dir: String) throws {
        for zxid in stride(from: Int64(0x10), through: 0x50, by: 0x10) {
            try SnapshotTests.writeSnapshot(dir, zxid: zxid, chunks: [[UInt8(zxid)]])
        }
        let starts: [Int64] = [1, 0x15, 0x25, 0x35, 0x45]
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1] - 1 : 0x55
            try writeLog(dir, sampleEntries(start...end))
        }
    }

    @Test func keepsNewestSnapshotsAndTheLogsToReplayThem() throws {
        try withTempDirectory { dir in
            try Self.populate(dir)
            try writeFileBytes(path(dir, "snapshot.18.tmp"), [1])
            try writeFileBytes(path(dir, "snapshot.60.tmp"), [1])
            try writeFileBytes(path(dir, "log.2.orphaned"), [1])

            let deleted = try SnapshotStore.purge(snapshotDirectory: dir, logDirectory: dir, retainCount: 3)
            #expect(Set(deleted) == Set(["log.1", "log.15", "snapshot.10", "snapshot.20", "snapshot.18.tmp"].map { path(dir, $0) }))
            #expect(try listFiles(dir) == [
                "log.2.orphaned", "log.25", "log.35", "log.45",
                "snapshot.30", "snapshot.40", "snapshot.50", "snapshot.60.tmp",
            ])
            // Replay from the oldest kept snapshot still works.
            let log = try TxnLogReader.recover(directory: dir, afterZxid: 0x30)
            #expect(log.entries == sampleEntries(0x31...0x55))
            // Nothing more to do the second time.
            #expect(try SnapshotStore.purge(snapshotDirectory: dir, logDirectory: dir, retainCount: 3).isEmpty)
        }
    }

    @Test func separateDirectoriesAndLargerRetainCount() throws {
        try withTempDirectory { dir in
            let snaps = dir + "/snap", logs = dir + "/log"
            for zxid in stride(from: Int64(0x10), through: 0x50, by: 0x10) {
                try SnapshotTests.writeSnapshot(snaps, zxid: zxid, chunks: [])
            }
            try writeLog(logs, sampleEntries(1...0x1f))
            try writeLog(logs, sampleEntries(0x20...0x2f))
            try writeLog(logs, sampleEntries(0x30...0x55))
            let deleted = try SnapshotStore.purge(snapshotDirectory: snaps, logDirectory: logs, retainCount: 4)
            // Oldest kept is 0x20; log.20 starts exactly there and covers everything after it.
            #expect(Set(deleted) == Set([path(snaps, "snapshot.10"), path(logs, "log.1")]))
        }
    }

    @Test func damagedSnapshotsDoNotCountTowardsRetention() throws {
        try withTempDirectory { dir in
            try Self.populate(dir)
            try truncateFile(path(dir, "snapshot.50"), to: 20)
            let deleted = try SnapshotStore.purge(snapshotDirectory: dir, logDirectory: dir, retainCount: 3)
            #expect(Set(deleted) == Set(["log.1", "snapshot.10"].map { path(dir, $0) }))
            #expect(try listFiles(dir).contains("snapshot.50"))
        }
    }

    @Test func fewerSnapshotsThanRetainCountDeletesOnlyOlderLogs() throws {
        try withTempDirectory { dir in
            try writeLog(dir, sampleEntries(1...9))
            try writeLog(dir, sampleEntries(10...19))
            try writeLog(dir, sampleEntries(20...29))
            try SnapshotTests.writeSnapshot(dir, zxid: 22, chunks: [])
            let deleted = try SnapshotStore.purge(snapshotDirectory: dir, logDirectory: dir, retainCount: 3)
            #expect(deleted == [path(dir, "log.1"), path(dir, "log.a")])
        }
    }

    @Test func noSnapshotsDeletesNothing() throws {
        try withTempDirectory { dir in
            try writeLog(dir, sampleEntries(1...9))
            #expect(try SnapshotStore.purge(snapshotDirectory: dir, logDirectory: dir, retainCount: 3).isEmpty)
            #expect(try listFiles(dir) == ["log.1"])
        }
    }

    @Test func retainCountBelowThreeIsRejected() throws {
        try withTempDirectory { dir in
            #expect(throws: StorageError.self) {
                try SnapshotStore.purge(snapshotDirectory: dir, logDirectory: dir, retainCount: 2)
            }
        }
    }
}
