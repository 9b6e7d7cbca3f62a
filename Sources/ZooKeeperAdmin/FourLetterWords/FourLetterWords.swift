/// Apache ZooKeeper 3.8's four-letter-word replies, byte for byte. Each
/// function is pure: the server gathers a snapshot, calls the function and
/// writes the returned text, then closes the connection (Apache closes after
/// every 4lw reply). Replies are ASCII/UTF-8.
///
/// Order of checks, as in Apache's `NIOServerCnxn.checkFourLetterWord`:
/// 1. first four bytes of a fresh connection → `FourLetterWord(first4:)`;
///    nil means a normal ConnectRequest length;
/// 2. not whitelisted → `notInWhitelist(word)`;
/// 3. server not serving (starting, or a quorum peer without quorum) and
///    `word.requiresRunningServer` → `notServing` (`isro` says `null`,
///    `hash` omits the newline; see `notServingReply(for:)`);
/// 4. otherwise the word's own reply.
public enum FourLetterWords {
    /// The word spelled by the first four bytes of a connection, if Apache
    /// knows it.
    public static func isFourLetterWord(_ first4: [UInt8]) -> String? {
        FourLetterWord(first4: first4)?.rawValue
    }

    /// `This ZooKeeper instance is not currently serving requests\n`.
    public static let notServing = "This ZooKeeper instance is not currently serving requests\n"

    /// `<word> is not executed because it is not in the whitelist.\n`.
    public static func notInWhitelist(_ word: FourLetterWord) -> String {
        "\(word.rawValue) is not executed because it is not in the whitelist.\n"
    }

    /// The reply of `word` while the server is not serving requests, or nil
    /// when the word answers normally regardless (`ruok`, `envi`, `gtmk`,
    /// `stmk`, and zkdash's `vote`).
    public static func notServingReply(for word: FourLetterWord) -> String? {
        switch word {
        case .ruok, .envi, .gtmk, .stmk, .vote: nil
        case .isro: "null"
        case .hash: String(notServing.dropLast())
        default: notServing
        }
    }

    /// zkdash's `vote` on a standalone server: there is no election, and the
    /// monitor's telemetry parser reads this as the node's state.
    public static let standaloneVote = "state=STANDALONE\n"

    /// `vote`: a quorum member's election telemetry (`ElectionRecorder`
    /// format, docs/monitoring.md), answered whether or not the node serves.
    public static func vote(_ telemetry: String?) -> String { telemetry ?? standaloneVote }

    /// `imok`, no newline. Apache answers it even when not serving.
    public static func ruok() -> String { "imok" }

    /// `Zookeeper version: …` through `Node count: …`.
    public static func srvr(_ stats: ServerStatsSnapshot) -> String {
        header(stats) + statsBody(stats)
    }

    /// `srvr` plus a `Clients:` section listing every connection (brief form:
    /// address, interest, queued, recved, sent), then a blank line.
    public static func stat(_ stats: ServerStatsSnapshot, connections: [ConnectionSnapshot]) -> String {
        var text = header(stats) + "Clients:\n"
        for c in connections { text += connectionLine(c, brief: true) + "\n" }
        return text + "\n" + statsBody(stats)
    }

    /// One line per connection in full form, then a blank line.
    public static func cons(_ connections: [ConnectionSnapshot]) -> String {
        connections.map { connectionLine($0, brief: false) + "\n" }.joined() + "\n"
    }

    /// `Connection stats reset.\n`; the server resets every connection's
    /// counters (see `ConnectionSnapshot`).
    public static func crst() -> String { "Connection stats reset.\n" }

    /// `Server stats reset.\n`; the server resets latency and packet counters
    /// and the response-size stats.
    public static func srst() -> String { "Server stats reset.\n" }

    /// `key\tvalue` lines in Apache 3.8's key order. A quorum member adds
    /// `zk_peer_state` (and an observer `zk_observer_master_id`) after the
    /// server state, and its gauges where Apache's gauge map puts them: the
    /// leader's among the standalone ones, `zk_quorum_size` last.
    public static func mntr(_ m: MonitorSnapshot) -> String {
        let s = m.stats
        let d = JavaFormat.double
        let leader = m.quorum?.leader
        var lines: [(String, String)] = []
        func add(_ key: String, _ value: String) { lines.append((key, value)) }
        func gauge(_ key: String, _ value: Int?) { if let value { lines.append((key, "\(value)")) } }
        add("version", s.version)
        add("server_state", s.mode.rawValue)
        if let quorum = m.quorum { add("peer_state", quorum.peerState) }
        gauge("observer_master_id", m.quorum?.observerMasterId)
        add("ephemerals_count", "\(m.ephemeralsCount)")
        add("num_alive_connections", "\(s.aliveConnections)")
        add("avg_latency", d(s.latency.apacheAverageMs))
        add("outstanding_requests", "\(s.outstandingRequests)")
        add("znode_count", "\(s.nodeCount)")
        add("global_sessions", "\(m.globalSessions)")
        add("non_mtls_remote_conn_count", "\(m.nonMtlsRemoteConnCount)")
        add("last_client_response_size", "\(m.lastClientResponseSizeBytes)")
        add("packets_sent", "\(s.packetsSent)")
        add("packets_received", "\(s.packetsReceived)")
        add("max_client_response_size", "\(m.maxClientResponseSizeBytes)")
        gauge("synced_followers", leader?.syncedFollowers)
        add("connection_drop_probability", d(m.connectionDropProbability))
        add("watch_count", "\(m.watchCount)")
        gauge("synced_non_voting_followers", leader?.syncedNonVotingFollowers)
        gauge("synced_observers", leader?.syncedObservers)
        add("auth_failed_count", "\(m.authFailedCount)")
        add("min_latency", "\(s.latency.minMs)")
        add("max_file_descriptor_count", "\(m.maxFileDescriptorCount)")
        add("approximate_data_size", "\(m.approximateDataSizeBytes)")
        add("open_file_descriptor_count", "\(m.openFileDescriptorCount)")
        gauge("pending_syncs", leader?.pendingSyncs)
        add("local_sessions", "\(m.localSessions)")
        add("uptime", "\(m.uptimeMs)")
        add("max_latency", "\(s.latency.maxMs)")
        add("outstanding_tls_handshake", "\(m.outstandingTlsHandshakes)")
        gauge("learners", leader?.learners)
        add("min_client_response_size", "\(m.minClientResponseSizeBytes)")
        add("non_mtls_local_conn_count", "\(m.nonMtlsLocalConnCount)")
        gauge("quorum_size", m.quorum?.quorumSize)
        for metric in m.additionalMetrics {
            switch metric.value {
            case .integer(let v): lines.append((metric.key, "\(v)"))
            case .double(let v): lines.append((metric.key, d(v)))
            case .text(let v): lines.append((metric.key, v))
            }
        }
        return lines.map { "zk_\($0.0)\t\($0.1)\n" }.joined()
    }

    /// `key=value` lines of the running configuration.
    public static func conf(_ c: ConfSnapshot) -> String {
        """
        clientPort=\(c.clientPort)
        secureClientPort=\(c.secureClientPort)
        dataDir=\(c.dataDir)
        dataDirSize=\(c.dataDirSizeBytes)
        dataLogDir=\(c.dataLogDir)
        dataLogSize=\(c.dataLogSizeBytes)
        tickTime=\(c.tickTimeMs)
        maxClientCnxns=\(c.maxClientCnxns)
        minSessionTimeout=\(c.minSessionTimeoutMs)
        maxSessionTimeout=\(c.maxSessionTimeoutMs)
        clientPortListenBacklog=\(c.clientPortListenBacklog)
        serverId=\(c.serverId)

        """ + (c.quorum.map(quorumConf) ?? "")
    }

    /// `QuorumZooKeeperServer.dumpConf`'s lines; the last has no newline.
    private static func quorumConf(_ q: QuorumConfSnapshot) -> String {
        var text = "initLimit=\(q.initLimitTicks)\nsyncLimit=\(q.syncLimitTicks)\nelectionAlg=\(q.electionAlg)\n"
        text += "electionPort=\(q.electionPort)\nquorumPort=\(q.quorumPort)\n"
        text += "peerType=\(q.peerType == .observer ? 1 : 0)\nmembership: \n"
        for member in q.members { text += "server.\(member.sid)=\(QuorumConfSnapshot.memberText(member))\n" }
        return text + "version=\(String(q.version, radix: 16))"
    }

    /// `Environment:` then `key=value` lines.
    public static func envi(_ entries: [EnvironmentEntry]) -> String {
        "Environment:\n" + entries.map { "\($0.key)=\($0.value)\n" }.joined()
    }

    /// Session expiry queue, ephemerals per session, connection expiry queue.
    public static func dump(_ d: DumpSnapshot) -> String {
        var text = "SessionTracker dump:\nSession " + expiryQueue(d.sessions)
        text += "ephemeral nodes dump:\nSessions with Ephemerals (\(d.ephemerals.count)):\n"
        for s in d.ephemerals {
            text += "0x\(JavaFormat.hex(s.sessionId)):\n"
            for path in s.paths { text += "\t\(path)\n" }
        }
        return text + "Connections dump:\nConnections " + expiryQueue(d.connections)
    }

    /// `<n> connections watching <m> paths\nTotal watches:<t>\n`.
    public static func wchs(_ w: WatchSnapshot) -> String {
        "\(w.bySession.count) connections watching \(w.byPath.count) paths\nTotal watches:\(w.watches.count)\n"
    }

    /// Per session `0x<id>` then a tab-indented line per path; blank line at the end.
    public static func wchc(_ w: WatchSnapshot) -> String {
        w.bySession.map { s in
            "0x\(JavaFormat.hex(s.sessionId))\n" + s.paths.map { "\t\($0)\n" }.joined()
        }.joined() + "\n"
    }

    /// Per path, then a tab-indented `0x<id>` line per session; blank line at the end.
    public static func wchp(_ w: WatchSnapshot) -> String {
        w.byPath.map { p in
            "\(p.path)\n" + p.sessionIds.map { "\t0x\(JavaFormat.hex($0))\n" }.joined()
        }.joined() + "\n"
    }

    /// `rw`, `ro` for a read-only server, `null` when not serving; no newline.
    public static func isro(serving: Bool, readOnly: Bool = false) -> String {
        serving ? (readOnly ? "ro" : "rw") : "null"
    }

    /// Sizes of snapshot and txn log files, bytes.
    public static func dirs(dataDirSizeBytes: Int64, logDirSizeBytes: Int64) -> String {
        "datadir_size: \(dataDirSizeBytes)\nlogdir_size: \(logDirSizeBytes)\n"
    }

    /// The trace mask in decimal, no newline (Apache's default is 306).
    public static func gtmk(traceMask: Int64 = 306) -> String { "\(traceMask)" }

    /// Reply to `stmk` after reading its 8-byte big-endian mask argument: the
    /// mask in decimal, no newline.
    public static func stmk(newTraceMask: Int64) -> String { "\(newTraceMask)" }

    /// `hash`: one `<hex zxid>: <digest>` line per recorded tree digest.
    public static func hash(_ digests: [(zxid: Int64, digest: Int64)]) -> String {
        digests.map { "\(JavaFormat.hex($0.zxid)): \($0.digest)\n" }.joined()
    }

    // MARK: - pieces

    private static func header(_ s: ServerStatsSnapshot) -> String {
        "Zookeeper version: \(s.version)\n"
            + (s.mode == .readOnly ? "READ-ONLY mode; serving only read-only clients\n" : "")
    }

    /// Apache's `ServerStats.toString()` plus the node count line.
    private static func statsBody(_ s: ServerStatsSnapshot) -> String {
        """
        Latency min/avg/max: \(s.latency.minMs)/\(JavaFormat.double(s.latency.apacheAverageMs))/\(s.latency.maxMs)
        Received: \(s.packetsReceived)
        Sent: \(s.packetsSent)
        Connections: \(s.aliveConnections)
        Outstanding: \(s.outstandingRequests)
        Zxid: 0x\(JavaFormat.hex(s.lastProcessedZxid))
        Mode: \(s.mode.rawValue)
        Node count: \(s.nodeCount)

        """
    }

    /// Apache's `ServerCnxn.dumpConnectionInfo` (no trailing newline).
    static func connectionLine(_ c: ConnectionSnapshot, brief: Bool) -> String {
        let ops = c.interestOps == 0 ? "0" : String(UInt32(truncatingIfNeeded: c.interestOps), radix: 16)
        var text = " \(c.remoteAddress)[\(ops)](queued=\(c.queuedRequests),recved=\(c.packetsReceived),sent=\(c.packetsSent)"
        if !brief, c.sessionId != 0 {
            text += ",sid=0x\(JavaFormat.hex(c.sessionId)),lop=\(c.lastOperation),est=\(c.establishedEpochMs)"
            text += ",to=\(c.sessionTimeoutMs)"
            if c.lastCxid >= 0 { text += ",lcxid=0x\(JavaFormat.hex(c.lastCxid))" }
            text += ",lzxid=0x\(JavaFormat.hex(c.lastZxid)),lresp=\(c.lastResponseMs),llat=\(c.lastLatencyMs)"
            text += ",minlat=\(c.latency.minMs),avglat=\(c.latency.integerAverageMs),maxlat=\(c.latency.maxMs)"
        }
        return text + ")"
    }

    /// Apache's `ExpiryQueue.dump`, after the caller's "Session "/"Connections " prefix.
    private static func expiryQueue(_ q: ExpiryQueueSnapshot) -> String {
        var text = "Sets (\(q.buckets.count))/(\(q.elementCount)):\n"
        for bucket in q.buckets {
            text += "\(bucket.elements.count) expire at \(JavaFormat.date(epochMs: bucket.expiresAtEpochMs)):\n"
            for element in bucket.elements { text += "\t\(element)\n" }
        }
        return text
    }
}
