import Testing
@testable import ZooKeeperStorage

@Suite struct FormatTests {
    @Test func bigEndianRoundTrip() {
        var bytes: [UInt8] = []
        bytes.appendBigEndian(UInt32(0x0102_0304))
        bytes.appendBigEndian(Int64(-2))
        #expect(Array(bytes[0..<4]) == [1, 2, 3, 4])
        #expect(BigEndian.uint32(bytes, at: 0) == 0x0102_0304)
        #expect(BigEndian.int64(bytes, at: 4) == -2)
        #expect(BigEndian.int64(bytes[1...], at: 3) == -2)
    }

    @Test func fileNames() {
        #expect(ZxidFileName.make(prefix: "log", zxid: 0x1a) == "log.1a")
        #expect(ZxidFileName.make(prefix: "snapshot", zxid: 0x1_0000_0000) == "snapshot.100000000")
        #expect(ZxidFileName.parse("log.1a", prefix: "log")?.zxid == 0x1a)
        #expect(ZxidFileName.parse("log.1a.orphaned", prefix: "log") == nil)
        #expect(ZxidFileName.parse("snapshot.1a.tmp", prefix: "snapshot") == nil)
        #expect(ZxidFileName.parse("log.-1", prefix: "log") == nil)
        #expect(ZxidFileName.parse("log.1A", prefix: "log") == nil)
        #expect(ZxidFileName.parse("log.+1", prefix: "log") == nil)
        #expect(ZxidFileName.parse("log.", prefix: "log") == nil)
        #expect(ZxidFileName.parse("logx.1", prefix: "log") == nil)
    }

    /// Pins the on-disk log layout: header, then length | crc32(zxid + payload) | zxid | payload.
    @Test func logFileLayout() throws {
        try withTempDirectory { dir in
            try writeLog(dir, [LogEntry(zxid: 0x1a, payload: [1, 2, 3])])
            let bytes = try fileBytes(path(dir, "log.1a"))
            let zxidAndPayload: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0x1a, 1, 2, 3]
            var crc: [UInt8] = []
            crc.appendBigEndian(CRC32.checksum(zxidAndPayload))
            #expect(bytes == Array("ZKLG".utf8) + [0, 0, 0, 1] + [UInt8](repeating: 0, count: 8)
                + [0, 0, 0, 11] + crc + zxidAndPayload)
        }
    }

    /// Pins the snapshot layout: header "ZKSN" | version | zxid, body, trailer length | crc | "ZKSE".
    @Test func snapshotFileLayout() throws {
        try withTempDirectory { dir in
            let writer = try SnapshotStore.begin(directory: dir, zxid: 0x2b)
            try writer.write([7, 8])
            try writer.write([9])
            let info = try writer.finish()
            let header = Array("ZKSN".utf8) + [0, 0, 0, 1] + [0, 0, 0, 0, 0, 0, 0, 0x2b]
            var trailer: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 3]
            trailer.appendBigEndian(CRC32.checksum(header + [7, 8, 9]))
            trailer += Array("ZKSE".utf8)
            #expect(try fileBytes(info.path) == header + [7, 8, 9] + trailer)
        }
    }
}
