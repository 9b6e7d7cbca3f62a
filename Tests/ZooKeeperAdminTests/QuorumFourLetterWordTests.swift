import Foundation
import Testing
@testable import ZooKeeperAdmin

/// A quorum member's mntr, conf and vote: fed the values real Apache 3.8
/// members reported (the EnsembleMonitor fixtures captured from a 3-voter +
/// 1-observer ensemble), the renderers must give Apache's bytes.
@Suite struct QuorumFourLetterWordTests {
    /// An answer captured from Apache (Tests/EnsembleMonitorTests/Fixtures/apache-3.8).
    static func captured(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("EnsembleMonitorTests/Fixtures/apache-3.8/\(name)")
        return String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    /// The zoo.cfg of the captured ensemble (its README), as the member `myid` reads it.
    static func ensembleConfig(myid: Int, clientPort: Int, clientPorts: Bool = true) throws -> ServerConfig {
        var lines = [
            "tickTime=500", "initLimit=10", "syncLimit=5", "dataDir=/tmp/zkens/data", "dataLogDir=/tmp/zkens/datalog",
            "clientPort=\(clientPort)", "clientPortAddress=127.0.0.1", "maxClientCnxns=200", "4lw.commands.whitelist=*",
        ]
        if clientPorts {
            lines += [
                "server.1=127.0.0.1:24851:24504;127.0.0.1:24723",
                "server.2=127.0.0.1:24632:24700;127.0.0.1:24104",
                "server.3=127.0.0.1:24930:24993;127.0.0.1:24218",
                "server.4=127.0.0.1:24881:24328:observer;127.0.0.1:24216",
            ]
        } else {
            lines += ["server.1=127.0.0.1:24041:24184", "server.2=127.0.0.1:24600:24826", "server.3=127.0.0.1:24429:24951"]
        }
        return try ServerConfigParser.parse(lines.joined(separator: "\n") + "\n").applyingMyid(myid)
    }

    /// Apache's key/value pairs, in order.
    static func pairs(_ mntr: String) -> [(key: String, value: String)] {
        mntr.split(separator: "\n").map { line in
            let kv = line.split(separator: "\t", maxSplits: 1)
            return (String(kv[0]), kv.count > 1 ? String(kv[1]) : "")
        }
    }

    /// The snapshot a server would build from the figures in an Apache answer.
    static func snapshot(from apache: [(key: String, value: String)], mode: ServerMode) -> MonitorSnapshot {
        let v = Dictionary(apache.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        func int(_ key: String) -> Int64 { Int64(v["zk_" + key] ?? "") ?? -99 }
        let stats = ServerStatsSnapshot(
            version: v["zk_version"]!, mode: mode,
            latency: LatencyStats(minMs: int("min_latency"), maxMs: int("max_latency"), totalMs: 0, count: 0),
            packetsReceived: int("packets_received"), packetsSent: int("packets_sent"),
            aliveConnections: Int(int("num_alive_connections")), outstandingRequests: int("outstanding_requests"),
            nodeCount: Int(int("znode_count")))
        var leader: LeaderMonitorFigures?
        if mode == .leader {
            leader = LeaderMonitorFigures(
                learners: Int(int("learners")), syncedFollowers: Int(int("synced_followers")),
                syncedNonVotingFollowers: Int(int("synced_non_voting_followers")),
                syncedObservers: Int(int("synced_observers")), pendingSyncs: Int(int("pending_syncs")))
        }
        let quorum = QuorumMonitorFigures(
            peerState: v["zk_peer_state"]!, quorumSize: Int(int("quorum_size")),
            observerMasterId: v["zk_observer_master_id"].flatMap { Int($0) }, leader: leader)
        return MonitorSnapshot(
            stats: stats, ephemeralsCount: Int(int("ephemerals_count")), globalSessions: Int(int("global_sessions")),
            localSessions: Int(int("local_sessions")), watchCount: Int(int("watch_count")),
            approximateDataSizeBytes: int("approximate_data_size"), openFileDescriptorCount: int("open_file_descriptor_count"),
            maxFileDescriptorCount: int("max_file_descriptor_count"), uptimeMs: int("uptime"),
            lastClientResponseSizeBytes: int("last_client_response_size"),
            minClientResponseSizeBytes: int("min_client_response_size"),
            maxClientResponseSizeBytes: int("max_client_response_size"), quorum: quorum)
    }

    /// Gauges zkdash has no figures for (no proposal-size stats, no leader start time).
    static let notReported: Set<String> = [
        "zk_last_proposal_size", "zk_min_proposal_size", "zk_max_proposal_size", "zk_leader_uptime",
    ]

    @Test(arguments: [("leader", ServerMode.leader), ("follower", .follower), ("observer", .observer)])
    func mntrGaugesOfEachRoleAreApaches(role: String, mode: ServerMode) throws {
        let apache = Self.pairs(try Self.captured("\(role).mntr.txt"))
        // Apache's own gauges end with zk_quorum_size; its metrics library follows.
        let end = try #require(apache.firstIndex { $0.key == "zk_quorum_size" })
        var expected = apache[...end].filter { !Self.notReported.contains($0.key) }
        // The average comes from latency totals the answer does not show.
        let ours = Self.pairs(FourLetterWords.mntr(Self.snapshot(from: apache, mode: mode)))
        if let avg = expected.firstIndex(where: { $0.key == "zk_avg_latency" }) { expected[avg].value = "0.0" }
        #expect(ours.map(\.key) == expected.map(\.key))
        #expect(ours.map(\.value) == expected.map(\.value))
    }

    @Test func mntrQuorumLinesPerRole() {
        let stats = ServerStatsSnapshot(version: "3.8.0-zkdash-0.1.0, built on 2026-11-22 00:00 UTC", mode: .leader)
        let leader = FourLetterWords.mntr(MonitorSnapshot(stats: stats, quorum: QuorumMonitorFigures(
            peerState: "leading - broadcast", quorumSize: 3,
            leader: LeaderMonitorFigures(learners: 3, syncedFollowers: 2, syncedObservers: 1, pendingSyncs: 0))))
        #expect(leader.hasPrefix("zk_version\t3.8.0-zkdash-0.1.0, built on 2026-11-22 00:00 UTC\nzk_server_state\tleader\nzk_peer_state\tleading - broadcast\nzk_ephemerals_count\t0\n"))
        for line in ["zk_synced_followers\t2\n", "zk_synced_non_voting_followers\t0\n", "zk_synced_observers\t1\n",
                     "zk_pending_syncs\t0\n", "zk_learners\t3\n"] {
            #expect(leader.contains(line), "\(line)")
        }
        #expect(leader.hasSuffix("zk_non_mtls_local_conn_count\t0\nzk_quorum_size\t3\n"))

        var followerStats = stats
        followerStats.mode = .follower
        let follower = FourLetterWords.mntr(MonitorSnapshot(stats: followerStats, quorum: QuorumMonitorFigures(
            peerState: "following - broadcast", quorumSize: 3)))
        #expect(follower.contains("zk_server_state\tfollower\nzk_peer_state\tfollowing - broadcast\nzk_ephemerals_count"))
        #expect(!follower.contains("zk_learners") && !follower.contains("zk_synced") && !follower.contains("zk_observer_master_id"))
        #expect(follower.hasSuffix("zk_quorum_size\t3\n"))

        followerStats.mode = .observer
        let observer = FourLetterWords.mntr(MonitorSnapshot(stats: followerStats, quorum: QuorumMonitorFigures(
            peerState: "observing - broadcast", quorumSize: 3, observerMasterId: 3)))
        #expect(observer.contains("zk_server_state\tobserver\nzk_peer_state\tobserving - broadcast\nzk_observer_master_id\t3\nzk_ephemerals_count"))

        // Standalone: no quorum lines at all.
        let standalone = FourLetterWords.mntr(MonitorSnapshot(stats: ServerStatsSnapshot(version: "v")))
        #expect(!standalone.contains("peer_state") && !standalone.contains("quorum_size"))
    }

    @Test func detailedPeerStateIsApaches() {
        #expect(QuorumMonitorFigures.detailedPeerState(state: "LEADING", zabPhase: "broadcast") == "leading - broadcast")
        #expect(QuorumMonitorFigures.detailedPeerState(state: "FOLLOWING", zabPhase: "synchronization") == "following - synchronization")
        #expect(QuorumMonitorFigures.detailedPeerState(state: "LOOKING", zabPhase: nil) == "looking")
    }

    @Test(arguments: [("leader", 3, 24218), ("follower", 1, 24723), ("observer", 4, 24216)])
    func confOfEachRoleIsApaches(role: String, myid: Int, clientPort: Int) throws {
        let apache = try Self.captured("\(role).conf.txt")
        let config = try Self.ensembleConfig(myid: myid, clientPort: clientPort)
        // The data directories and their sizes are the capture's own.
        let values = Dictionary(apache.split(separator: "\n").compactMap { line -> (String, String)? in
            let kv = line.split(separator: "=", maxSplits: 1)
            return kv.count == 2 ? (String(kv[0]), String(kv[1])) : nil
        }, uniquingKeysWith: { first, _ in first })
        let conf = ConfSnapshot(
            config: config, boundClientPort: clientPort, snapshotDirectory: values["dataDir"]!,
            dataDirSizeBytes: Int64(values["dataDirSize"]!)!, logDirectory: values["dataLogDir"]!,
            dataLogSizeBytes: Int64(values["dataLogSize"]!)!)
        #expect(FourLetterWords.conf(conf) == apache)
    }

    @Test func confWithPlainServerLinesPrintsNoClientAddress() throws {
        let apache = try Self.captured("plain-lines.conf.txt")
        let config = try Self.ensembleConfig(myid: 1, clientPort: 24472, clientPorts: false)
        let conf = ConfSnapshot(
            config: config, boundClientPort: 24472, snapshotDirectory: "/tmp/zkens-1-_03rv4qd/data/version-2",
            dataDirSizeBytes: 0, logDirectory: "/tmp/zkens-1-_03rv4qd/datalog/version-2", dataLogSizeBytes: 1192)
        #expect(FourLetterWords.conf(conf) == apache)
    }

    @Test func memberLinesFollowQuorumServerToString() {
        #expect(QuorumConfSnapshot.memberText(ServerEntry(sid: 1, host: "zk1", quorumPort: 2888, electionPort: 3888))
            == "zk1:2888:3888:participant")
        #expect(QuorumConfSnapshot.memberText(ServerEntry(sid: 2, host: "::1", quorumPort: 2888, electionPort: 3888, role: .observer, clientPort: 2181))
            == "[::1]:2888:3888:observer;0.0.0.0:2181")
        #expect(QuorumConfSnapshot.memberText(ServerEntry(sid: 3, host: "10.0.0.3", quorumPort: 2888, electionPort: 3888, clientHost: "::", clientPort: 2181))
            == "10.0.0.3:2888:3888:participant;[::]:2181")
    }

    // MARK: - vote

    struct Source: FourLetterWordSource {
        var isServing: Bool
        var telemetry: String?
        func serverStats() -> ServerStatsSnapshot { ServerStatsSnapshot(version: "v") }
        func connections() -> [ConnectionSnapshot] { [] }
        func monitor() -> MonitorSnapshot { MonitorSnapshot(stats: serverStats()) }
        func conf() -> ConfSnapshot {
            ConfSnapshot(clientPort: 1, dataDir: "/d", dataDirSizeBytes: 0, dataLogDir: "/d", dataLogSizeBytes: 0, tickTimeMs: 1,
                         maxClientCnxns: 0, minSessionTimeoutMs: 2, maxSessionTimeoutMs: 20)
        }
        func dump() -> DumpSnapshot { DumpSnapshot(sessions: .init(buckets: []), ephemerals: [], connections: .init(buckets: [])) }
        func watches() -> WatchSnapshot { WatchSnapshot(watches: []) }
        func environment() -> [EnvironmentEntry] { [] }
        func directorySizes() -> (dataDirBytes: Int64, logDirBytes: Int64) { (0, 0) }
        func electionTelemetry() -> String? { telemetry }
    }

    static let looking = "state=LOOKING\nround=3\nvote leader=3 zxid=0x100000008 epoch=1 round=3\n"

    @Test func voteAnswersWhileLookingWhereOtherWordsDoNot() {
        let all = FourLetterWordWhitelist(parsing: "*")
        let source = Source(isServing: false, telemetry: Self.looking)
        #expect(FourLetterWords.respond(to: .vote, whitelist: all, source: source).text == Self.looking)
        for word: FourLetterWord in [.srvr, .mntr, .conf, .stat, .cons] {
            #expect(FourLetterWords.respond(to: word, whitelist: all, source: source).text == FourLetterWords.notServing)
        }
        #expect(FourLetterWords.respond(to: .ruok, whitelist: all, source: source).text == "imok")
        #expect(FourLetterWords.respond(to: .isro, whitelist: all, source: source).text == "null")
        #expect(!FourLetterWord.vote.requiresRunningServer && FourLetterWords.notServingReply(for: .vote) == nil)
    }

    @Test func voteOnAStandaloneServerNamesItsState() {
        let all = FourLetterWordWhitelist(parsing: "*")
        #expect(FourLetterWords.respond(to: .vote, whitelist: all, source: Source(isServing: true, telemetry: nil)).text
            == "state=STANDALONE\n")
    }

    @Test func voteIsWhitelistedLikeEveryWord() {
        #expect(FourLetterWord(first4: Array("vote".utf8)) == .vote)
        #expect(FourLetterWordWhitelist(parsing: "*").allows(.vote))
        let named = FourLetterWordWhitelist(parsing: "srvr, vote")
        #expect(named.allows(.vote) && named.unknownWords.isEmpty)
        let source = Source(isServing: true, telemetry: Self.looking)
        #expect(FourLetterWords.respond(to: .vote, whitelist: .default, source: source).text
            == "vote is not executed because it is not in the whitelist.\n")
        #expect(FourLetterWords.respond(to: .vote, whitelist: FourLetterWordWhitelist(parsing: "mntr"), source: source).text
            == "vote is not executed because it is not in the whitelist.\n")
    }
}
