import Testing
@testable import ZooKeeperStorage

@Suite struct TxnLogWriterTests {
    @Test func appendSyncRecoverRoundTrip() throws {
        try withTempDirectory { dir in
            let entries = sampleEntries(1...20) + [LogEntry(zxid: 21, payload: [])]
            try writeLog(dir, entries, preallocateBytes: 4096)
            #expect(try listFiles(dir) == ["log.1"])
            let log = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(log.entries == entries)
            #expect(log.repairs.isEmpty)
        }
    }

    @Test func zxidZeroIsReadable() throws {
        try withTempDirectory { dir in
            let entries = sampleEntries(0...3)
            try writeLog(dir, entries)
            #expect(try listFiles(dir) == ["log.0"])
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: -1).entries == entries)
        }
    }

    @Test func manyFilesAcrossRollOver() throws {
        try withTempDirectory { dir in
            let entries = sampleEntries(1...30)
            let writer = try TxnLogWriter(directory: dir, preallocateBytes: 1024)
            var sizes: [Int] = []
            for entry in entries {
                if entry.zxid == 11 || entry.zxid == 21 {
                    sizes.append(writer.bytesSinceRollOver)
                    try writer.rollOver()
                    #expect(writer.bytesSinceRollOver == 0)
                }
                try writer.append(entry)
            }
            try writer.sync()
            writer.close()
            let firstFileBytes = LogFormat.headerSize + entries[0..<10].reduce(0) { $0 + LogFormat.recordSize(payloadCount: $1.payload.count) }
            #expect(sizes.first == firstFileBytes)
            #expect(try listFiles(dir) == ["log.1", "log.15", "log.b"])
            let log = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(log.entries == entries)
            #expect(log.repairs.isEmpty)
        }
    }

    @Test func rollOverWithUnsyncedEntriesKeepsThem() throws {
        try withTempDirectory { dir in
            let writer = try TxnLogWriter(directory: dir)
            try writer.append(LogEntry(zxid: 1, payload: [1]))
            try writer.rollOver()
            try writer.append(LogEntry(zxid: 2, payload: [2]))
            try writer.sync()
            writer.close()
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 0).entries.map(\.zxid) == [1, 2])
        }
    }

    @Test func recoverAfterZxidFilters() throws {
        try withTempDirectory { dir in
            let entries = sampleEntries(1...30)
            try writeLog(dir, entries, rollBefore: [11, 21])
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 12).entries == Array(entries[12...]))
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 10).entries == Array(entries[10...]))
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 29).entries == [entries[29]])
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 30).entries.isEmpty)
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 1000).entries.isEmpty)
        }
    }

    @Test func filesWhollyBeforeAfterZxidAreNotRead() throws {
        try withTempDirectory { dir in
            let entries = sampleEntries(1...30)
            try writeLog(dir, entries, rollBefore: [11, 21])
            // Damage in log.1 does not matter when replay starts after zxid 15.
            try flipByte(path(dir, "log.1"), at: recordOffsets(Array(entries[0..<10]))[4] + 10)
            let log = try TxnLogReader.recover(directory: dir, afterZxid: 15)
            #expect(log.entries == Array(entries[15...]))
            #expect(log.repairs.isEmpty)
        }
    }

    @Test func preallocatedZerosAreNotEntries() throws {
        try withTempDirectory { dir in
            let entries = sampleEntries(1...3)
            try writeLog(dir, entries, preallocateBytes: 1 << 20)
            #expect(try fileSize(path(dir, "log.1")) == 1 << 20)
            let log = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(log.entries == entries)
            #expect(log.repairs.isEmpty)
            // A clean end inside preallocated space is not repaired.
            #expect(try fileSize(path(dir, "log.1")) == 1 << 20)
        }
    }

    @Test func preallocationGrowsInChunks() throws {
        try withTempDirectory { dir in
            let big = [UInt8](repeating: 7, count: 600_000)
            let entries = [LogEntry(zxid: 1, payload: big), LogEntry(zxid: 2, payload: big)]
            try writeLog(dir, entries, preallocateBytes: 1 << 20)
            #expect(try fileSize(path(dir, "log.1")) == 2 << 20)
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 0).entries == entries)
        }
    }

    @Test func largeBatchesAreWrittenBeforeSync() throws {
        // Crossing the in-memory flush threshold writes (without syncing) and keeps order.
        try withTempDirectory { dir in
            let entries = (1...40).map { LogEntry(zxid: Int64($0), payload: [UInt8](repeating: UInt8($0), count: 100_000)) }
            try writeLog(dir, entries, preallocateBytes: 1 << 20)
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 0).entries == entries)
        }
    }

    @Test func restartStartsANewFile() throws {
        try withTempDirectory { dir in
            try writeLog(dir, sampleEntries(1...3), preallocateBytes: 4096)
            try writeLog(dir, sampleEntries(4...6), preallocateBytes: 4096)
            #expect(try listFiles(dir) == ["log.1", "log.4"])
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 0).entries == sampleEntries(1...6))
        }
    }

    @Test func rejectsBadAppends() throws {
        try withTempDirectory { dir in
            let writer = try TxnLogWriter(directory: dir)
            #expect(throws: StorageError.negativeZxid(-1)) { try writer.append(LogEntry(zxid: -1, payload: [])) }
            try writer.append(LogEntry(zxid: 5, payload: []))
            #expect(throws: StorageError.zxidNotIncreasing(previous: 5, attempted: 5)) {
                try writer.append(LogEntry(zxid: 5, payload: []))
            }
            #expect(throws: StorageError.zxidNotIncreasing(previous: 5, attempted: 4)) {
                try writer.append(LogEntry(zxid: 4, payload: []))
            }
            // Validation errors do not poison the writer.
            try writer.append(LogEntry(zxid: 6, payload: []))
            try writer.sync()
            writer.close()
            #expect(throws: StorageError.self) { try writer.append(LogEntry(zxid: 7, payload: [])) }
            #expect(throws: StorageError.self) { try writer.sync() }
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 0).entries.map(\.zxid) == [5, 6])
        }
    }

    @Test func closeDiscardsUnsyncedEntries() throws {
        try withTempDirectory { dir in
            let writer = try TxnLogWriter(directory: dir, preallocateBytes: 0)
            try writer.append(LogEntry(zxid: 1, payload: [1]))
            try writer.sync()
            try writer.append(LogEntry(zxid: 2, payload: [2]))
            writer.close()
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 0).entries.map(\.zxid) == [1])
        }
    }

    @Test func syncWithNothingAppendedIsANoOp() throws {
        try withTempDirectory { dir in
            let writer = try TxnLogWriter(directory: dir)
            try writer.sync()
            try writer.rollOver()
            writer.close()
            #expect(try listFiles(dir).isEmpty)
        }
    }

    @Test func createsMissingDirectories() throws {
        try withTempDirectory { dir in
            let nested = dir + "/a/b/version-2"
            try writeLog(nested, sampleEntries(1...2))
            #expect(try TxnLogReader.recover(directory: nested, afterZxid: 0).entries == sampleEntries(1...2))
            #expect(try TxnLogReader.recover(directory: dir + "/missing", afterZxid: 0).entries.isEmpty)
        }
    }

    @Test func refusesToOverwriteAFileWithEntries() throws {
        try withTempDirectory { dir in
            try writeLog(dir, sampleEntries(5...6))
            let writer = try TxnLogWriter(directory: dir)
            #expect(throws: StorageError.logFileExists(path: path(dir, "log.5"))) {
                try writer.append(LogEntry(zxid: 5, payload: []))
            }
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 0).entries == sampleEntries(5...6))
        }
    }
}
