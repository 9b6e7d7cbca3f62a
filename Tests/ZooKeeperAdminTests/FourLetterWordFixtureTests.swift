import Testing
@testable import ZooKeeperAdmin

/// Feeds each renderer the values Apache 3.8 reported and expects Apache's
/// exact bytes (fixtures in `Fixtures/Apache38Fixtures.swift`).
@Suite struct FourLetterWordFixtureTests {
    static let version = "3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC"
    static let sessionA: Int64 = 0x1000005f3060005
    static let sessionB: Int64 = 0x1000005f3060006
    static let sessionC: Int64 = 0x1000005f3060007
    static let sessionD: Int64 = 0x1000005f3060008

    @Test func ruok() {
        #expect(FourLetterWords.ruok() == Apache38.ruok)
    }

    @Test func srvr() {
        // 12 ms over 31 requests → 0.3871 after Apache's HALF_UP rounding.
        let stats = ServerStatsSnapshot(
            version: Self.version, mode: .standalone, latency: LatencyStats(minMs: 0, maxMs: 5, totalMs: 12, count: 31),
            packetsReceived: 38, packetsSent: 38, aliveConnections: 4, outstandingRequests: 0,
            lastProcessedZxid: 0x1a, nodeCount: 11)
        #expect(FourLetterWords.srvr(stats) == Apache38.srvr)
    }

    @Test func srvrAfterSrstPrintsZeroAverageAsJavaDouble() {
        let stats = ServerStatsSnapshot(
            version: Self.version, packetsReceived: 1, packetsSent: 1, aliveConnections: 4,
            lastProcessedZxid: 0x18, nodeCount: 11)
        #expect(FourLetterWords.srvr(stats) == Apache38.srvrAfterSrst)
    }

    @Test func statListsClientsInBriefForm() {
        // 8 ms over 21 requests → 0.381 (Java drops the trailing zero of 0.3810).
        let stats = ServerStatsSnapshot(
            version: Self.version, latency: LatencyStats(minMs: 0, maxMs: 5, totalMs: 8, count: 21),
            packetsReceived: 27, packetsSent: 27, aliveConnections: 5, lastProcessedZxid: 0x19, nodeCount: 11)
        let clients = [
            ConnectionSnapshot(remoteAddress: "/127.0.0.1:42446", packetsReceived: 4, packetsSent: 4, sessionId: Self.sessionA),
            ConnectionSnapshot(remoteAddress: "/127.0.0.1:59244", interestOps: 0, packetsReceived: 1),
            ConnectionSnapshot(remoteAddress: "/127.0.0.1:59226", packetsReceived: 9, packetsSent: 9, sessionId: Self.sessionD),
            ConnectionSnapshot(remoteAddress: "/127.0.0.1:42462", packetsReceived: 4, packetsSent: 4, sessionId: Self.sessionC),
            ConnectionSnapshot(remoteAddress: "/127.0.0.1:42452", packetsReceived: 4, packetsSent: 4, sessionId: Self.sessionB),
        ]
        #expect(FourLetterWords.stat(stats, connections: clients) == Apache38.stat)
    }

    static let liveConnections = [
        ConnectionSnapshot(
            remoteAddress: "/127.0.0.1:42446", packetsReceived: 4, packetsSent: 4, sessionId: sessionA,
            lastOperation: "PING", establishedEpochMs: 1_795_313_801_012, sessionTimeoutMs: 10000,
            lastZxid: 0x18, lastResponseMs: 1_167_931, latency: LatencyStats(count: 4)),
        ConnectionSnapshot(
            remoteAddress: "/127.0.0.1:59226", packetsReceived: 9, packetsSent: 9, sessionId: sessionD,
            lastOperation: ConnectionSnapshot.lastOperationName(for: .getChildren2),
            establishedEpochMs: 1_795_313_818_424, sessionTimeoutMs: 10000, lastCxid: 8, lastZxid: 0x19,
            lastResponseMs: 1_169_359, latency: LatencyStats(minMs: 0, maxMs: 5, totalMs: 5, count: 9)),
        ConnectionSnapshot(
            remoteAddress: "/127.0.0.1:42462", packetsReceived: 4, packetsSent: 4, sessionId: sessionC,
            lastOperation: "PING", establishedEpochMs: 1_795_313_801_028, sessionTimeoutMs: 10000,
            lastZxid: 0x18, lastResponseMs: 1_168_024, latency: LatencyStats(maxMs: 1, totalMs: 1, count: 4)),
        ConnectionSnapshot(remoteAddress: "/127.0.0.1:59232", interestOps: 0, packetsReceived: 1),
        ConnectionSnapshot(
            remoteAddress: "/127.0.0.1:42452", packetsReceived: 4, packetsSent: 4, sessionId: sessionB,
            lastOperation: "PING", establishedEpochMs: 1_795_313_801_019, sessionTimeoutMs: 10000,
            lastZxid: 0x18, lastResponseMs: 1_167_444, latency: LatencyStats(maxMs: 1, totalMs: 1, count: 4)),
    ]

    @Test func consListsFullConnectionInfo() {
        #expect(FourLetterWords.cons(Self.liveConnections) == Apache38.cons)
    }

    @Test func consAfterCrstShowsResetValues() {
        func reset(_ address: String, _ sid: Int64, _ est: Int64) -> ConnectionSnapshot {
            ConnectionSnapshot(remoteAddress: address, sessionId: sid, establishedEpochMs: est, sessionTimeoutMs: 10000)
        }
        let connections = [
            reset("/127.0.0.1:42446", Self.sessionA, 1_795_313_801_012),
            ConnectionSnapshot(remoteAddress: "/127.0.0.1:42600", interestOps: 0, packetsReceived: 1),
            reset("/127.0.0.1:42462", Self.sessionC, 1_795_313_801_028),
            reset("/127.0.0.1:42452", Self.sessionB, 1_795_313_801_019),
        ]
        #expect(FourLetterWords.cons(connections) == Apache38.consAfterCrst)
    }

    @Test func resets() {
        #expect(FourLetterWords.crst() == Apache38.crst)
        #expect(FourLetterWords.srst() == Apache38.srst)
    }

    @Test func mntrMatchesApacheIncludingExtraMetrics() throws {
        let apacheLines = Apache38.mntr.split(separator: "\n").map { $0.split(separator: "\t", maxSplits: 1) }
        // Apache's metrics-library lines after the server's own gauges, passed through as extras.
        let extras = apacheLines.dropFirst(26).map { kv -> MonitorMetric in
            let key = String(kv[0].dropFirst(3))
            let text = String(kv[1])
            return MonitorMetric(key: key, value: text.contains(".") ? .double(Double(text)!) : .integer(Int64(text)!))
        }
        let stats = ServerStatsSnapshot(
            version: Self.version, latency: LatencyStats(minMs: 0, maxMs: 5, totalMs: 22, count: 21),
            packetsReceived: 28, packetsSent: 28, aliveConnections: 4, nodeCount: 11)
        let snapshot = MonitorSnapshot(
            stats: stats, ephemeralsCount: 3, globalSessions: 3, localSessions: 0, watchCount: 5,
            approximateDataSizeBytes: 116, openFileDescriptorCount: 44, maxFileDescriptorCount: 20000,
            uptimeMs: 766_108, connectionDropProbability: 0, lastClientResponseSizeBytes: 16,
            minClientResponseSizeBytes: 16, maxClientResponseSizeBytes: 99, additionalMetrics: extras)
        #expect(FourLetterWords.mntr(snapshot) == Apache38.mntr)
    }

    @Test func conf() {
        let c = ConfSnapshot(
            clientPort: 23181, dataDir: "/tmp/zkadmin-apache/data/version-2", dataDirSizeBytes: 67_109_337,
            dataLogDir: "/tmp/zkadmin-apache/data/version-2", dataLogSizeBytes: 67_109_337, tickTimeMs: 2000,
            maxClientCnxns: 60, minSessionTimeoutMs: 4000, maxSessionTimeoutMs: 40000)
        #expect(FourLetterWords.conf(c) == Apache38.conf)
    }

    @Test func confFromServerConfig() throws {
        let config = try ServerConfigParser.parse(
            "tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir=/tmp/zkadmin-apache/data\nclientPortAddress=127.0.0.1\n"
                + "clientPort=23181\nadmin.enableServer=false\n4lw.commands.whitelist=*\n")
        let c = ConfSnapshot(
            config: config, boundClientPort: 23181, snapshotDirectory: config.dataDir + "/version-2",
            dataDirSizeBytes: 67_109_337, logDirectory: config.dataLogDir + "/version-2", dataLogSizeBytes: 67_109_337)
        #expect(FourLetterWords.conf(c) == Apache38.conf)
    }

    @Test func envi() {
        let entries = Apache38.envi.split(separator: "\n").dropFirst().map { line -> EnvironmentEntry in
            let kv = line.split(separator: "=", maxSplits: 1)
            return EnvironmentEntry(String(kv[0]), String(kv[1]))
        }
        #expect(FourLetterWords.envi(entries) == Apache38.envi)
        #expect(entries.map(\.key) == EnvironmentEntry.standard(
            version: "", hostName: "", osName: "", osArch: "", osVersion: "", userName: "", userHome: "",
            workingDirectory: "", temporaryDirectory: "", memoryFreeMB: nil, memoryMaxMB: nil, memoryTotalMB: nil
        ).map(\.key))
    }

    @Test func dump() {
        let hex = ExpiryQueueSnapshot.sessionElement
        let sessions = ExpiryQueueSnapshot(buckets: [
            .init(expiresAtEpochMs: 1_795_313_815_000, elements: [hex(Self.sessionC), hex(Self.sessionB), hex(Self.sessionA)]),
            .init(expiresAtEpochMs: 1_795_313_811_000, elements: []),
        ])
        let connection = ExpiryQueueSnapshot.connectionElement
        let connections = ExpiryQueueSnapshot(buckets: [
            .init(expiresAtEpochMs: 1_795_313_819_000, elements: [
                connection("/127.0.0.1:42446", Self.sessionA), connection("/127.0.0.1:42462", Self.sessionC),
                connection("/127.0.0.1:42452", Self.sessionB), connection("/127.0.0.1:42540", 0),
            ]),
        ])
        let ephemerals = [
            SessionEphemerals(sessionId: Self.sessionB, paths: ["/b-eph"]),
            SessionEphemerals(sessionId: Self.sessionA, paths: ["/app/lock2", "/app/lock"]),
        ]
        let snapshot = DumpSnapshot(sessions: sessions, ephemerals: ephemerals, connections: connections)
        #expect(FourLetterWords.dump(snapshot) == Apache38.dump)
    }

    static let watches = WatchSnapshot(bySession: [
        (sessionA, ["/missing", "/app/config"]),
        (sessionB, ["/app/config", "/app/lock"]),
    ])

    @Test func wchs() {
        #expect(FourLetterWords.wchs(Self.watches) == Apache38.wchs)
    }

    @Test func wchc() {
        #expect(FourLetterWords.wchc(Self.watches) == Apache38.wchc)
    }

    @Test func wchp() {
        // Apache lists /app/config's watchers B then A (hash order); we keep
        // insertion order, so build the snapshot path-first to match.
        let byPath = WatchSnapshot(watches: [
            .init(sessionId: Self.sessionA, path: "/missing"),
            .init(sessionId: Self.sessionB, path: "/app/config"),
            .init(sessionId: Self.sessionA, path: "/app/config"),
            .init(sessionId: Self.sessionB, path: "/app/lock"),
        ])
        #expect(FourLetterWords.wchp(byPath) == Apache38.wchp)
        #expect(FourLetterWords.wchs(byPath) == Apache38.wchs)
    }

    @Test func smallWords() {
        #expect(FourLetterWords.isro(serving: true) == Apache38.isro)
        #expect(FourLetterWords.isro(serving: false) == Apache38.isroNotServing)
        #expect(FourLetterWords.isro(serving: true, readOnly: true) == "ro")
        #expect(FourLetterWords.dirs(dataDirSizeBytes: 67_109_337, logDirSizeBytes: 67_109_337) == Apache38.dirs)
        #expect(FourLetterWords.gtmk() == Apache38.gtmk)
    }

    @Test func refusalsAndNotServing() {
        #expect(FourLetterWords.notServing == Apache38.statNotServing)
        #expect(FourLetterWords.notInWhitelist(.dump) == Apache38.dumpNotWhitelisted)
        #expect(FourLetterWords.notInWhitelist(.crst) == Apache38.crstNotWhitelisted)
    }
}
