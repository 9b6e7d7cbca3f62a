import Foundation
import Logging
import Testing
import ZooKeeperCore
import ZooKeeperProtocol
import ZooKeeperStorage
@testable import ZooKeeperServer

/// Recovery from a damaged data directory: a corrupt newest snapshot is
/// skipped for the previous one plus the log; a log that does not continue
/// the snapshot it would be replayed on (a lost or deleted log file) stops
/// the start with a clear message instead of serving a tree without those txns.
struct DiskRecoveryTests {
    static let logger: Logger = {
        var logger = Logger(label: "test.recovery")
        logger.logLevel = .critical
        return logger
    }()

    /// The txns of a session's creation and nine creates /n1…/n9 (zxids 1…10),
    /// as a real core logs them.
    static func txns() -> [LogEntry] {
        // A session id comes from the clock: at time 0 it would be 0, no session.
        let nowMs: Int64 = 1_700_000_000_000
        var core = ServerCore(settings: ServerSettings(tickTimeMs: 2000), nowMs: nowMs)
        var entries: [LogEntry] = []
        func collect(_ effects: [CoreEffect]) {
            for case .append(let zxid, let payload) in effects { entries.append(LogEntry(zxid: zxid, payload: payload)) }
        }
        core.connectionOpened(1, remoteAddress: "127.0.0.1", remotePort: 1, nowMs: nowMs)
        collect(core.receiveConnect(1, ConnectRequest(), nowMs: nowMs))
        _ = core.synced(upTo: core.lastPreppedZxid, nowMs: nowMs)
        for index in 1...9 {
            let create = CreateRequest(path: "/n\(index)", data: [UInt8(index)], mode: .persistent)
            collect(core.receive(1, RequestHeader(xid: Int32(index), type: .create), .create(create), nowMs: nowMs))
            _ = core.synced(upTo: core.lastPreppedZxid, nowMs: nowMs)
        }
        return entries
    }

    /// Logs txns 1…5 and 6…10 in two files, snapshots at 3 and at 7, the newest corrupt.
    static func damagedDataDirectory() throws -> (directory: String, logFiles: [String]) {
        let directory = NSTemporaryDirectory() + "zkdash-recovery-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let entries = txns()
        #expect(entries.map(\.zxid) == Array(1...10))
        for part in [entries[0..<5], entries[5...]] {
            let writer = try TxnLogWriter(directory: directory, preallocateBytes: 4096)
            for entry in part { try writer.append(entry) }
            try writer.sync()
            writer.close()
        }
        var state = RecoveredState()
        for entry in entries.prefix(7) {
            try state.replay(zxid: entry.zxid, payload: entry.payload)
            if entry.zxid == 3 || entry.zxid == 7 {
                _ = try DiskRecovery.writeSnapshot(tree: state.tree, sessions: state.sessions, directory: directory)
            }
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        let newest = try #require(names.first { $0.hasPrefix("snapshot.") && $0.hasSuffix("7") })
        let handle = try #require(FileHandle(forUpdatingAtPath: directory + "/" + newest))
        let size = handle.seekToEndOfFile()
        handle.seek(toFileOffset: size / 2)
        let byte = handle.readData(ofLength: 1)
        handle.seek(toFileOffset: size / 2)
        handle.write(Data([byte[0] ^ 0xFF]))
        handle.closeFile()
        return (directory, names.filter { $0.hasPrefix("log.") }.sorted())
    }

    @Test func aCorruptNewestSnapshotFallsBackToThePreviousOnePlusTheLog() throws {
        let (directory, _) = try Self.damagedDataDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let recovered = try DiskRecovery.load(snapshotDirectory: directory, logDirectory: directory, logger: Self.logger)
        #expect(recovered.snapshotZxid == 3)
        #expect(recovered.state.tree.lastProcessedZxid == 10)
        for index in 1...9 { #expect(recovered.state.tree.node("/n\(index)")?.data == [UInt8(index)]) }
    }

    @Test func aLogThatDoesNotContinueTheSnapshotStopsTheStart() throws {
        let (directory, logFiles) = try Self.damagedDataDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The file with txns 1…5 is lost: from the snapshot at 3, txns 4 and 5 are missing.
        #expect(logFiles.count == 2)
        try FileManager.default.removeItem(atPath: directory + "/" + logFiles[0])
        let error = #expect(throws: ServerStartError.self) {
            try DiskRecovery.load(snapshotDirectory: directory, logDirectory: directory, logger: Self.logger)
        }
        let message = error?.description ?? ""
        #expect(message.contains("0x3") && message.contains("0x6") && message.contains("missing"), "\(message)")
    }
}
