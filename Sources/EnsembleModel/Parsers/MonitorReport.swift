/// `mntr`: tab-separated `zk_key<TAB>value` lines. The keys the monitor reads
/// are kept as text and read through typed accessors, so keys a version adds
/// or drops never break parsing; the whole answer stays in `rawText` (Apache
/// 3.8 prints ~550 keys, and copying all of them every round was most of a
/// poll's cost).
public struct MonitorReport: Sendable, Equatable {
    public var values: [String: String]
    public var rawText: String

    public init(values: [String: String], rawText: String = "") {
        self.values = values
        self.rawText = rawText
    }

    /// Every key of the answer (for views that show them all).
    public var allValues: [String: String] {
        var all: [String: String] = [:]
        for (key, value) in FourLetterReply.pairs(rawText, separator: "\t") { all[String(key)] = String(value) }
        return all
    }

    static let keysRead: Set<Substring> = [
        "zk_version", "zk_server_state", "zk_peer_state", "zk_avg_latency", "zk_min_latency", "zk_max_latency",
        "zk_packets_received", "zk_packets_sent", "zk_num_alive_connections", "zk_outstanding_requests",
        "zk_znode_count", "zk_watch_count", "zk_ephemerals_count", "zk_approximate_data_size",
        "zk_open_file_descriptor_count", "zk_learners", "zk_followers", "zk_synced_followers",
        "zk_synced_observers", "zk_pending_syncs", "zk_quorum_size", "zk_uptime", "zk_cnt_election_time",
        "zk_avg_election_time", "zk_max_election_time", "zk_min_election_time", "zk_sum_election_time",
    ]

    public static func parse(_ text: String) -> ReplyClass<MonitorReport> {
        ReplyClass.classify(text) { text in
            var values: [String: String] = [:]
            FourLetterReply.forEachPair(text, separator: "\t") { key, value in
                // Every key starts "zk_"; the length check skips most hashing.
                if key.utf8.count <= 29, keysRead.contains(key) { values[String(key)] = String(value) }
            }
            // Every mntr answer has zk_version (and zk_server_state).
            return values["zk_version"] == nil ? nil : MonitorReport(values: values, rawText: text)
        }
    }

    public func number(_ key: String) -> Double? { values[key].flatMap { Double($0) } }
    public func integer(_ key: String) -> Int64? {
        guard let text = values[key] else { return nil }
        return Int64(text) ?? Double(text).flatMap { $0.isFinite ? Int64($0) : nil }
    }

    public var version: String? { values["zk_version"] }
    /// leader / follower / observer / standalone (Apache `zk_server_state`).
    public var serverState: String? { values["zk_server_state"] }
    /// e.g. "following - broadcast", "leading - broadcast", "looking" (3.6+).
    public var peerState: String? { values["zk_peer_state"] }
    public var latencyAvgMs: Double? { number("zk_avg_latency") }
    public var latencyMinMs: Double? { number("zk_min_latency") }
    public var latencyMaxMs: Double? { number("zk_max_latency") }
    public var packetsReceived: Int64? { integer("zk_packets_received") }
    public var packetsSent: Int64? { integer("zk_packets_sent") }
    public var aliveConnections: Int64? { integer("zk_num_alive_connections") }
    public var outstandingRequests: Int64? { integer("zk_outstanding_requests") }
    public var znodeCount: Int64? { integer("zk_znode_count") }
    public var watchCount: Int64? { integer("zk_watch_count") }
    public var ephemeralsCount: Int64? { integer("zk_ephemerals_count") }
    public var approximateDataSizeBytes: Int64? { integer("zk_approximate_data_size") }
    public var openFileDescriptors: Int64? { integer("zk_open_file_descriptor_count") }
    /// Leader only: learners connected, synced followers / observers, pending syncs.
    public var learners: Int64? { integer("zk_learners") ?? integer("zk_followers") }
    public var syncedFollowers: Int64? { integer("zk_synced_followers") }
    public var syncedObservers: Int64? { integer("zk_synced_observers") }
    public var pendingSyncs: Int64? { integer("zk_pending_syncs") }
    public var quorumSize: Int64? { integer("zk_quorum_size") }
    public var uptimeMs: Int64? { integer("zk_uptime") }
    /// Apache's election-time summary (ms): count and last-known extremes.
    public var electionTimeCount: Int64? { integer("zk_cnt_election_time") }
    public var electionTimeAvgMs: Double? { number("zk_avg_election_time") }
    public var electionTimeMaxMs: Double? { number("zk_max_election_time") }
    public var electionTimeSumMs: Double? { number("zk_sum_election_time") }
    public var electionTimeMinMs: Double? { number("zk_min_election_time") }

    /// The state named by zk_peer_state or zk_server_state.
    public var state: NodeState? {
        if let peer = peerState, let word = peer.split(separator: " ").first, let state = NodeState(mode: word) {
            return state
        }
        return serverState.flatMap { NodeState(mode: $0) }
    }
}
