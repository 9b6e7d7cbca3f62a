/// What the `vote` four-letter word reports (format in docs/monitoring.md):
/// the current vote, the notifications received in the current round, and the
/// last elections with start, duration, rounds and winner — kept so an
/// election that began and ended between two polls can still be replayed.
public struct ElectionRecorder: Sendable {
    public struct Received: Sendable, Equatable {
        public var notification: Notification
        public var atMs: Int64
    }

    public struct Election: Sendable, Equatable {
        public var startMs: Int64
        public var durationMs: Int64
        public var rounds: Int
        public var winner: Int
    }

    public let historyCapacity: Int
    public private(set) var received: [Int: Received] = [:]
    public private(set) var elections: [Election] = []
    private var electionStartMs: Int64?
    private var firstRound: UInt64 = 0
    private var round: UInt64 = 0

    public init(historyCapacity: Int = 10) {
        self.historyCapacity = historyCapacity
    }

    /// An election began (the server started looking) in `round`.
    public mutating func started(round: UInt64, nowMs: Int64) {
        electionStartMs = nowMs
        firstRound = round
        self.round = round
        received = [:]
    }

    /// A notification arrived; a newer round forgets the older one's votes.
    public mutating func received(_ notification: Notification, round currentRound: UInt64, nowMs: Int64) {
        if currentRound != round {
            round = currentRound
            received = [:]
        }
        received[notification.from] = Received(notification: notification, atMs: nowMs)
    }

    /// The election ended with `winner`.
    public mutating func decided(winner: Int, round finalRound: UInt64, nowMs: Int64) {
        guard let start = electionStartMs else { return }
        let rounds = Int(max(finalRound, firstRound) - firstRound) + 1
        elections.append(Election(startMs: start, durationMs: nowMs - start, rounds: rounds, winner: winner))
        if elections.count > historyCapacity { elections.removeFirst(elections.count - historyCapacity) }
        electionStartMs = nil
    }

    /// The `vote` answer.
    public func render(state: PeerState, round currentRound: UInt64, vote: Vote, nowMs: Int64) -> String {
        var lines = ["state=\(state.rawValue)", "round=\(currentRound)"]
        lines.append("vote leader=\(vote.leader) zxid=\(Zxid(rawValue: vote.zxid).hex) epoch=\(vote.peerEpoch) round=\(currentRound)")
        for sid in received.keys.sorted() {
            let entry = received[sid]!
            let n = entry.notification
            lines.append("received from=\(sid) leader=\(n.vote.leader) zxid=\(Zxid(rawValue: n.vote.zxid).hex) epoch=\(n.vote.peerEpoch) "
                + "round=\(n.round) state=\(n.state.rawValue) age_ms=\(max(0, nowMs - entry.atMs))")
        }
        for election in elections {
            lines.append("election start_ms=\(election.startMs) duration_ms=\(election.durationMs) rounds=\(election.rounds) winner=\(election.winner)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

}
