import Testing
@testable import ZooKeeperProtocol

@Suite struct JutePrimitiveTests {
    @Test func intAndLongAreBigEndian() throws {
        var writer = JuteWriter()
        writer.writeInt(0x0102_0304)
        writer.writeLong(-2)
        #expect(writer.bytes == [1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe])
        var reader = JuteReader(writer.bytes)
        #expect(try reader.readInt() == 0x0102_0304)
        #expect(try reader.readLong() == -2)
        #expect(reader.isAtEnd)
    }

    @Test func nullStringIsMinusOne() throws {
        var writer = JuteWriter()
        writer.writeString(nil)
        #expect(writer.bytes == [0xff, 0xff, 0xff, 0xff])
        var reader = JuteReader(writer.bytes)
        #expect(try reader.readString() == nil)
    }

    @Test func hostileLengthsAreRefusedBeforeAllocation() {
        var huge = JuteReader([0x7f, 0xff, 0xff, 0xff])
        #expect(throws: JuteError.lengthOverLimit(length: 0x7fff_ffff, limit: JuteLimits.defaultMaxBufferBytes)) {
            try huge.readBuffer()
        }
        var negative = JuteReader([0xff, 0xff, 0xff, 0xfe])
        #expect(throws: JuteError.negativeLength(-2)) { try negative.readString() }
        var vector = JuteReader([0x00, 0x10, 0x00, 0x00])
        #expect(throws: JuteError.self) { try vector.readStringVector() }
    }
}
