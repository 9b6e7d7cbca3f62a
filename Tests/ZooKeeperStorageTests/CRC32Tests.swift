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
}
