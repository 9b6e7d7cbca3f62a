/// A server's role in the quorum, as Apache's `QuorumPeer.ServerState`.
public enum PeerState: String, Sendable, Equatable, CaseIterable {
    case looking = "LOOKING"
    case following = "FOLLOWING"
    case leading = "LEADING"
    case observing = "OBSERVING"
}

/// Whom a server proposes as leader: the candidate, the candidate's last zxid
/// and the candidate's epoch (Apache's `Vote`).
public struct Vote: Hashable, Sendable, CustomStringConvertible {
    public var leader: Int
    public var zxid: UInt64
    public var peerEpoch: UInt64

    public init(leader: Int, zxid: UInt64, peerEpoch: UInt64) {
        self.leader = leader
        self.zxid = zxid
        self.peerEpoch = peerEpoch
    }

    /// FLE's total order: higher epoch, then higher zxid, then higher sid wins.
    public func beats(_ other: Vote) -> Bool {
        if peerEpoch != other.peerEpoch { return peerEpoch > other.peerEpoch }
        if zxid != other.zxid { return zxid > other.zxid }
        return leader > other.leader
    }

    public var description: String { "s\(leader) (zxid \(Zxid(rawValue: zxid).hex), epoch \(peerEpoch))" }
}

/// One election message (Apache's `FastLeaderElection.Notification`): the
/// sender's current vote, its election round (logical clock) and its state.
public struct Notification: Hashable, Sendable {
    public var from: Int
    public var vote: Vote
    /// The sender's election round.
    public var round: UInt64
    public var state: PeerState
    /// The sender's membership text (Apache's notification version 2 carries
    /// its quorum verifier): how a server that missed a reconfig learns the
    /// voters it must hear from. Empty without reconfigEnabled.
    public var config: [UInt8]

    public init(from: Int, vote: Vote, round: UInt64, state: PeerState, config: [UInt8] = []) {
        self.from = from
        self.vote = vote
        self.round = round
        self.state = state
        self.config = config
    }
}

/// The version of a membership text: its last line, `version=<hex>`, as
/// Apache writes /zookeeper/config and its dynamic config files.
public enum ConfigVersion {
    public static func of(_ text: [UInt8]) -> Int64? {
        guard let start = text.lastIndex(of: UInt8(ascii: "\n")).map({ text.index(after: $0) }) ?? (text.isEmpty ? nil : 0) else { return nil }
        let line = String(decoding: text[start...], as: UTF8.self)
        guard line.hasPrefix("version=") else { return nil }
        return Int64(line.dropFirst("version=".count), radix: 16)
    }
}
