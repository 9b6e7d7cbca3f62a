import ZooKeeperProtocol
import ZooKeeperAdmin

/// Where a node's vote was learned.
public enum VoteSource: String, Sendable, Codable, Comparable {
    /// The embedded server's `vote` telemetry: the node's own current vote.
    case telemetry
    /// Apache AdminServer `/commands/leader` leader_id.
    case adminServer = "adminserver"
    /// Inferred: a follower supports the node that leads.
    case modes
    case none

    var rank: Int {
        switch self {
        case .telemetry: 3
        case .adminServer: 2
        case .modes: 1
        case .none: 0
        }
    }
    public static func < (a: VoteSource, b: VoteSource) -> Bool { a.rank < b.rank }
}

/// The monitor's view of one node after a poll: what the dashboard, the
/// status table and the JSON show.
public struct NodeStatus: Sendable, Equatable {
    public var address: NodeAddress
    public var sid: Int?
    public var role: PeerType?
    public var state: NodeState
    /// Why the state is what it is, when that needs saying (DOWN, REFUSED, …).
    public var reason: String?
    /// Words the node refused because they are not in its whitelist.
    public var refusedWords: [MonitorWord] = []
    /// The unreadable answer, for UNKNOWN nodes.
    public var raw: String?
    public var duplicateOf: NodeAddress?
    /// Other listed or discovered addresses that reach this same node (they
    /// share its row; see `ClusterModel.rows`).
    public var aliases: [NodeAddress] = []
    /// The sid the node itself reported this round (`conf` serverId or the
    /// AdminServer's myid); `sid` may also come from zoo.cfg or discovery.
    public var reportedSid: Int?

    public var version: String?
    public var zxid: Zxid?
    /// Transactions behind the leader (same epoch only).
    public var lagTxns: Int64?
    /// Epochs behind the leader: the node has not synced with the current leader.
    public var epochsBehind: Int64?
    public var latencyMinMs: Double?
    public var latencyAvgMs: Double?
    public var latencyMaxMs: Double?
    public var packetsReceived: Int64?
    public var packetsSent: Int64?
    public var connections: Int?
    public var outstanding: Int?
    public var znodes: Int64?
    public var watches: Int64?
    public var ephemerals: Int64?
    public var dataSizeBytes: Int64?
    /// Leader only (mntr): learners connected and synced followers.
    public var learners: Int64?
    public var syncedFollowers: Int64?

    /// Packets received / sent per second since the previous poll.
    public var packetsReceivedPerSecond: Double?
    public var packetsSentPerSecond: Double?
    /// Committed transactions per second (zxid counter growth).
    public var txnsPerSecond: Double?

    /// Whom this node supports as leader (a sid), and how we know.
    public var vote: Int?
    /// The supported candidate as the tally names it ("s3", or an address
    /// when the leader's sid is unknown).
    public var supports: String?
    public var voteSource: VoteSource = .none
    public var telemetry: ElectionTelemetry?
    /// The `server.N` membership from this node's `conf`.
    public var confMembers: [ServerEntry]?
    /// That membership's version (`conf`'s `version=`).
    public var confVersion: Int64?
    public var monitor: MonitorReport?
    public var clientConnections: ConnectionsReport?
    /// Sessions and their ephemerals from this node's `dump` (asked of one
    /// serving node, the leader when there is one, while the Clients view shows).
    public var sessionEphemerals: EphemeralsReport?
    public var adminAnswered = false
    /// Time the node took to answer this round.
    public var pollMs: Double?

    public init(address: NodeAddress, state: NodeState) {
        self.address = address
        self.state = state
    }

    /// "s3" when the sid is known, else the address: how events name a node.
    public var label: String { sid.map { "s\($0)" } ?? address.description }
}
