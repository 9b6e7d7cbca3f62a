import Dispatch
import Glibc
import Logging
import NIOCore
import ZooKeeperCore
import ZooKeeperProtocol
import ZooKeeperStorage

/// The shell around `ServerCore`: it owns the core on one event loop, turns
/// effects into socket writes, batches log appends into one fsync per batch
/// (group commit) on a dedicated queue, and takes snapshots off-loop.
///
/// Every stored property is touched only on `loop`, except `logWriter`, which
/// only `logQueue` touches; hence `@unchecked Sendable`.
enum InboundFrame: Sendable {
    case connect(ConnectRequest)
    case request(RequestHeader, ClientRequest)
    case undecodable(RequestHeader)
}

/// How a replicated server takes over the log's output: a leader proposes
/// what its core prepared, and fsync progress goes to ZAB (which decides when
/// txns commit) instead of straight to the core.
struct ReplicationHooks {
    /// Leader: the core prepared this txn (it is also being logged locally).
    var proposed: (Int64, [UInt8]) -> Void
    /// The log is on disk up to this zxid.
    var durable: (Int64) -> Void
    /// Learner: a client write for the leader.
    var forward: (ForwardedRequest) -> Void
    /// A reconfig txn was applied: the membership it put in /zookeeper/config.
    var reconfigured: (String) -> Void = { _ in }
}

final class CoreRunner: @unchecked Sendable {
    let loop: any EventLoop
    /// `zkdash demo`'s faults (a slow fsync); nil on every other server.
    var demoControl: DemoControl?
    var core: ServerCore
    /// Set by a replicated server; nil when standalone.
    var hooks: ReplicationHooks?
    /// What the quorum peer reports to the four-letter words; nil when standalone.
    var quorumTelemetry: (() -> QuorumTelemetry)?
    /// Bumped when a role change discards the log's pending work, so a batch
    /// that finishes afterwards reports nothing.
    private var logGeneration = 0
    private var channels: [ConnectionID: any Channel] = [:]
    /// Replies of the effects being run, one buffer per connection: written
    /// and flushed once per batch (one allocation and one write each, not
    /// one per reply).
    private var outbound: [ConnectionID: ByteBuffer] = [:]
    /// Touched only on `logQueue` (a log truncation replaces it).
    private var logWriter: TxnLogWriter
    /// Zxid of the last txn durably in the log; touched only on `logQueue`.
    private var loggedZxidOnQueue: Int64
    private let logQueue = DispatchQueue(label: "zkdash.txnlog")
    /// Snapshots serialise on their own low-priority thread (`BackgroundThread`).
    private let snapshotThread = BackgroundThread(name: "zkdash.snapshot", niceness: 10)
    private var unsynced: [LogEntry] = []
    private var syncInFlight = false
    private var snapshotInFlight = false
    let snapshotDirectory: String
    /// Moved by every truncation or installed snapshot: a snapshot begun before
    /// it is never published (it would bring back what was removed).
    let snapshotFence = SnapshotFence()
    let logger: Logger
    private var tickTask: RepeatedTask?
    /// mntr's `fsynctime` (ms per batch) and `snapshottime` (ms per snapshot).
    private(set) var fsyncTimes = SummaryMetric()
    private(set) var snapshotTimes = SummaryMetric()

    init(loop: any EventLoop, core: ServerCore, logWriter: TxnLogWriter, snapshotDirectory: String, logger: Logger) {
        self.loop = loop
        self.core = core
        self.logWriter = logWriter
        loggedZxidOnQueue = core.tree.lastProcessedZxid
        self.snapshotDirectory = snapshotDirectory
        self.logger = logger
        rollSnapshotThreshold()
    }

    /// Draws the core's next snapshot point (Apache's randRoll): at start, at
    /// every snapshot, and for every new core a role change installs.
    func rollSnapshotThreshold() {
        core.rollSnapshotThreshold(Int.random(in: core.snapshotRollRange))
    }

    func startTicking() {
        let tickMs = Int64(max(50, min(core.settings.tickTimeMs, 1000)))
        tickTask = loop.scheduleRepeatedTask(initialDelay: .milliseconds(tickMs), delay: .milliseconds(tickMs)) { [self] _ in
            run(core.tick(nowMs: Clock.nowMs()))
        }
    }

    func stopTicking() {
        tickTask?.cancel()
    }

    // MARK: Inputs (call on `loop`)

    func opened(_ id: ConnectionID, channel: any Channel, address: String, port: Int) {
        loop.preconditionInEventLoop()
        channels[id] = channel
        core.connectionOpened(id, remoteAddress: address, remotePort: port, nowMs: Clock.nowMs())
    }

    func identified(_ id: ConnectionID, as identity: Id) {
        loop.preconditionInEventLoop()
        core.connectionIdentified(id, as: identity)
    }

    func closed(_ id: ConnectionID) {
        loop.preconditionInEventLoop()
        channels[id] = nil
        outbound[id] = nil
        core.connectionClosed(id)
    }

    /// Frames one read produced, handled in order with a single flush.
    func process(_ id: ConnectionID, _ frames: [InboundFrame]) {
        let nowMs = Clock.nowMs()
        var effects: [CoreEffect] = []
        for frame in frames {
            switch frame {
            case .connect(let request): effects += core.receiveConnect(id, request, nowMs: nowMs)
            case .request(let header, let request): effects += core.receive(id, header, request, nowMs: nowMs)
            case .undecodable(let header): effects += core.receiveUndecodable(id, header, nowMs: nowMs)
            }
        }
        run(effects)
    }

    func countFourLetterWord(_ id: ConnectionID) {
        core.countFourLetterWord(id)
    }

    func resetServerCounters() {
        core.resetCounters()
        fsyncTimes = SummaryMetric()
        snapshotTimes = SummaryMetric()
    }

    func resetConnectionCounters() {
        core.resetConnectionCounters()
    }

    // MARK: Effects

    private func run(_ effects: [CoreEffect]) {
        for effect in effects {
            switch effect {
            case .send(let id, let bytes):
                guard let channel = channels[id] else { continue }
                outbound[id, default: channel.allocator.buffer(capacity: max(bytes.count, 1024))].writeBytes(bytes)
            case .close(let id, let reason):
                guard let channel = channels[id] else { continue }
                logger.info("closing connection \(id): \(reason)")
                // Close only after everything written before has gone out.
                let pending = outbound.removeValue(forKey: id) ?? ByteBuffer()
                channel.writeAndFlush(pending).whenComplete { _ in channel.close(promise: nil) }
            case .append(let zxid, let payload):
                unsynced.append(LogEntry(zxid: zxid, payload: payload))
                hooks?.proposed(zxid, payload)
            case .forward(let request):
                hooks?.forward(request)
            case .reconfigured(let text):
                hooks?.reconfigured(text)
            case .setReading(let id, let readable):
                channels[id]?.pipeline.fireUserInboundEventTriggered(CoreReadingGate(allowed: readable))
            case .snapshotDue:
                rollSnapshotThreshold()
                startSnapshot()
            case .log(let message):
                logger.info("\(message)")
            }
        }
        if !outbound.isEmpty {
            for (id, buffer) in outbound { channels[id]?.writeAndFlush(buffer, promise: nil) }
            outbound.removeAll(keepingCapacity: true)
        }
        startSyncIfIdle()
    }

    /// Group commit: one batch in flight; whatever arrives meanwhile forms the
    /// next batch. Replies wait for `synced`, so nothing is acknowledged before
    /// its txn is on disk.
    private func startSyncIfIdle() {
        guard !syncInFlight, !unsynced.isEmpty else { return }
        syncInFlight = true
        let batch = unsynced
        unsynced.removeAll(keepingCapacity: true)
        let lastZxid = batch[batch.count - 1].zxid
        let loop = self.loop
        let logger = self.logger
        let generation = logGeneration
        logQueue.async { [self] in
            let started = Clock.nowMs()
            do {
                for entry in batch { try logWriter.append(entry) }
                try logWriter.sync()
                // `zkdash demo`'s slow disk: the batch is durable only this much later.
                if let demoControl, demoControl.fsyncDelayMs > 0 { usleep(UInt32(demoControl.fsyncDelayMs) * 1000) }
                loggedZxidOnQueue = lastZxid
            } catch {
                // Without a durable log we cannot acknowledge anything: stop
                // loudly rather than serve state that could be lost.
                logger.critical("transaction log write failed: \(error); exiting")
                exitProcess(2)
            }
            let fsyncMs = Clock.nowMs() - started
            loop.execute { [self] in
                fsyncTimes.record(fsyncMs)
                syncInFlight = false
                if generation == logGeneration {
                    if let hooks { hooks.durable(lastZxid) } else { run(core.synced(upTo: lastZxid, nowMs: Clock.nowMs())) }
                }
                startSyncIfIdle()
            }
        }
    }

    /// Snapshots copy the tree in O(1) (persistent trie) and serialise it on
    /// another, lower-priority thread while writes go on: no stop-the-world
    /// pause, and no CPU taken from the write path while it is busy.
    func startSnapshot() {
        guard !snapshotInFlight else { return }
        snapshotInFlight = true
        let tree = core.tree
        let sessions = core.sessionTimeouts
        let directory = snapshotDirectory
        let logger = self.logger
        // Later appends start a new log file, so old files can be purged once
        // newer snapshots exist.
        logQueue.async { [self] in
            do { try logWriter.rollOver() } catch { logger.error("log roll-over failed: \(error)") }
        }
        snapshotThread.async { [self] in
            let started = Clock.nowMs()
            var info: SnapshotInfo?
            do {
                info = try DiskRecovery.writeSnapshot(tree: tree, sessions: sessions, directory: directory, fence: snapshotFence)
            } catch StorageError.superseded {
                logger.info("snapshot at zxid 0x\(String(tree.lastProcessedZxid, radix: 16)) discarded: the log was truncated or replaced while it was written")
            } catch {
                logger.error("snapshot at zxid 0x\(String(tree.lastProcessedZxid, radix: 16)) failed: \(error)")
            }
            if let info {
                logger.info("snapshot \(info.path): \(tree.nodeCount) znodes, \(info.sizeBytes) bytes in \(Clock.nowMs() - started) ms")
            }
            let finished = info != nil
            let snapshotMs = Clock.nowMs() - started
            loop.execute { [self] in
                snapshotInFlight = false
                if finished { snapshotTimes.record(snapshotMs) }
            }
        }
    }

    /// Writes a final snapshot synchronously at clean shutdown (faster restart).
    func flushLog() {
        logQueue.sync { try? logWriter.sync() }
    }

    // MARK: Replication (call on `loop`)

    /// Runs a core call and performs its effects.
    func perform(_ body: (inout ServerCore) -> [CoreEffect]) {
        run(body(&core))
    }

    /// A learner logs a txn the leader sent; `hooks.durable` reports it on disk.
    func appendReplicated(zxid: Int64, payload: [UInt8]) {
        // Bounded by the leader: it proposes at most its own in-flight bound
        // (ServerSettings.maxInFlightTxns) beyond what this learner acked.
        assert(unsynced.count < 4 * core.settings.maxInFlightTxns, "learner log queue beyond any leader's in-flight bound")
        unsynced.append(LogEntry(zxid: zxid, payload: payload))
        startSyncIfIdle()
    }

    /// A role change: what is not yet handed to the disk is dropped (as a
    /// crash would), the batch on its way finishes, and nothing of it is
    /// reported to the new role. The caller reloads state from disk after.
    func discardPendingLog() {
        unsynced.removeAll()
        logGeneration += 1
        logQueue.sync {}
    }

    /// Runs `body` on the log's queue with the writer, and waits: for
    /// truncation, which replaces the writer. `body` returns the zxid the log
    /// now ends at.
    func withLogWriter(_ body: (inout TxnLogWriter) throws -> Int64) rethrows {
        try logQueue.sync { loggedZxidOnQueue = try body(&logWriter) }
    }

    /// The zxid the durable log ends at, once the batch on its way finished.
    var lastLoggedZxid: Int64 {
        logQueue.sync { loggedZxidOnQueue }
    }

    /// State replaced by a snapshot at `zxid` (durable already): the log's end
    /// counts from there.
    func snapshotInstalled(at zxid: Int64) {
        logQueue.sync { loggedZxidOnQueue = zxid }
    }

    /// Waits for a snapshot in progress (its completion posts to `loop`, which
    /// must still be running), then for the log.
    /// At stop, after the last snapshot is written: ends the snapshot thread.
    func finishBackgroundWork() {
        snapshotThread.waitUntilIdle()
        flushLog()
        snapshotThread.stop()
    }
}
