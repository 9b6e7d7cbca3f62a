import Testing
@testable import ZooKeeperProtocol

@Suite struct FrameDecoderTests {
    private func drain(_ decoder: inout FrameDecoder) throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        while let frame = try decoder.nextFrame() { frames.append(frame) }
        return frames
    }

    @Test func byteAtATime() throws {
        let bodies: [[UInt8]] = [[1, 2, 3], [], Array(repeating: 7, count: 300)]
        let stream = bodies.flatMap(FrameDecoder.frame)
        var decoder = FrameDecoder()
        var frames: [[UInt8]] = []
        for byte in stream {
            #expect(decoder.bufferedByteCount <= 304)
            decoder.append([byte])
            frames += try drain(&decoder)
        }
        #expect(frames == bodies)
        #expect(decoder.bufferedByteCount == 0)
        #expect(try decoder.nextFrame() == nil)
    }

    @Test func severalFramesInOneChunkAndSplitAcrossChunks() throws {
        let bodies: [[UInt8]] = (0..<50).map { Array(repeating: UInt8($0), count: $0) }
        let stream = bodies.flatMap(FrameDecoder.frame)
        var whole = FrameDecoder()
        whole.append(stream)
        #expect(try drain(&whole) == bodies)

        // Chunks of 7 bytes cut frames (and length prefixes) at every offset.
        var chunked = FrameDecoder()
        var frames: [[UInt8]] = []
        for start in stride(from: 0, to: stream.count, by: 7) {
            chunked.append(stream[start..<min(start + 7, stream.count)])
            frames += try drain(&chunked)
        }
        #expect(frames == bodies)
    }

    @Test func incompleteFrameWaits() throws {
        var decoder = FrameDecoder()
        decoder.append([0, 0, 0, 5, 1, 2])
        #expect(try decoder.nextFrame() == nil)
        decoder.append([3, 4, 5, 0, 0])
        #expect(try decoder.nextFrame() == [1, 2, 3, 4, 5])
        #expect(try decoder.nextFrame() == nil)
        #expect(decoder.bufferedByteCount == 2)
    }

    @Test func hostileLengthsThrowAsSoonAsTheLengthIsKnown() {
        let limit = 1000
        let cases: [([UInt8], JuteError)] = [
            ([0xff, 0xff, 0xff, 0xff], .negativeLength(-1)),
            ([0x80, 0x00, 0x00, 0x00], .negativeLength(Int32.min)),
            ([0x7f, 0xff, 0xff, 0xff], .lengthOverLimit(length: 0x7fff_ffff, limit: limit)),
            ([0x00, 0x00, 0x03, 0xe9], .lengthOverLimit(length: limit + 1, limit: limit)),
        ]
        for (prefix, error) in cases {
            var decoder = FrameDecoder(maxFrameBytes: limit)
            // No body bytes at all: the refusal cannot depend on buffering one.
            decoder.append(prefix)
            #expect(throws: error) { try decoder.nextFrame() }
            // The stream is out of sync for good: later bytes are dropped and the
            // same error comes back.
            decoder.append([UInt8](repeating: 0, count: 64))
            #expect(decoder.bufferedByteCount == 0)
            #expect(throws: error) { try decoder.nextFrame() }
        }
    }

    @Test func lengthAtTheLimitIsAccepted() throws {
        var decoder = FrameDecoder(maxFrameBytes: 16)
        decoder.append(FrameDecoder.frame(Array(repeating: 1, count: 16)))
        #expect(try decoder.nextFrame()?.count == 16)
        // The default limit is Apache's jute.maxbuffer.
        #expect(FrameDecoder().maxFrameBytes == 0xfffff)
    }

    @Test func bufferStaysBoundedOverALongStream() throws {
        // Many small frames through one decoder: consumed bytes must be dropped.
        var decoder = FrameDecoder()
        let frame = FrameDecoder.frame(Array(repeating: 0xab, count: 100))
        var count = 0
        for _ in 0..<5_000 {
            decoder.append(frame + frame.prefix(50))
            decoder.append(frame.dropFirst(50))
            count += try drain(&decoder).count
            #expect(decoder.bufferedByteCount == 0)
        }
        #expect(count == 10_000)
    }

    @Test func writerFrameHelpers() {
        var writer = JuteWriter()
        writer.writeFrame { $0.write(RequestHeader(xid: 1, type: .ping)) }
        #expect(writer.bytes == [0, 0, 0, 8, 0, 0, 0, 1, 0, 0, 0, 11])
        #expect(FrameDecoder.frame([9]) == [0, 0, 0, 1, 9])
        #expect(FrameDecoder.frame(records: RequestHeader(xid: 1, type: .ping)) == writer.bytes)
    }
}
