import Testing
@testable import ZooKeeperStorage

@Suite struct CRC32Tests {
    @Test func knownVectors() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        #expect(CRC32.checksum(Array("a".utf8)) == 0xE8B7_BE43)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        #expect(CRC32.checksum([UInt8](repeating: 0, count: 32)) == 0x190A_55AD)
    }

    /// The sliced fast path must agree with the plain bytewise definition at every length and
    /// alignment (lengths around multiples of 8, slices starting at odd offsets).
    @Test func slicedPathMatchesBytewiseReference() {
        func reference(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes { crc = CRC32.tables[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
            return crc ^ 0xFFFF_FFFF
        }
        let bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for start in 0..<9 {
            for end in start...bytes.count {
                #expect(CRC32.checksum(bytes[start..<end]) == reference(bytes[start..<end]))
            }
        }
    }

    @Test func incrementalMatchesOneShot() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var crc = CRC32()
        crc.update(Array(bytes[0..<3]))
        crc.update(bytes[3..<5000])
        crc.update(Array(bytes[5000...]))
        #expect(crc.value == CRC32.checksum(bytes))
    }

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
        #expect(ZxidFileName.parse("log.", prefix: "log") == nil)
        #expect(ZxidFileName.parse("logx.1", prefix: "log") == nil)
    }
}
