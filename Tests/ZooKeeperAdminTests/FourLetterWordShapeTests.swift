import Testing
@testable import ZooKeeperAdmin

/// Renders snapshots unlike Apache's (other numbers, IPv6 peers, negative
/// session ids, many sessions) and checks every line still has a shape that
/// Apache's own output has: same keys, order, separators and number formats.
@Suite struct FourLetterWordShapeTests {
    /// Replaces values with placeholders so only structure remains.
    static func shape(_ line: Substring) -> String {
        var s = String(line)
        s = s.replacing(/Zookeeper version: .*/, with: "Zookeeper version: V")
        s = s.replacing(/zk_version\t.*/, with: "zk_version\tV")
        s = s.replacing(/[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d UTC \d{4}/, with: "DATE")
        s = s.replacing(/\/(\[[0-9a-f:]+\]|[0-9.]+):\d+/, with: "ADDR")
        s = s.replacing(/0x[0-9a-f]+/, with: "HEX")
        s = s.replacing(/\/[A-Za-z0-9\/._-]+/, with: "PATH")
        s = s.replacing(/-?\d+\.\d+(E-?\d+)?/, with: "D")
        s = s.replacing(/-?\d+/, with: "N")
        s = s.replacing(/lop=[A-Z]+/, with: "lop=OP")
        return s
    }

    static func shapes(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(shape)
    }

    /// Every line shape of `ours` occurs in `apache`, and distinct shapes
    /// appear in the same relative order.
    static func expectSameStructure(_ ours: String, _ apache: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let apacheShapes = shapes(apache)
        let ourShapes = shapes(ours)
        for s in ourShapes where !apacheShapes.contains(s) {
            Issue.record("line shape not in Apache's output: \(s)", sourceLocation: sourceLocation)
        }
        func firstAppearance(_ list: [String]) -> [String] {
            var seen = Set<String>()
            return list.filter { seen.insert($0).inserted }
        }
        let order = firstAppearance(ourShapes)
        let apacheOrder = firstAppearance(apacheShapes).filter(order.contains)
        #expect(order == apacheOrder, sourceLocation: sourceLocation)
        #expect(ours.hasSuffix("\n") == apache.hasSuffix("\n"), sourceLocation: sourceLocation)
    }

    @Test func normaliserKeepsOnlyStructure() {
        #expect(Self.shapes(" /127.0.0.1:1[1](queued=0,recved=12,sent=9)") == [" ADDR[N](queued=N,recved=N,sent=N)"])
        #expect(Self.shapes("zk_avg_latency\t1.0E-4\nZxid: 0x1a") == ["zk_avg_latency\tD", "Zxid: HEX"])
        #expect(Self.shapes("3 expire at Sun Nov 22 02:16:55 UTC 2026:\n\t/app/lock") == ["N expire at DATE:", "\tPATH"])
    }

    static let stats = ServerStatsSnapshot(
        version: "3.8.0-zkdash-0.1.0, built on 2025-06-01 12:00 UTC", mode: .standalone,
        latency: LatencyStats(minMs: 1, maxMs: 250, totalMs: 1234, count: 987),
        packetsReceived: 123_456, packetsSent: 123_999, aliveConnections: 2, outstandingRequests: 7,
        lastProcessedZxid: 0x2_0000_0001, nodeCount: 40000)

    static let connections = [
        ConnectionSnapshot(
            remoteAddress: "/[0:0:0:0:0:0:0:1]:50123", interestOps: 1, queuedRequests: 3, packetsReceived: 999,
            packetsSent: 1000, sessionId: 0x7fff_0000_0000_0001, lastOperation: "SETD",
            establishedEpochMs: 1_750_000_000_123, sessionTimeoutMs: 30000, lastCxid: 0x3e7, lastZxid: 0x2_0000_0001,
            lastResponseMs: 98765, lastLatencyMs: 2, latency: LatencyStats(minMs: 0, maxMs: 40, totalMs: 900, count: 999)),
        ConnectionSnapshot(remoteAddress: "/10.1.2.3:40000", interestOps: 0, packetsReceived: 1),
    ]

    @Test func srvrAndStat() {
        Self.expectSameStructure(FourLetterWords.srvr(Self.stats), Apache38.srvr)
        Self.expectSameStructure(FourLetterWords.stat(Self.stats, connections: Self.connections), Apache38.stat)
    }

    @Test func cons() {
        Self.expectSameStructure(FourLetterWords.cons(Self.connections), Apache38.cons)
    }

    @Test func mntrKeysAndOrderAreApaches() {
        let ours = FourLetterWords.mntr(MonitorSnapshot(
            stats: Self.stats, ephemeralsCount: 12, globalSessions: 2, watchCount: 30, approximateDataSizeBytes: 4_000_000,
            openFileDescriptorCount: 25, maxFileDescriptorCount: 1_048_576, uptimeMs: 86_400_000,
            lastClientResponseSizeBytes: 16, minClientResponseSizeBytes: 16, maxClientResponseSizeBytes: 1_048_000))
        let keys = ours.split(separator: "\n").map { $0.split(separator: "\t")[0] }
        let apacheKeys = Apache38.mntr.split(separator: "\n").map { $0.split(separator: "\t")[0] }
        #expect(keys == Array(apacheKeys.prefix(keys.count)))
        let required = [
            "zk_version", "zk_server_state", "zk_avg_latency", "zk_min_latency", "zk_max_latency", "zk_packets_received",
            "zk_packets_sent", "zk_num_alive_connections", "zk_outstanding_requests", "zk_znode_count", "zk_watch_count",
            "zk_ephemerals_count", "zk_approximate_data_size", "zk_open_file_descriptor_count",
            "zk_max_file_descriptor_count",
        ]
        for key in required { #expect(keys.contains(Substring(key)), "\(key)") }
        Self.expectSameStructure(ours, Apache38.mntr)
        #expect(ours.contains("zk_avg_latency\t1.2503\n"))
    }

    @Test func dumpWithManySessions() {
        let deadlines = (0..<5).map { (ExpiryQueueSnapshot.sessionElement(Int64($0) << 56 | 5), Int64(1_750_000_000_000 + $0 * 1500)) }
        let dump = DumpSnapshot(
            sessions: ExpiryQueueSnapshot(deadlines: deadlines, intervalMs: 2000),
            ephemerals: [SessionEphemerals(sessionId: 5, paths: ["/locks/lock-0000000001", "/services/a_b.c"])],
            connections: ExpiryQueueSnapshot(buckets: []))
        Self.expectSameStructure(FourLetterWords.dump(dump), Apache38.dump)
    }

    @Test func watchReports() {
        let w = WatchSnapshot(bySession: [(-5, ["/x"]), (0x10, ["/y/z", "/x"]), (0x11, [])])
        Self.expectSameStructure(FourLetterWords.wchc(w), Apache38.wchc)
        Self.expectSameStructure(FourLetterWords.wchp(w), Apache38.wchp)
        Self.expectSameStructure(FourLetterWords.wchs(w), Apache38.wchs)
    }

    @Test func confFromAConfig() throws {
        let config = try ServerConfigParser.parse("dataDir=/var/lib/zkdash\nclientPort=2181\n")
        let c = ConfSnapshot(
            config: config, boundClientPort: 2181, snapshotDirectory: "/var/lib/zkdash/version-2",
            dataDirSizeBytes: 0, logDirectory: "/var/lib/zkdash/version-2", dataLogSizeBytes: 0)
        Self.expectSameStructure(FourLetterWords.conf(c), Apache38.conf)
    }
}
