/// What the monitor says about one node, in the words operators know from
/// Apache's `QuorumPeer.ServerState` plus the ways polling can fail.
public enum NodeState: String, Sendable, CaseIterable, Codable {
    case looking = "LOOKING"
    case leading = "LEADING"
    case following = "FOLLOWING"
    case observing = "OBSERVING"
    case standalone = "STANDALONE"
    /// No TCP answer: refused, timed out, or the name does not resolve.
    case down = "DOWN"
    /// Apache's "This ZooKeeper instance is not currently serving requests":
    /// in election or cut off from its quorum, and no source said LOOKING.
    case notServing = "NOT SERVING"
    /// `srvr` (and every other source of the mode) is not in the whitelist.
    case refused = "REFUSED"
    /// An answer that could not be read; the raw text is kept.
    case unknown = "UNKNOWN"

    /// A node that is part of a working quorum and serves clients.
    public var isServingInQuorum: Bool { self == .leading || self == .following }

    /// The node answered and is a running server (whatever its role).
    public var isUp: Bool {
        switch self {
        case .looking, .leading, .following, .observing, .standalone, .notServing: true
        case .down, .refused, .unknown: false
        }
    }

    /// Apache's `srvr` / mntr `zk_server_state` mode words.
    init?(mode: some StringProtocol) {
        switch mode.trimmingWhitespace().lowercased() {
        case "leader", "leading": self = .leading
        case "follower", "following": self = .following
        case "observer", "observing": self = .observing
        case "standalone": self = .standalone
        case "looking": self = .looking
        default: return nil
        }
    }
}
