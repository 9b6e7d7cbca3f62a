// Jute is ZooKeeper's record serialization: big-endian integers, length-prefixed
// byte buffers and UTF-8 strings (length -1 means null), vectors as a count
// followed by the elements. This file holds the primitive reader and writer;
// records are in the other files of this module.

/// Why a byte sequence could not be decoded. Errors are values: a bad frame on a
/// socket closes that connection, it never crashes the process.
public enum JuteError: Error, Equatable, CustomStringConvertible {
    case truncated(needed: Int, available: Int)
    case negativeLength(Int32)
    case lengthOverLimit(length: Int, limit: Int)
    case invalidUTF8
    case unknownOpCode(Int32)
    case invalidValue(String)

    public var description: String {
        switch self {
        case let .truncated(needed, available): "truncated record: needed \(needed) bytes, \(available) available"
        case let .negativeLength(length): "negative length \(length)"
        case let .lengthOverLimit(length, limit): "length \(length) over the limit of \(limit) bytes"
        case .invalidUTF8: "string is not valid UTF-8"
        case let .unknownOpCode(code): "unknown op code \(code)"
        case let .invalidValue(what): "invalid value: \(what)"
        }
    }
}

/// Appends jute primitives to a growable byte array.
public struct JuteWriter: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable
    public mutating func writeInt(_ value: Int32) {
        let raw = UInt32(bitPattern: value)
        bytes.append(UInt8(truncatingIfNeeded: raw >> 24))
        bytes.append(UInt8(truncatingIfNeeded: raw >> 16))
        bytes.append(UInt8(truncatingIfNeeded: raw >> 8))
        bytes.append(UInt8(truncatingIfNeeded: raw))
    }

    @inlinable
    public mutating func writeLong(_ value: Int64) {
        let raw = UInt64(bitPattern: value)
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: raw >> UInt64(shift)))
        }
    }

    public mutating func writeBool(_ value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    /// A null buffer is written as length -1, as Apache's BinaryOutputArchive does.
    public mutating func writeBuffer(_ value: [UInt8]?) {
        guard let value else { writeInt(-1); return }
        writeInt(Int32(value.count))
        bytes.append(contentsOf: value)
    }

    public mutating func writeString(_ value: String?) {
        guard let value else { writeInt(-1); return }
        let utf8 = value.utf8
        writeInt(Int32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    public mutating func writeVector<T>(_ values: [T]?, _ element: (inout JuteWriter, T) -> Void) {
        guard let values else { writeInt(-1); return }
        writeInt(Int32(values.count))
        for value in values { element(&self, value) }
    }

    public mutating func writeStringVector(_ values: [String]?) {
        writeVector(values) { $0.writeString($1) }
    }

    public mutating func write<R: JuteEncodable>(_ record: R) {
        record.encode(to: &self)
    }

    public mutating func writeRecords<R: JuteEncodable>(_ records: [R]?) {
        writeVector(records) { $0.write($1) }
    }

    /// Overwrites four bytes at `offset` (used to patch a frame length in place).
    public mutating func patchInt(_ value: Int32, at offset: Int) {
        let raw = UInt32(bitPattern: value)
        bytes[offset] = UInt8(truncatingIfNeeded: raw >> 24)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: raw >> 16)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: raw >> 8)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: raw)
    }

    public mutating func appendRaw<C: Collection>(_ raw: C) where C.Element == UInt8 {
        bytes.append(contentsOf: raw)
    }
}

/// Reads jute primitives from a byte slice. Every length is checked against what
/// remains and against `maxBufferBytes` before anything is allocated.
public struct JuteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var position: Int
    public let end: Int
    public let maxBufferBytes: Int

    public init(_ bytes: [UInt8], maxBufferBytes: Int = JuteLimits.defaultMaxBufferBytes) {
        self.bytes = bytes
        self.position = 0
        self.end = bytes.count
        self.maxBufferBytes = maxBufferBytes
    }

    public init(_ slice: ArraySlice<UInt8>, maxBufferBytes: Int = JuteLimits.defaultMaxBufferBytes) {
        self.init(Array(slice), maxBufferBytes: maxBufferBytes)
    }

    /// Reads `count` bytes of `bytes` from `start` without copying them (the
    /// array is shared); lengths inside may be as large as the window.
    public init(window bytes: [UInt8], start: Int, count: Int) {
        self.bytes = bytes
        self.position = start
        self.end = start + count
        self.maxBufferBytes = count
    }

    public var remaining: Int { end - position }
    public var isAtEnd: Bool { position >= end }

    @inline(__always)
    private func require(_ count: Int) throws {
        if count > end - position { throw JuteError.truncated(needed: count, available: end - position) }
    }

    public mutating func readInt() throws -> Int32 {
        try require(4)
        var raw: UInt32 = 0
        for index in 0..<4 { raw = (raw << 8) | UInt32(bytes[position + index]) }
        position += 4
        return Int32(bitPattern: raw)
    }

    public mutating func readLong() throws -> Int64 {
        try require(8)
        var raw: UInt64 = 0
        for index in 0..<8 { raw = (raw << 8) | UInt64(bytes[position + index]) }
        position += 8
        return Int64(bitPattern: raw)
    }

    public mutating func readBool() throws -> Bool {
        try require(1)
        defer { position += 1 }
        return bytes[position] != 0
    }

    private mutating func readLength() throws -> Int? {
        let length = try readInt()
        if length == -1 { return nil }
        if length < 0 { throw JuteError.negativeLength(length) }
        if Int(length) > maxBufferBytes { throw JuteError.lengthOverLimit(length: Int(length), limit: maxBufferBytes) }
        try require(Int(length))
        return Int(length)
    }

    public mutating func readBuffer() throws -> [UInt8]? {
        guard let length = try readLength() else { return nil }
        defer { position += length }
        return Array(bytes[position..<(position + length)])
    }

    public mutating func readString() throws -> String? {
        guard let length = try readLength() else { return nil }
        defer { position += length }
        guard let text = String(validating: bytes[position..<(position + length)], as: UTF8.self) else {
            throw JuteError.invalidUTF8
        }
        return text
    }

    /// Reads a string where Apache would turn null into an empty value on use.
    public mutating func readNonNullString() throws -> String {
        try readString() ?? ""
    }

    public mutating func readVector<T>(_ element: (inout JuteReader) throws -> T) throws -> [T]? {
        let count = try readInt()
        if count == -1 { return nil }
        if count < 0 { throw JuteError.negativeLength(count) }
        // Every element takes at least one byte, so a count larger than what is
        // left is hostile: refuse it before reserving anything.
        if Int(count) > remaining { throw JuteError.truncated(needed: Int(count), available: remaining) }
        var values: [T] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count { values.append(try element(&self)) }
        return values
    }

    public mutating func readStringVector() throws -> [String]? {
        try readVector { try $0.readNonNullString() }
    }

    public mutating func read<R: JuteDecodable>(_: R.Type = R.self) throws -> R {
        try R(from: &self)
    }

    public mutating func readRecords<R: JuteDecodable>(_: R.Type = R.self) throws -> [R]? {
        try readVector { try R(from: &$0) }
    }

    /// The rest of the input, unparsed (e.g. a txn body after its header).
    public mutating func readRest() -> ArraySlice<UInt8> {
        defer { position = end }
        return bytes[position..<end]
    }
}

public enum JuteLimits {
    /// Apache's default `jute.maxbuffer`: 0xfffff bytes (1 MiB - 1).
    public static let defaultMaxBufferBytes = 0xfffff
}

public protocol JuteEncodable: Sendable {
    func encode(to writer: inout JuteWriter)
}

public protocol JuteDecodable: Sendable {
    init(from reader: inout JuteReader) throws
}

public typealias JuteRecord = JuteEncodable & JuteDecodable

extension JuteEncodable {
    /// The record's bytes on their own, without a frame length.
    public func juteBytes() -> [UInt8] {
        var writer = JuteWriter()
        encode(to: &writer)
        return writer.bytes
    }
}

extension JuteDecodable {
    public init(juteBytes: [UInt8], maxBufferBytes: Int = JuteLimits.defaultMaxBufferBytes) throws {
        var reader = JuteReader(juteBytes, maxBufferBytes: maxBufferBytes)
        try self.init(from: &reader)
    }
}
