import Dispatch
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

final class CoreRunner: @unchecked Sendable {
    let loop: any EventLoop
    private(set) var core: ServerCore
    private var channels: [ConnectionID: any Channel] = [:]
    private var toFlush: Set<ConnectionID> = []
    private let logWriter: TxnLogWriter
    private let logQueue = DispatchQueue(label: "zkdash.txnlog")
    private let snapshotQueue = DispatchQueue(label: "zkdash.snapshot")
    private var unsynced: [LogEntry] = []
    private var syncInFlight = false
    private var snapshotInFlight = false
    let snapshotDirectory: String
    let logger: Logger
    private var tickTask: RepeatedTask?
    /// mntr's `fsynctime` (ms per batch) and `snapshottime` (ms per snapshot).
    private(set) var fsyncTimes = SummaryMetric()
    private(set) var snapshotTimes = SummaryMetric()

    init(loop: any EventLoop, core: ServerCore, logWriter: TxnLogWriter, snapshotDirectory: String, logger: Logger) {
        self.loop = loop
        self.core = core
        self.logWriter = logWriter
        self.snapshotDirectory = snapshotDirectory
        self.logger = logger
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

    func closed(_ id: ConnectionID) {
        loop.preconditionInEventLoop()
        channels[id] = nil
        toFlush.remove(id)
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
                channel.write(ByteBuffer(bytes: bytes), promise: nil)
                toFlush.insert(id)
            case .close(let id, let reason):
                guard let channel = channels[id] else { continue }
                logger.info("closing connection \(id): \(reason)")
                // Close only after everything written before has gone out.
                channel.writeAndFlush(ByteBuffer()).whenComplete { _ in channel.close(promise: nil) }
                toFlush.remove(id)
            case .append(let zxid, let payload):
                unsynced.append(LogEntry(zxid: zxid, payload: payload))
            case .setReading(let id, let readable):
                channels[id]?.pipeline.fireUserInboundEventTriggered(CoreReadingGate(allowed: readable))
            case .snapshotDue:
                startSnapshot()
            case .log(let message):
                logger.info("\(message)")
            case .forward:
                // Only a learner's core forwards; this runner runs a standalone one.
                logger.error("a standalone server has no leader to forward a request to")
            }
        }
        for id in toFlush { channels[id]?.flush() }
        toFlush.removeAll(keepingCapacity: true)
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
        let writer = logWriter
        let loop = self.loop
        let logger = self.logger
        logQueue.async { [self] in
            let started = Clock.nowMs()
            do {
                for entry in batch { try writer.append(entry) }
                try writer.sync()
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
                run(core.synced(upTo: lastZxid, nowMs: Clock.nowMs()))
            }
        }
    }

    /// Snapshots copy the tree in O(1) (persistent trie) and serialise it on
    /// another queue while writes go on: no stop-the-world pause.
    func startSnapshot() {
        guard !snapshotInFlight else { return }
        snapshotInFlight = true
        let tree = core.tree
        let sessions = core.sessionTimeouts
        let writer = logWriter
        let directory = snapshotDirectory
        let logger = self.logger
        // Later appends start a new log file, so old files can be purged once
        // newer snapshots exist.
        logQueue.async {
            do { try writer.rollOver() } catch { logger.error("log roll-over failed: \(error)") }
        }
        snapshotQueue.async { [self] in
            let started = Clock.nowMs()
            var info: SnapshotInfo?
            do {
                info = try DiskRecovery.writeSnapshot(tree: tree, sessions: sessions, directory: directory)
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

    /// Waits for a snapshot in progress (its completion posts to `loop`, which
    /// must still be running), then for the log.
    func finishBackgroundWork() {
        snapshotQueue.sync {}
        flushLog()
    }
}
