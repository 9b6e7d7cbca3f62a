import Foundation
import ZooKeeperAdmin
import ZooKeeperCore

/// The live server as the four-letter-word reports see it. Built and read on
/// the core's loop, so every figure comes from one consistent moment.
struct LiveFourLetterWordSource: FourLetterWordSource {
    let runner: CoreRunner
    let context: ServerContext

    var core: ServerCore { runner.core }
    var isServing: Bool { core.isServing }
    var quorum: QuorumTelemetry? { runner.quorumTelemetry?() }

    func serverStats() -> ServerStatsSnapshot {
        serverStats(quorum: quorum)
    }

    private func serverStats(quorum: QuorumTelemetry?) -> ServerStatsSnapshot {
        let latency = core.counters.latency
        let treeZxid = core.tree.lastProcessedZxid
        return ServerStatsSnapshot(
            version: ZkdashVersion.full, mode: quorum?.mode ?? .standalone,
            latency: ZooKeeperAdmin.LatencyStats(minMs: latency.minMs, maxMs: latency.maxMs, totalMs: latency.totalMs, count: latency.count),
            packetsReceived: core.counters.packetsReceived, packetsSent: core.counters.packetsSent,
            aliveConnections: core.connections.count, outstandingRequests: Int64(core.outstandingRequests),
            // Apache's node map holds the root twice ("" and "/"), and every
            // report counts both; so do we, to read the same.
            lastProcessedZxid: quorum?.reportedZxid(treeZxid: treeZxid) ?? treeZxid, nodeCount: core.tree.nodeCount + 1)
    }

    func connections() -> [ConnectionSnapshot] {
        core.connections.values.sorted { $0.id < $1.id }.map { connection in
            let latency = connection.latency
            return ConnectionSnapshot(
                remoteAddress: ConnectionSnapshot.javaSocketAddress(host: connection.remoteAddress, port: connection.remotePort),
                interestOps: connection.isReadingPausedForReport ? 0 : 1,
                queuedRequests: Int64(connection.outstandingRequests),
                packetsReceived: connection.packetsReceived, packetsSent: connection.packetsSent,
                sessionId: connection.sessionId, lastOperation: connection.lastOperation,
                establishedEpochMs: connection.openedAtMs, sessionTimeoutMs: connection.sessionTimeoutMs,
                lastCxid: Int64(connection.lastCxid), lastZxid: connection.lastZxid,
                lastResponseMs: connection.lastResponseAtMs, lastLatencyMs: connection.lastLatencyMs,
                latency: ZooKeeperAdmin.LatencyStats(minMs: latency.minMs, maxMs: latency.maxMs, totalMs: latency.totalMs, count: latency.count))
        }
    }

    func monitor() -> MonitorSnapshot {
        let (openFds, maxFds) = ProcessFigures.fileDescriptors()
        let quorum = self.quorum
        return MonitorSnapshot(
            stats: serverStats(quorum: quorum), ephemeralsCount: core.tree.ephemeralCount, globalSessions: core.sessions.count,
            localSessions: 0, watchCount: core.watches.watchCount,
            approximateDataSizeBytes: Int64(core.tree.approximateDataSizeBytes),
            openFileDescriptorCount: openFds, maxFileDescriptorCount: maxFds,
            uptimeMs: Clock.nowMs() - context.startedAtMs,
            lastClientResponseSizeBytes: core.counters.lastResponseSizeBytes,
            minClientResponseSizeBytes: core.counters.minResponseSizeBytes,
            maxClientResponseSizeBytes: core.counters.maxResponseSizeBytes,
            // In the order Apache 3.8 prints these summaries. It prints
            // election_time on standalone servers too (all zero there).
            additionalMetrics: Self.summary("startup_txns_load_time", single(context.startupTxnsLoadMs))
                + Self.summary("fsynctime", runner.fsyncTimes)
                + Self.summary("snapshottime", runner.snapshotTimes)
                + Self.summary("startup_txns_loaded", single(context.startupTxnsLoaded))
                + Self.summary("election_time", quorum?.electionTimes ?? SummaryMetric())
                + Self.summary("startup_snap_load_time", single(context.startupSnapshotLoadMs)),
            quorum: quorum?.monitorFigures)
    }

    func electionTelemetry() -> String? {
        quorum?.voteText
    }

    private func single(_ value: Int64) -> SummaryMetric {
        var metric = SummaryMetric()
        metric.record(value)
        return metric
    }

    private static func summary(_ name: String, _ metric: SummaryMetric) -> [MonitorMetric] {
        MonitorMetric.summary(name, count: metric.count, sum: metric.sum, min: metric.min, max: metric.max)
    }

    func conf() -> ConfSnapshot {
        let sizes = directorySizes()
        var snapshot = ConfSnapshot(
            config: context.config, boundClientPort: context.clientPort, snapshotDirectory: context.snapshotDirectory,
            dataDirSizeBytes: sizes.dataDirBytes, logDirectory: context.logDirectory, dataLogSizeBytes: sizes.logDirBytes)
        // The membership in force (a reconfig changes it), as /zookeeper/config holds it.
        if var quorum = snapshot.quorum, let data = core.tree.node(DataTree.configPath)?.data,
           let live = QuorumMembership.parse(String(decoding: data, as: UTF8.self)) {
            quorum.members = live.members
            quorum.version = live.version
            snapshot.quorum = quorum
        }
        return snapshot
    }

    func dump() -> DumpSnapshot {
        let interval = Int64(core.settings.tickTimeMs)
        let sessions = core.sessions.sessions.values.sorted { $0.id < $1.id }
        let sessionQueue = ExpiryQueueSnapshot(
            deadlines: sessions.map { (ExpiryQueueSnapshot.sessionElement($0.id), $0.expiresAtMs - interval) }, intervalMs: interval)
        let ephemerals = core.tree.ephemerals.keys.sorted().map {
            SessionEphemerals(sessionId: $0, paths: (core.tree.ephemerals[$0] ?? []).sorted())
        }
        // Apache's connection queue uses 10 s buckets (the sessionless
        // connection timeout) and a deadline of last activity plus the session
        // timeout, or plus 10 s for connections without a session yet.
        let sessionlessTimeoutMs: Int64 = 10_000
        let connectionQueue = ExpiryQueueSnapshot(
            deadlines: core.connections.values.sorted { $0.id < $1.id }.map { connection in
                let lastActivityMs = max(connection.openedAtMs, connection.lastResponseAtMs)
                let timeoutMs = connection.sessionId == 0 ? sessionlessTimeoutMs : Int64(connection.sessionTimeoutMs)
                return (ExpiryQueueSnapshot.connectionElement(
                    remoteAddress: ConnectionSnapshot.javaSocketAddress(host: connection.remoteAddress, port: connection.remotePort),
                    sessionId: connection.sessionId), lastActivityMs + timeoutMs)
            }, intervalMs: sessionlessTimeoutMs)
        return DumpSnapshot(sessions: sessionQueue, ephemerals: ephemerals, connections: connectionQueue)
    }

    func watches() -> WatchSnapshot {
        // Watches belong to connections; the reports name their sessions.
        let sessionOf = core.connections.mapValues(\.sessionId)
        return WatchSnapshot(bySession: core.watches.pathsByWatcher().sorted { $0.key < $1.key }.map {
            (sessionOf[$0.key] ?? 0, $0.value.sorted())
        })
    }

    func environment() -> [EnvironmentEntry] {
        let info = ProcessInfo.processInfo
        var system = utsname()
        uname(&system)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let memory = ProcessFigures.memoryMB()
        return EnvironmentEntry.standard(
            version: ZkdashVersion.full, hostName: ProcessFigures.canonicalHostName() ?? info.hostName, osName: field(system.sysname),
            osArch: field(system.machine), osVersion: field(system.release), userName: info.userName,
            userHome: info.environment["HOME"] ?? "<NA>", workingDirectory: FileManager.default.currentDirectoryPath,
            temporaryDirectory: NSTemporaryDirectory(), memoryFreeMB: memory.free, memoryMaxMB: memory.max,
            memoryTotalMB: memory.total, runtimeVersion: "swift", runtimeVendor: "zkdash", runtimeHome: "<NA>")
    }

    func directorySizes() -> (dataDirBytes: Int64, logDirBytes: Int64) {
        (ProcessFigures.directoryBytes(context.snapshotDirectory), ProcessFigures.directoryBytes(context.logDirectory))
    }
}

/// Figures read from /proc and the file system for the reports.
enum ProcessFigures {
    static func fileDescriptors() -> (open: Int64, max: Int64) {
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count).map { Int64($0) } ?? -1
        var limit = rlimit()
        let max = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 ? Int64(limit.rlim_cur) : -1
        return (open, max)
    }

    /// Resident memory of this process as free / max / total in MB, the
    /// closest analogue of the JVM's heap figures that `envi` prints.
    static func memoryMB() -> (free: Int64?, max: Int64?, total: Int64?) {
        let total = Int64(ProcessInfo.processInfo.physicalMemory / 1_048_576)
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int64(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else {
            return (nil, total, total)
        }
        return (total - kilobytes / 1024, total, total)
    }

    /// Java's InetAddress.getLocalHost().getCanonicalHostName(): the host
    /// name resolved to an address and that address resolved back to a name.
    static func canonicalHostName() -> String? {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count) == 0 else { return nil }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(result) }
        var host = [CChar](repeating: 0, count: 1025)
        guard getnameinfo(first.pointee.ai_addr, first.pointee.ai_addrlen, &host, socklen_t(host.count), nil, 0, NI_NAMEREQD) == 0 else {
            return nil
        }
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func directoryBytes(_ path: String) -> Int64 {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return 0 }
        return names.reduce(Int64(0)) { sum, name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + name)
            return sum + ((attributes?[.size] as? Int64) ?? 0)
        }
    }
}
