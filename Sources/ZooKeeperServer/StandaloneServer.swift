import ConnectionSecurity
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ZooKeeperAdmin
import ZooKeeperCore
import ZooKeeperProtocol
import ZooKeeperStorage

/// Why the server could not start: a message for the operator, not a crash.
public struct ServerStartError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A ZooKeeper-compatible server built from a zoo.cfg: standalone, or a
/// quorum member (leader, follower or observer) when zoo.cfg lists server.N lines.
public final class StandaloneServer: Sendable {
    public let config: ServerConfig
    let group: MultiThreadedEventLoopGroup
    let runner: CoreRunner
    /// The client-port listeners: plain `clientPort` and TLS `secureClientPort`, whichever are set.
    let plainListener: (any Channel)?
    let secureListener: (any Channel)?
    var listeners: [any Channel] { [plainListener, secureListener].compactMap { $0 } }
    let openChannels: OpenChannels
    let logger: Logger
    let purgeTask: NIOLockedValueBox<RepeatedTask?> = NIOLockedValueBox(nil)
    let peer: QuorumPeer?

    /// Reads the config (and myid when present), recovers the data directory
    /// and binds the client port. Every failure names what is wrong.
    public static func start(configPath: String, jaasConfigFile: String? = nil, demoControl: DemoControl? = nil,
                             logger: Logger) throws -> StandaloneServer {
        var config = try loadConfig(configPath, logger: logger)
        config.jaasConfigFile = jaasConfigFile
        return try start(config: config, demoControl: demoControl, logger: logger)
    }

    public static func loadConfig(_ path: String, logger: Logger) throws -> ServerConfig {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ServerStartError("cannot read config file \(path)")
        }
        var config: ServerConfig
        do {
            config = try ServerConfigParser.parse(text, fileName: path, readFile: { try? String(contentsOfFile: $0, encoding: .utf8) })
        } catch {
            throw ServerStartError("\(error)")
        }
        config.configFilePath = path
        for warning in config.warnings { logger.warning("\(warning)") }
        let myidPath = config.dataDir + "/myid"
        if let myidText = try? String(contentsOfFile: myidPath, encoding: .utf8) {
            do {
                config = try config.applyingMyid(try ServerConfigParser.parseMyid(myidText), fileName: path)
            } catch {
                throw ServerStartError("\(myidPath): \(error)")
            }
        }
        guard config.clientPort != nil || config.secureClientPort != nil else {
            throw ServerStartError("\(path): clientPort is not set (nor secureClientPort)")
        }
        return config
    }

    static func start(config: ServerConfig, demoControl: DemoControl? = nil, logger: Logger) throws -> StandaloneServer {
        // Key and trust stores are read before anything is bound: a bad one stops the start.
        var serverTLS: ServerTLS?
        if config.secureClientPort != nil {
            do { serverTLS = try ServerTLS(config.clientTLS) } catch { throw ServerStartError("\(error)") }
        }
        // So are the SASL users.
        let sasl = try SASLDigestMechanism.offer(for: config, logger: logger)
        let snapshotDirectory = config.dataDir + "/version-2"
        let logDirectory = (config.dataLogDir.isEmpty ? config.dataDir : config.dataLogDir) + "/version-2"
        for directory in [snapshotDirectory, logDirectory] {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ServerStartError("cannot create data directory \(directory): \(error.localizedDescription)")
            }
        }
        let recovered: DiskRecovery.Result
        do {
            recovered = try DiskRecovery.load(snapshotDirectory: snapshotDirectory, logDirectory: logDirectory, logger: logger)
        } catch {
            throw ServerStartError("cannot recover from \(config.dataDir): \(error)")
        }
        var settings = ServerSettings(
            tickTimeMs: config.tickTimeMs, minSessionTimeoutMs: config.minSessionTimeoutMs,
            maxSessionTimeoutMs: config.maxSessionTimeoutMs, serverId: Int64(config.myid ?? 0),
            superDigest: config.superDigest, maxOutstandingPerConnection: max(1, config.globalOutstandingLimit),
            snapCount: config.snapCount, sasl: sasl, x509Enabled: serverTLS != nil)
        settings.reconfigEnabled = config.reconfigEnabled
        settings.standaloneEnabled = config.standaloneEnabled
        let quorumRole: ServerRole? = config.isStandalone ? nil : (config.peerType == .observer ? .observer : .follower)
        // A quorum member serves nobody until it has a leader.
        let core = ServerCore(
            settings: settings, tree: recovered.state.tree, sessions: recovered.state.sessions, nowMs: Clock.nowMs(),
            role: quorumRole ?? .standalone)
        let logWriter: TxnLogWriter
        do {
            logWriter = try TxnLogWriter(directory: logDirectory)
        } catch {
            throw ServerStartError("cannot open the transaction log in \(logDirectory): \(error)")
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: try ioThreadCount())
        let runner = CoreRunner(loop: group.next(), core: core, logWriter: logWriter, snapshotDirectory: snapshotDirectory, logger: logger)
        runner.demoControl = demoControl
        var peer: QuorumPeer?
        if quorumRole != nil {
            do {
                let member = try QuorumPeer(
                    config: config, runner: runner, snapshotDirectory: snapshotDirectory, logDirectory: logDirectory,
                    recoveredHistory: recovered.history, historyFloorZxid: recovered.snapshotZxid, logger: logger)
                try member.bindListeners()
                peer = member
            } catch {
                try? group.syncShutdownGracefully()
                throw error
            }
        }
        let plainHost = config.clientPortAddress ?? "0.0.0.0"
        let context = ServerContext(
            config: config, startedAtMs: Clock.nowMs(), clientPort: config.clientPort ?? -1,
            snapshotDirectory: snapshotDirectory, logDirectory: logDirectory,
            startupSnapshotLoadMs: recovered.snapshotLoadMs, startupTxnsLoadMs: recovered.txnsLoadMs,
            startupTxnsLoaded: Int64(recovered.state.replayedTxnCount))
        let words = FourLetterWordService(whitelist: config.fourLetterWordWhitelist, context: context, demoControl: demoControl)
        let admission = ConnectionAdmission(maxPerAddress: config.maxClientCnxns)
        let nextId = NIOLockedValueBox<Int64>(1)
        let openChannels = OpenChannels()
        let maxBuffer = config.juteMaxBufferBytes
        /// One bootstrap per client port; the secure one puts TLS first in
        /// every connection's pipeline (four-letter words answer through it too).
        func bootstrap(tls: ServerTLS?) -> ServerBootstrap {
            ServerBootstrap(group: group)
                .serverChannelOption(ChannelOptions.backlog, value: 256)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                // A four-letter-word client may shut down its sending side right
                // after the word (`nc -q`), and still expects the answer.
                .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
                // Stop reading from a client whose unread replies pass 1 MiB.
                .childChannelOption(ChannelOptions.writeBufferWaterMark, value: .init(low: 256 * 1024, high: 1024 * 1024))
                .childChannelInitializer { channel in
                    openChannels.add(channel)
                    let id = nextId.withLockedValue { value in
                        defer { value += 1 }
                        return value
                    }
                    let handler = ClientConnectionHandler(
                        id: id, runner: runner, admission: admission, fourLetterWords: words,
                        maxBufferBytes: maxBuffer, logger: logger)
                    return channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandlers(tls.makeHandlers()) }
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
        }
        var listeners: [(channel: any Channel, secure: Bool)] = []
        var ports: [(host: String, port: Int, tls: ServerTLS?)] = []
        if let port = config.clientPort { ports.append((plainHost, port, nil)) }
        if let port = config.secureClientPort, let serverTLS {
            ports.append((config.secureClientPortAddress ?? plainHost, port, serverTLS))
        }
        for (host, port, tls) in ports {
            do {
                listeners.append((try bootstrap(tls: tls).bind(host: host, port: port).wait(), tls != nil))
            } catch {
                for listener in listeners { try? listener.channel.close().wait() }
                if let peer { try? runner.loop.submit { peer.stop() }.wait() }
                try? group.syncShutdownGracefully()
                throw ServerStartError("cannot listen on \(host):\(port)\(tls == nil ? "" : " (secureClientPort)"): \(error)")
            }
        }
        let member = peer
        let server = StandaloneServer(
            config: config, group: group, runner: runner, listeners: listeners, openChannels: openChannels, peer: member, logger: logger)
        runner.loop.execute {
            runner.startTicking()
            if recovered.needsSnapshot { runner.startSnapshot() }
            member?.begin()
        }
        server.schedulePurge(snapshotDirectory: snapshotDirectory, logDirectory: logDirectory)
        let bound = ports.map { "\($0.host):\($0.port)\($0.tls == nil ? "" : " (TLS)")" }.joined(separator: " and ")
        logger.info("zkdash server listening on \(bound) (\(peer == nil ? "standalone" : "quorum member s\(config.myid ?? 0)"), dataDir \(config.dataDir), recovered in \(recovered.elapsedMs) ms)")
        return server
    }

    private init(config: ServerConfig, group: MultiThreadedEventLoopGroup, runner: CoreRunner, listeners: [(channel: any Channel, secure: Bool)],
                 openChannels: OpenChannels, peer: QuorumPeer?, logger: Logger) {
        self.openChannels = openChannels
        self.peer = peer
        self.config = config
        self.group = group
        self.runner = runner
        plainListener = listeners.first { !$0.secure }?.channel
        secureListener = listeners.first { $0.secure }?.channel
        self.logger = logger
    }

    /// autopurge.purgeInterval hours > 0: keep snapRetainCount snapshots.
    private func schedulePurge(snapshotDirectory: String, logDirectory: String) {
        let hours = config.autopurgePurgeIntervalHours
        guard hours > 0 else { return }
        let retain = max(3, config.autopurgeSnapRetainCount)
        let logger = self.logger
        let task = group.next().scheduleRepeatedTask(initialDelay: .hours(Int64(hours)), delay: .hours(Int64(hours))) { _ in
            do {
                let deleted = try SnapshotStore.purge(snapshotDirectory: snapshotDirectory, logDirectory: logDirectory, retainCount: retain)
                logger.info("autopurge removed \(deleted.count) files")
            } catch {
                logger.warning("autopurge failed: \(error)")
            }
        }
        purgeTask.withLockedValue { $0 = task }
    }

    /// Event-loop threads: client connections, quorum connections and the
    /// core share them. One by default: the core is single-threaded anyway,
    /// and a second loop for client sockets cost a thread hop (a wake-up and a
    /// context switch) each way per batch of requests — 25–30 % more CPU per
    /// write in a 3-node ensemble on 2 cores (docs/benchmarks.md).
    /// `ZKDASH_IO_THREADS` (1–64) sets more, for many busy connections.
    static func ioThreadCount(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int {
        guard let text = environment[ioThreadsVariable] else { return 1 }
        guard let count = Int(text.trimmingCharacters(in: .whitespaces)), (1...64).contains(count) else {
            throw ServerStartError("\(ioThreadsVariable)=\(text): expected a number of threads from 1 to 64")
        }
        return count
    }

    static let ioThreadsVariable = "ZKDASH_IO_THREADS"

    /// The plain client port, or the TLS one when there is no plain one.
    public var localPort: Int? { (plainListener ?? secureListener)?.localAddress?.port }
    public var secureLocalPort: Int? { secureListener?.localAddress?.port }

    /// Stops accepting, closes connections and flushes the log.
    public func stop() {
        purgeTask.withLockedValue { $0?.cancel() }
        if let peer { try? runner.loop.submit { peer.stop() }.wait() }
        for listener in listeners { try? listener.close().wait() }
        // Close client connections while the loops still run: their close
        // handlers post to the core's loop, which must not be shut down yet.
        let closing = openChannels.all().map { $0.close() }
        try? EventLoopFuture.andAllComplete(closing, on: group.next()).wait()
        let runner = self.runner
        try? runner.loop.submit {}.wait()
        try? runner.loop.submit { runner.stopTicking() }.wait()
        runner.finishBackgroundWork()
        // Let the completions the background work posted run before the loops stop.
        try? runner.loop.submit {}.wait()
        try? group.syncShutdownGracefully()
    }
}
