// Splits a byte stream into length-prefixed frames (4-byte big-endian length,
// then that many bytes): the framing of every ZooKeeper client connection. Pure
// and incremental so the I/O layer can feed it whatever each read returned.

public struct FrameDecoder: Sendable {
    public let maxFrameBytes: Int
    private var buffer: [UInt8] = []
    /// Start of the unconsumed bytes in `buffer`. Consumed bytes are dropped in
    /// bulk (see `compact`) rather than one frame at a time, which would make a
    /// chunk of many small frames cost O(n^2).
    private var readIndex = 0
    /// Once a length is refused the stream is out of sync for good.
    private var failure: JuteError?

    /// Buffer capacity kept between frames.
    static let keptCapacityBytes = 256 * 1024

    public init(maxFrameBytes: Int = JuteLimits.defaultMaxBufferBytes) {
        self.maxFrameBytes = maxFrameBytes
    }

    /// Bytes received but not yet returned as a frame.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard failure == nil else { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame body (without its length), or nil until more
    /// bytes arrive. The length is checked as soon as its four bytes are here,
    /// before waiting for (or reserving room for) the body.
    public mutating func nextFrame() throws -> [UInt8]? {
        if let failure { throw failure }
        guard bufferedByteCount >= 4 else { return nil }
        var raw: UInt32 = 0
        for index in readIndex..<(readIndex + 4) { raw = (raw << 8) | UInt32(buffer[index]) }
        let length = Int32(bitPattern: raw)
        if length < 0 { return try fail(.negativeLength(length)) }
        if Int(length) > maxFrameBytes { return try fail(.lengthOverLimit(length: Int(length), limit: maxFrameBytes)) }
        let bodyStart = readIndex + 4
        guard buffer.count - bodyStart >= Int(length) else { return nil }
        let frame = Array(buffer[bodyStart..<(bodyStart + Int(length))])
        readIndex = bodyStart + Int(length)
        return frame
    }

    private mutating func fail(_ error: JuteError) throws -> [UInt8]? {
        failure = error
        buffer = []
        readIndex = 0
        throw error
    }

    /// Drops consumed bytes once they are at least half the buffer, so each byte
    /// is moved O(1) times on average and the buffer stays within about twice
    /// the largest pending frame plus the latest chunk. Once everything is
    /// consumed, room for ordinary traffic is kept; the megabytes a rare large
    /// frame needed (a 100k-child listing) are given back.
    private mutating func compact() {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= Self.keptCapacityBytes)
            readIndex = 0
        } else if readIndex > 0 && readIndex >= buffer.count / 2 {
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }

    /// `body` with its 4-byte big-endian length in front.
    public static func frame(_ body: [UInt8]) -> [UInt8] {
        var writer = JuteWriter(capacity: body.count + 4)
        writer.writeFrame { $0.appendRaw(body) }
        return writer.bytes
    }

    /// The records' bytes, one after another, as a single frame
    /// (e.g. `frame(records: ReplyHeader(...), GetDataResponse(...))`).
    public static func frame(records: any JuteEncodable...) -> [UInt8] {
        var writer = JuteWriter()
        writer.writeFrame { writer in
            for record in records { record.encode(to: &writer) }
        }
        return writer.bytes
    }
}

extension JuteWriter {
    /// Writes a length-prefixed frame: reserves the length, lets `body` write,
    /// then patches the length in, so the body is never copied.
    public mutating func writeFrame(_ body: (inout JuteWriter) -> Void) {
        let start = bytes.count
        writeInt(0)
        body(&self)
        patchInt(Int32(truncatingIfNeeded: bytes.count - start - 4), at: start)
    }
}
