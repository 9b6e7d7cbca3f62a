/// The ensemble as a whole after a poll round.
public struct ClusterSummary: Sendable, Equatable {
    /// Where the voter count comes from.
    public enum MembershipSource: String, Sendable, Codable {
        /// A node's `conf` membership (server.N lines it runs with).
        case conf
        /// The zoo.cfg given with `--config`.
        case config
        /// The `--servers` list: every node not seen observing counts as a voter.
        case servers
    }

    public struct VoteCount: Sendable, Equatable {
        /// "s3", or the candidate's address when its sid is unknown.
        public var candidate: String
        public var votes: Int
        public var candidateSid: Int?

        public init(candidate: String, votes: Int, candidateSid: Int? = nil) {
            self.candidate = candidate
            self.votes = votes
            self.candidateSid = candidateSid ?? (candidate.hasPrefix("s") ? Int(candidate.dropFirst()) : nil)
        }
    }

    public var leaderIndex: Int?
    /// Nodes that say LEADING (more than one is a split the user must see).
    public var leaderCount = 0
    public var epoch: UInt32?
    public var votersUp = 0
    public var votersTotal = 0
    public var majority = 1
    /// Exactly one leader and a majority of voters serving with it.
    public var hasQuorum = false
    public var membershipSource = MembershipSource.servers
    public var voteSource = VoteSource.none
    /// Votes per candidate, most votes first.
    public var tally: [VoteCount] = []
    /// Why there is no healthy quorum, in words; nil when there is.
    public var problem: String?

    public init() {}
}
