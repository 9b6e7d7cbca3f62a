import Testing
@testable import ZooKeeperStorage

@Suite struct SnapshotTests {
    static func pattern(_ count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 131) ^ seed) }
    }

    @discardableResult
    static func writeSnapshot(_ dir: String, zxid: Int64, chunks: [[UInt8]]) throws -> SnapshotInfo {
        let writer = try SnapshotStore.begin(directory: dir, zxid: zxid)
        for chunk in chunks { try writer.write(chunk) }
        return try writer.finish()
    }

    @Test func multiChunkRoundTrip() throws {
        try withTempDirectory { dir in
            let chunks = [[], [1], Self.pattern(1000, seed: 1), Self.pattern(2_500_000, seed: 2), Self.pattern(300_000, seed: 3), [9, 9, 9]]
            let body = chunks.flatMap { $0 }
            let info = try Self.writeSnapshot(dir, zxid: 0x1a, chunks: chunks)
            #expect(info == SnapshotInfo(zxid: 0x1a, path: path(dir, "snapshot.1a"), sizeBytes: body.count + 32))
            #expect(try listFiles(dir) == ["snapshot.1a"])
            #expect(try fileSize(info.path) == info.sizeBytes)

            let found = try SnapshotStore.newestValid(directory: dir)
            #expect(found.snapshot == info)
            #expect(found.skipped.isEmpty)

            let reader = try SnapshotStore.open(info)
            var read: [UInt8] = []
            while !reader.isAtEnd {
                read += try reader.read(min(7777, reader.remainingBytes))
            }
            #expect(read == body)
            #expect(throws: StorageError.shortRead(path: info.path, requested: 1, available: 0)) { try reader.read(1) }
            reader.close()
            #expect(throws: StorageError.self) { try reader.read(0) }
        }
    }

    @Test func emptySnapshot() throws {
        try withTempDirectory { dir in
            let info = try Self.writeSnapshot(dir, zxid: 0, chunks: [])
            let reader = try SnapshotStore.open(info)
            #expect(reader.isAtEnd)
            #expect(try SnapshotStore.newestValid(directory: dir).snapshot == info)
        }
    }

    @Test func readingPastTheEndThrows() throws {
        try withTempDirectory { dir in
            let info = try Self.writeSnapshot(dir, zxid: 5, chunks: [Self.pattern(100, seed: 0)])
            let reader = try SnapshotStore.open(info)
            #expect(throws: StorageError.shortRead(path: info.path, requested: 101, available: 100)) { try reader.read(101) }
            #expect(try reader.read(60).count == 60)
            #expect(throws: StorageError.shortRead(path: info.path, requested: 41, available: 40)) { try reader.read(41) }
            #expect(try reader.read(40).count == 40)
            #expect(reader.isAtEnd)
        }
    }

    @Test func unfinishedAndCorruptSnapshotsAreSkipped() throws {
        try withTempDirectory { dir in
            let good = try Self.writeSnapshot(dir, zxid: 0x10, chunks: [Self.pattern(5000, seed: 1)])
            let flipped = try Self.writeSnapshot(dir, zxid: 0x20, chunks: [Self.pattern(5000, seed: 2)])
            try flipByte(flipped.path, at: 2500)
            let cut = try Self.writeSnapshot(dir, zxid: 0x25, chunks: [Self.pattern(5000, seed: 3)])
            try truncateFile(cut.path, to: 3000)
            let unfinished = try SnapshotStore.begin(directory: dir, zxid: 0x30)
            try unfinished.write(Self.pattern(5000, seed: 4))

            let found = try SnapshotStore.newestValid(directory: dir)
            #expect(found.snapshot == good)
            #expect(found.skipped == [
                "ignored snapshot.30.tmp: unfinished snapshot (never completed and renamed)",
                "skipped snapshot.25: missing trailer (file incomplete)",
                "skipped snapshot.20: checksum mismatch",
            ])
            unfinished.abandon()
        }
    }

    @Test func openingACorruptSnapshotFailsAtTheEnd() throws {
        try withTempDirectory { dir in
            let info = try Self.writeSnapshot(dir, zxid: 7, chunks: [Self.pattern(1000, seed: 5)])
            try flipByte(info.path, at: 100)
            let reader = try SnapshotStore.open(info)
            _ = try reader.read(500)
            #expect(throws: StorageError.corruptSnapshot(path: info.path, reason: "checksum mismatch")) { try reader.read(500) }
        }
    }

    @Test func headerZxidMustMatchTheName() throws {
        try withTempDirectory { dir in
            let info = try Self.writeSnapshot(dir, zxid: 7, chunks: [[1, 2, 3]])
            try FileIOForTests.rename(info.path, path(dir, "snapshot.8"))
            let found = try SnapshotStore.newestValid(directory: dir)
            #expect(found.snapshot == nil)
            #expect(found.skipped.first?.contains("does not match file name") == true)
        }
    }

    @Test func abandonAndDropRemoveTheTemporaryFile() throws {
        try withTempDirectory { dir in
            let writer = try SnapshotStore.begin(directory: dir, zxid: 3)
            try writer.write([1, 2, 3])
            #expect(try listFiles(dir) == ["snapshot.3.tmp"])
            writer.abandon()
            writer.abandon()
            #expect(try listFiles(dir).isEmpty)
            #expect(throws: StorageError.self) { try writer.write([4]) }
            #expect(throws: StorageError.self) { _ = try writer.finish() }

            do {
                let dropped = try SnapshotStore.begin(directory: dir, zxid: 4)
                try dropped.write([1])
            }
            #expect(try listFiles(dir).isEmpty)
        }
    }

    @Test func finishedWriterCannotBeReused() throws {
        try withTempDirectory { dir in
            let writer = try SnapshotStore.begin(directory: dir, zxid: 3)
            _ = try writer.finish()
            #expect(throws: StorageError.self) { try writer.write([4]) }
            writer.abandon()
            #expect(try listFiles(dir) == ["snapshot.3"])
        }
    }

    @Test func missingDirectoryHasNoSnapshot() throws {
        try withTempDirectory { dir in
            let found = try SnapshotStore.newestValid(directory: dir + "/nope")
            #expect(found.snapshot == nil)
            #expect(found.skipped.isEmpty)
        }
    }
}
