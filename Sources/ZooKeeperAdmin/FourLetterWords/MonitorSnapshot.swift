/// Everything `mntr` prints. Apache's mntr is `zk_version`, `zk_server_state`
/// and then every registered metric; the gauges below are the ones a
/// standalone 3.8 server registers itself (`ZooKeeperServer.registerMetrics`),
/// printed in the order 3.8 prints them. Apache then dumps ~300 more counters
/// and summaries from its metrics library; pass any you keep in
/// `additionalMetrics`. A quorum member adds the gauges of `quorum`.
public struct MonitorSnapshot: Sendable, Equatable {
    /// Version, state, latencies, packets, connections, outstanding requests.
    public var stats: ServerStatsSnapshot
    /// Ephemeral znodes across all sessions.
    public var ephemeralsCount: Int
    /// Sessions known to the server (Apache: `zkdb.getSessionCount()`).
    public var globalSessions: Int
    /// Local (non-global) sessions; 0 when local sessions are off.
    public var localSessions: Int
    /// Data watches plus child watches (each path/watcher pair counts once
    /// per kind), i.e. more than `wchs` shows, which counts data watches only.
    public var watchCount: Int
    /// Sum over znodes of path length + data length, bytes (Apache's
    /// `DataTree.approximateDataSize`).
    public var approximateDataSizeBytes: Int64
    /// Open file descriptors of the server process; -1 if unknown.
    public var openFileDescriptorCount: Int64
    /// File descriptor limit of the server process; -1 if unknown.
    public var maxFileDescriptorCount: Int64
    /// Time since the server started, ms (`srst` does not reset it).
    public var uptimeMs: Int64
    /// Probability of dropping new connections under load (0.0 = never).
    public var connectionDropProbability: Double
    /// Size of the last response sent, bytes; -1 before any.
    public var lastClientResponseSizeBytes: Int64
    /// Smallest response sent, bytes; -1 before any.
    public var minClientResponseSizeBytes: Int64
    /// Largest response sent, bytes; -1 before any.
    public var maxClientResponseSizeBytes: Int64
    /// TLS handshakes in progress (0 without TLS).
    public var outstandingTlsHandshakes: Int
    /// Failed authentication attempts.
    public var authFailedCount: Int64
    /// Non-mTLS connections from remote hosts (only counted with mTLS).
    public var nonMtlsRemoteConnCount: Int64
    /// Non-mTLS connections from the local host (only counted with mTLS).
    public var nonMtlsLocalConnCount: Int64
    /// Extra `zk_<key>` lines, printed after the gauges in this order.
    public var additionalMetrics: [MonitorMetric]
    /// A quorum member's own gauges (nil on a standalone server).
    public var quorum: QuorumMonitorFigures?

    public init(
        stats: ServerStatsSnapshot, ephemeralsCount: Int = 0, globalSessions: Int = 0, localSessions: Int = 0,
        watchCount: Int = 0, approximateDataSizeBytes: Int64 = 0, openFileDescriptorCount: Int64 = -1,
        maxFileDescriptorCount: Int64 = -1, uptimeMs: Int64 = 0, connectionDropProbability: Double = 0,
        lastClientResponseSizeBytes: Int64 = -1, minClientResponseSizeBytes: Int64 = -1,
        maxClientResponseSizeBytes: Int64 = -1, outstandingTlsHandshakes: Int = 0, authFailedCount: Int64 = 0,
        nonMtlsRemoteConnCount: Int64 = 0, nonMtlsLocalConnCount: Int64 = 0, additionalMetrics: [MonitorMetric] = [],
        quorum: QuorumMonitorFigures? = nil
    ) {
        self.stats = stats
        self.ephemeralsCount = ephemeralsCount
        self.globalSessions = globalSessions
        self.localSessions = localSessions
        self.watchCount = watchCount
        self.approximateDataSizeBytes = approximateDataSizeBytes
        self.openFileDescriptorCount = openFileDescriptorCount
        self.maxFileDescriptorCount = maxFileDescriptorCount
        self.uptimeMs = uptimeMs
        self.connectionDropProbability = connectionDropProbability
        self.lastClientResponseSizeBytes = lastClientResponseSizeBytes
        self.minClientResponseSizeBytes = minClientResponseSizeBytes
        self.maxClientResponseSizeBytes = maxClientResponseSizeBytes
        self.outstandingTlsHandshakes = outstandingTlsHandshakes
        self.authFailedCount = authFailedCount
        self.nonMtlsRemoteConnCount = nonMtlsRemoteConnCount
        self.nonMtlsLocalConnCount = nonMtlsLocalConnCount
        self.additionalMetrics = additionalMetrics
        self.quorum = quorum
    }
}

/// What a quorum member adds to mntr: `zk_peer_state` (Apache's
/// `QuorumZooKeeperServer.dumpMonitorValues`), `zk_quorum_size`, an observer's
/// `zk_observer_master_id` and the leader's gauges
/// (`LeaderZooKeeperServer.registerMetrics`). zkdash keeps no proposal-size
/// statistics and no leader start time, so the leader's
/// `zk_{last,min,max}_proposal_size` and `zk_leader_uptime` are not printed.
public struct QuorumMonitorFigures: Sendable, Equatable {
    /// `QuorumPeer.getDetailedPeerState`: the peer state, then the ZAB phase
    /// unless electing (`leading - broadcast`, `following - synchronization`,
    /// `looking`).
    public var peerState: String
    /// Voting members of the ensemble (Apache's `getVotingView().size()`).
    public var quorumSize: Int
    /// Observers: the sid of the server it learns from (the leader).
    public var observerMasterId: Int?
    /// Leader only.
    public var leader: LeaderMonitorFigures?

    public init(peerState: String, quorumSize: Int, observerMasterId: Int? = nil, leader: LeaderMonitorFigures? = nil) {
        self.peerState = peerState
        self.quorumSize = quorumSize
        self.observerMasterId = observerMasterId
        self.leader = leader
    }

    /// `getDetailedPeerState` from Apache's words: `state` is LOOKING /
    /// LEADING / FOLLOWING / OBSERVING, `zabPhase` discovery /
    /// synchronization / broadcast, nil while electing.
    public static func detailedPeerState(state: String, zabPhase: String?) -> String {
        let peer = state.lowercased()
        guard let zabPhase else { return peer }
        return peer + " - " + zabPhase.lowercased()
    }
}

/// The leader's mntr gauges.
public struct LeaderMonitorFigures: Sendable, Equatable {
    /// `zk_learners`: learners connected (followers and observers, synced or not).
    public var learners: Int
    /// `zk_synced_followers`: followers past synchronisation.
    public var syncedFollowers: Int
    /// `zk_synced_non_voting_followers`: followers outside the voting view
    /// (only during a reconfig in Apache; always 0 in zkdash).
    public var syncedNonVotingFollowers: Int
    /// `zk_synced_observers`: observers past synchronisation.
    public var syncedObservers: Int
    /// `zk_pending_syncs`: learners being synchronised now.
    public var pendingSyncs: Int

    public init(learners: Int, syncedFollowers: Int, syncedNonVotingFollowers: Int = 0, syncedObservers: Int, pendingSyncs: Int) {
        self.learners = learners
        self.syncedFollowers = syncedFollowers
        self.syncedNonVotingFollowers = syncedNonVotingFollowers
        self.syncedObservers = syncedObservers
        self.pendingSyncs = pendingSyncs
    }
}

/// One extra `zk_<key>\t<value>` line of mntr.
public struct MonitorMetric: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        /// Printed as a plain integer.
        case integer(Int64)
        /// Printed like Java's `Double.toString` (`0.0`, `1.9048`, `1.0E-4`).
        case double(Double)
        case text(String)
    }

    /// Key without the `zk_` prefix, e.g. `proposal_count`.
    public var key: String
    public var value: Value

    public init(key: String, value: Value) {
        self.key = key
        self.value = value
    }
    /// Apache's summary lines for `name`: `avg_` (AvgMinMaxCounter's average,
    /// rounded half-up to 4 decimals), `min_`, `max_`, `cnt_`, `sum_`; all
    /// zero without samples.
    public static func summary(_ name: String, count: Int64, sum: Int64, min: Int64, max: Int64) -> [MonitorMetric] {
        [MonitorMetric(key: "avg_" + name, value: .double(JavaFormat.apacheAverage(total: sum, count: count))),
         MonitorMetric(key: "min_" + name, value: .integer(min)),
         MonitorMetric(key: "max_" + name, value: .integer(max)),
         MonitorMetric(key: "cnt_" + name, value: .integer(count)),
         MonitorMetric(key: "sum_" + name, value: .integer(sum))]
    }
}
