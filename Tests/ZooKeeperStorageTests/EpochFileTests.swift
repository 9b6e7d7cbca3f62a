import Foundation
import Testing
@testable import ZooKeeperStorage

/// acceptedEpoch / currentEpoch: Apache's text format, durable replace.
struct EpochFileTests {
    func directory() throws -> String {
        let path = NSTemporaryDirectory() + "zkdash-epoch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func missingFileMeansNoEpochYet() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try EpochFile.read(directory: dir, name: EpochFile.currentEpochName) == nil)
    }

    @Test func writeThenReadAndReplace() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try EpochFile.write(7, directory: dir, name: EpochFile.acceptedEpochName)
        #expect(try String(contentsOfFile: dir + "/acceptedEpoch", encoding: .utf8) == "7\n")
        try EpochFile.write(12, directory: dir, name: EpochFile.acceptedEpochName)
        #expect(try EpochFile.read(directory: dir, name: EpochFile.acceptedEpochName) == 12)
        #expect(!FileManager.default.fileExists(atPath: dir + "/acceptedEpoch.tmp"))
    }

    @Test func readsApacheFilesAndRejectsGarbage() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Apache writes Long.toString(epoch) and a newline.
        try "3\n".write(toFile: dir + "/currentEpoch", atomically: true, encoding: .utf8)
        #expect(try EpochFile.read(directory: dir, name: EpochFile.currentEpochName) == 3)
        try "x3\n".write(toFile: dir + "/currentEpoch", atomically: true, encoding: .utf8)
        #expect(throws: StorageError.self) { try EpochFile.read(directory: dir, name: EpochFile.currentEpochName) }
    }
}
