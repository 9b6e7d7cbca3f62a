import Logging
import QuorumCore
import ZooKeeperCore
import ZooKeeperStorage

/// Loading state from disk at start: newest valid snapshot, then the log.
enum DiskRecovery {
    struct Result {
        var state: RecoveredState
        var snapshotZxid: Int64
        var elapsedMs: Int64
        /// Apache's startup_snap_load_time / startup_txns_load_time (ms) and startup_txns_loaded.
        var snapshotLoadMs: Int64
        var txnsLoadMs: Int64
        /// The txns replayed from the log (after the snapshot): a new leader
        /// syncs learners from them by DIFF.
        var history: [ZabTxn]

        /// Like Apache's loadData, take a snapshot of what was recovered so the
        /// next start does not replay the same log again. (The server takes it
        /// in the background: the tree copy is O(1).)
        var needsSnapshot: Bool { snapshotZxid != state.tree.lastProcessedZxid || snapshotZxid == 0 }
    }

    /// Streams a snapshot of `tree` to `directory`; an unfinished one is removed.
    static func writeSnapshot(tree: DataTree, sessions: [Int64: Int], directory: String,
                              fence: SnapshotFence = SnapshotFence()) throws -> SnapshotInfo {
        let snapshot = try SnapshotStore.begin(directory: directory, zxid: tree.lastProcessedZxid, fence: fence)
        do {
            try SnapshotCodec.encode(tree: tree, sessions: sessions) { try snapshot.write($0) }
            return try snapshot.finish()
        } catch {
            snapshot.abandon()
            throw error
        }
    }

    static func load(snapshotDirectory: String, logDirectory: String, logger: Logger) throws -> Result {
        let started = Clock.nowMs()
        var state = RecoveredState()
        var snapshotZxid: Int64 = 0
        let (snapshot, skipped) = try SnapshotStore.newestValid(directory: snapshotDirectory)
        for line in skipped { logger.warning("\(line)") }
        let validatedMs = Clock.nowMs() - started
        if let snapshot {
            let reader = try SnapshotStore.open(snapshot)
            defer { reader.close() }
            let restored = try SnapshotCodec.decode(totalBytes: reader.remainingBytes) { try reader.read($0) }
            state = RecoveredState(tree: restored.tree, sessions: restored.sessions)
            snapshotZxid = snapshot.zxid
            logger.info("loaded snapshot \(snapshot.path): \(restored.tree.nodeCount) znodes at zxid 0x\(String(snapshot.zxid, radix: 16)) (checksum \(validatedMs) ms, load \(Clock.nowMs() - started - validatedMs) ms)")
        }
        let snapshotLoadMs = Clock.nowMs() - started
        let txnsStarted = Clock.nowMs()
        let log = try TxnLogReader.recover(directory: logDirectory, afterZxid: state.tree.lastProcessedZxid)
        for line in log.repairs { logger.warning("\(line)") }
        let logReadMs = Clock.nowMs() - txnsStarted
        // A lost or deleted log file leaves a gap: replaying across it would
        // serve a tree without those txns, silently. Refuse instead.
        var lastZxid = state.tree.lastProcessedZxid
        for entry in log.entries {
            guard Zxid.follows(entry.zxid, after: lastZxid) else {
                throw ServerStartError("""
                    the transaction log in \(logDirectory) does not continue from zxid \(Zxid.hex(lastZxid)) \
                    (\(lastZxid == snapshotZxid ? "the newest valid snapshot" : "the log before it")): the next logged txn is \
                    \(Zxid.hex(entry.zxid)), so the txns in between are missing (a lost or deleted log file). \
                    Refusing to start rather than serve a tree without them: restore the missing log file, or, on an \
                    ensemble member, move this data directory aside so that the member resyncs from the leader
                    """)
            }
            try state.replay(zxid: entry.zxid, payload: entry.payload)
            lastZxid = entry.zxid
        }
        let txnsLoadMs = Clock.nowMs() - txnsStarted
        let elapsedMs = Clock.nowMs() - started
        logger.info("recovered to zxid 0x\(String(state.tree.lastProcessedZxid, radix: 16)): \(state.replayedTxnCount) txns replayed (log read \(logReadMs) ms, replay \(txnsLoadMs - logReadMs) ms), \(state.tree.nodeCount) znodes, \(state.sessions.count) sessions in \(elapsedMs) ms")
        return Result(
            state: state, snapshotZxid: snapshotZxid, elapsedMs: elapsedMs,
            snapshotLoadMs: snapshotLoadMs, txnsLoadMs: txnsLoadMs,
            history: log.entries.map { ZabTxn(zxid: $0.zxid, payload: $0.payload) })
    }
}
