import Foundation
@testable import ZooKeeperStorage

/// Runs `body` with a fresh directory under the system temp dir, removed afterwards.
@discardableResult
func withTempDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = NSTemporaryDirectory() + "zkstorage-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Entries with distinct, zxid-derived payloads of varying length (including empty).
func sampleEntries(_ zxids: ClosedRange<Int64>) -> [LogEntry] {
    zxids.map { zxid in
        let count = Int(zxid % 7) * 5
        return LogEntry(zxid: zxid, payload: (0..<count).map { UInt8(truncatingIfNeeded: Int(zxid) &* 31 &+ $0) })
    }
}

/// Appends and syncs `entries` into `directory`, rolling over before each zxid in `rollBefore`.
func writeLog(_ directory: String, _ entries: [LogEntry], preallocateBytes: Int = 0, rollBefore: Set<Int64> = []) throws {
    let writer = try TxnLogWriter(directory: directory, preallocateBytes: preallocateBytes)
    defer { writer.close() }
    for entry in entries {
        if rollBefore.contains(entry.zxid) { try writer.rollOver() }
        try writer.append(entry)
    }
    try writer.sync()
}

/// Offset where each entry's record starts in a file holding exactly `entries`.
func recordOffsets(_ entries: [LogEntry]) -> [Int] {
    var offsets: [Int] = []
    var offset = LogFormat.headerSize
    for entry in entries {
        offsets.append(offset)
        offset += LogFormat.recordSize(payloadCount: entry.payload.count)
    }
    return offsets
}

func fileBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

func writeFileBytes(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func fileSize(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
}

func truncateFile(_ path: String, to length: Int) throws {
    var bytes = try fileBytes(path)
    bytes.removeLast(bytes.count - length)
    try writeFileBytes(path, bytes)
}

func flipByte(_ path: String, at offset: Int) throws {
    var bytes = try fileBytes(path)
    bytes[offset] ^= 0x5A
    try writeFileBytes(path, bytes)
}

func listFiles(_ directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
}

func path(_ directory: String, _ name: String) -> String {
    directory + "/" + name
}

enum FileIOForTests {
    static func rename(_ from: String, _ to: String) throws {
        try FileManager.default.moveItem(atPath: from, toPath: to)
    }
}
