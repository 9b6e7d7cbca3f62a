import Testing
@testable import ZooKeeperStorage

@Suite struct TxnLogRecoveryTests {
    @Test func tornTailIsTruncatedAndAppendingContinues() throws {
        try withTempDirectory { dir in
            let entries = sampleEntries(1...5)
            try writeLog(dir, entries)
            let lastStart = recordOffsets(entries)[4]
            let file = path(dir, "log.1")
            try truncateFile(file, to: lastStart + 7)

            let log = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(log.entries == Array(entries[0..<4]))
            #expect(log.repairs.count == 1)
            #expect(log.repairs.first?.hasPrefix("truncated log.1 at offset \(lastStart): ") == true)
            #expect(try fileSize(file) == lastStart)

            // The repaired log is clean, and the server can continue from the last good zxid.
            #expect(try TxnLogReader.recover(directory: dir, afterZxid: 0).repairs.isEmpty)
            try writeLog(dir, sampleEntries(5...7), preallocateBytes: 4096)
            let after = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(after.entries == sampleEntries(1...7))
            #expect(after.repairs.isEmpty)
            #expect(try listFiles(dir) == ["log.1", "log.5"])
        }
    }

    @Test func unwrittenRecordBodyInPreallocatedSpaceFailsChecksum() throws {
        try withTempDirectory { dir in
            let entries = sampleEntries(1...6)
            try writeLog(dir, entries, preallocateBytes: 4096)
            let file = path(dir, "log.1")
            // The page holding the record prefix reached disk, the payload's did not.
            var bytes = try fileBytes(file)
            let lastStart = recordOffsets(entries)[5]
            for i in (lastStart + 8)..<(lastStart + LogFormat.recordSize(payloadCount: entries[5].payload.count)) { bytes[i] = 0 }
            try writeFileBytes(file, bytes)

            let log = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(log.entries == Array(entries[0..<5]))
            #expect(log.repairs == ["truncated log.1 at offset \(lastStart): checksum mismatch (torn write or corruption)"])
            #expect(try fileSize(file) == lastStart)
        }
    }

    @Test func flippedByteInLastRecordIsDetected() throws {
        try withTempDirectory { dir in
            let entries = sampleEntries(1...5)
            try writeLog(dir, entries, preallocateBytes: 4096)
            let offsets = recordOffsets(entries)
            let lastEnd = offsets[4] + LogFormat.recordSize(payloadCount: entries[4].payload.count)
            try flipByte(path(dir, "log.1"), at: (offsets[4] + 8 + lastEnd) / 2)
            let log = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(log.entries == Array(entries[0..<4]))
            #expect(log.repairs.count == 1)
            #expect(log.repairs.first?.contains("checksum mismatch") == true)
        }
    }

    @Test func hostileRecordLengthIsRejectedWithoutAllocating() throws {
        try withTempDirectory { dir in
            let entries = sampleEntries(1...3)
            try writeLog(dir, entries)
            let file = path(dir, "log.1")
            let end = try fileSize(file)
            try writeFileBytes(file, try fileBytes(file) + [0xFF, 0xFF, 0xFF, 0xF0] + [UInt8](repeating: 0xAB, count: 20))
            let log = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(log.entries == entries)
            #expect(log.repairs == ["truncated log.1 at offset \(end): invalid record length 4294967280"])
            #expect(try fileSize(file) == end)
        }
    }

    @Test func lengthPastEndOfFileIsATornRecord() throws {
        try withTempDirectory { dir in
            try writeLog(dir, sampleEntries(1...2))
            let file = path(dir, "log.1")
            let end = try fileSize(file)
            try writeFileBytes(file, try fileBytes(file) + [0x01, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9])
            let log = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(log.entries == sampleEntries(1...2))
            #expect(log.repairs.first?.contains("extends past end of file") == true)
            #expect(try fileSize(file) == end)
        }
    }

    @Test func zerosFollowedByDataAreDamage() throws {
        try withTempDirectory { dir in
            let entries = sampleEntries(1...4)
            try writeLog(dir, entries, preallocateBytes: 4096)
            let file = path(dir, "log.1")
            var bytes = try fileBytes(file)
            let third = recordOffsets(entries)[2]
            for i in third..<recordOffsets(entries)[3] { bytes[i] = 0 }
            try writeFileBytes(file, bytes)
            let log = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(log.entries == Array(entries[0..<2]))
            #expect(log.repairs.first?.hasPrefix("truncated log.1 at offset \(third): zero record length followed by non-zero data") == true)
        }
    }

    @Test func filesAfterTheDamageAreMovedAsideNotReplayed() throws {
        try withTempDirectory { dir in
            let entries = sampleEntries(1...30)
            try writeLog(dir, entries, rollBefore: [11, 21])
            let damaged = recordOffsets(Array(entries[0..<10]))[4]
            try flipByte(path(dir, "log.1"), at: damaged + 9)
            let before15 = try fileBytes(path(dir, "log.15"))

            let log = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(log.entries == Array(entries[0..<4]))
            #expect(log.repairs.count == 3)
            #expect(log.repairs[0] == "truncated log.1 at offset \(damaged): checksum mismatch (torn write or corruption)")
            #expect(log.repairs[1].hasPrefix("moved log.b aside to log.b.orphaned"))
            #expect(log.repairs[2].hasPrefix("moved log.15 aside to log.15.orphaned"))
            #expect(try listFiles(dir) == ["log.1", "log.15.orphaned", "log.b.orphaned"])
            #expect(try fileBytes(path(dir, "log.15.orphaned")) == before15)

            // The server continues from zxid 4; the orphans never come back into the log.
            try writeLog(dir, sampleEntries(5...7))
            let after = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(after.entries == sampleEntries(1...7))
            #expect(after.repairs.isEmpty)
        }
    }

    /// A crash can stop the file at any byte. Whatever the cut, recovery returns exactly the
    /// records wholly before it, repairs the file, and the writer can carry on from there
    /// (reusing the file name when no record survived).
    @Test func everyCutOffsetRecoversAPrefix() throws {
        let entries = sampleEntries(1...4)
        let original = try withTempDirectory { dir in
            try writeLog(dir, entries)
            return try fileBytes(path(dir, "log.1"))
        }
        let ends = recordOffsets(entries).dropFirst() + [original.count]
        for cut in 0...original.count {
            try withTempDirectory { dir in
                try writeFileBytes(path(dir, "log.1"), Array(original[0..<cut]))
                let log = try TxnLogReader.recover(directory: dir, afterZxid: 0)
                let complete = ends.filter { $0 <= cut }.count
                #expect(log.entries == Array(entries[0..<complete]), "cut at \(cut)")
                // Clean: nothing after the last whole record, or only zeros (the length field's
                // high bytes), which is indistinguishable from preallocated space.
                let lastEnd = ([LogFormat.headerSize] + ends).filter { $0 <= cut }.max() ?? 0
                let cleanCut = cut == 0 || (cut >= LogFormat.headerSize && original[lastEnd..<cut].allSatisfy { $0 == 0 })
                #expect(log.repairs.isEmpty == cleanCut, "cut at \(cut): \(log.repairs)")
                try writeLog(dir, Array(entries[complete...]))
                let again = try TxnLogReader.recover(directory: dir, afterZxid: 0)
                #expect(again.entries == entries, "cut at \(cut)")
                #expect(again.repairs.isEmpty, "cut at \(cut): \(again.repairs)")
            }
        }
    }

    /// With preallocation a crash leaves zeros where pages never reached disk. Zeroing from any
    /// offset yields a prefix of the records, and a second recovery finds nothing to repair.
    @Test func everyZeroedSuffixRecoversAPrefix() throws {
        let entries = sampleEntries(1...4)
        let original = try withTempDirectory { dir in
            try writeLog(dir, entries, preallocateBytes: 512)
            return try fileBytes(path(dir, "log.1"))
        }
        let ends = recordOffsets(entries).dropFirst() + [recordOffsets(entries)[3] + LogFormat.recordSize(payloadCount: entries[3].payload.count)]
        for start in 0..<ends.last! {
            try withTempDirectory { dir in
                var bytes = original
                for i in start..<bytes.count { bytes[i] = 0 }
                try writeFileBytes(path(dir, "log.1"), bytes)
                let log = try TxnLogReader.recover(directory: dir, afterZxid: 0)
                let complete = ends.filter { $0 <= start }.count
                #expect(log.entries == Array(entries[0..<complete]), "zeroed from \(start)")
                #expect(try TxnLogReader.recover(directory: dir, afterZxid: 0).repairs.isEmpty, "zeroed from \(start)")
            }
        }
    }

    @Test func foreignAndNewerFilesAreNotTouched() throws {
        try withTempDirectory { dir in
            let file = path(dir, "log.1")
            let foreign = Array("ABCD".utf8) + [UInt8](repeating: 1, count: 40)
            try writeFileBytes(file, foreign)
            #expect(throws: StorageError.self) { try TxnLogReader.recover(directory: dir, afterZxid: 0) }
            #expect(try fileBytes(file) == foreign)

            var newer = LogFormat.header()
            newer[7] = 2
            newer += [UInt8](repeating: 9, count: 40)
            try writeFileBytes(file, newer)
            #expect(throws: StorageError.unsupportedVersion(path: file, found: 2, supported: 1)) {
                try TxnLogReader.recover(directory: dir, afterZxid: 0)
            }
            #expect(try fileBytes(file) == newer)
        }
    }

    @Test func otherFilesInTheDirectoryAreIgnored() throws {
        try withTempDirectory { dir in
            try writeLog(dir, sampleEntries(1...3))
            try writeFileBytes(path(dir, "log.zz"), [1, 2, 3])
            try writeFileBytes(path(dir, "notes.txt"), [1, 2, 3])
            try writeFileBytes(path(dir, "snapshot.1"), [1, 2, 3])
            let log = try TxnLogReader.recover(directory: dir, afterZxid: 0)
            #expect(log.entries == sampleEntries(1...3))
            #expect(log.repairs.isEmpty)
        }
    }
}
