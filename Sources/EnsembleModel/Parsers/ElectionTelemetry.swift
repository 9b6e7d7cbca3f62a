import ZooKeeperProtocol
/// The embedded server's election telemetry, the `vote` four-letter word.
/// Apache has no equivalent; the format is zkdash's own (docs/monitoring.md):
///
///     state=LOOKING
///     round=3
///     vote leader=3 zxid=0x100000008 epoch=1 round=3
///     received from=1 leader=3 zxid=0x100000008 epoch=1 round=3 state=LOOKING age_ms=12
///     election start_ms=1763790000000 duration_ms=412 rounds=2 winner=3
///
/// `received` lines are this round's notifications; `election` lines are the
/// most recent finished elections, newest last, so an election that started and
/// ended between two polls is still seen.
public struct ElectionTelemetry: Sendable, Equatable {
    public struct Vote: Sendable, Equatable {
        public var leader: Int
        public var zxid: Zxid
        public var epoch: Int64
        public var round: Int64
    }

    public struct ReceivedVote: Sendable, Equatable {
        public var from: Int
        public var vote: Vote
        public var senderState: String?
        public var ageMs: Int64?
    }

    public struct Election: Sendable, Equatable {
        public var startMs: Int64
        public var durationMs: Int64
        public var rounds: Int64
        public var winner: Int
    }

    public var state: NodeState?
    public var round: Int64?
    public var currentVote: Vote?
    public var received: [ReceivedVote]
    public var elections: [Election]

    public static func parse(_ text: String) -> ReplyClass<ElectionTelemetry> {
        ReplyClass.classify(text, parse: parseReport)
    }

    static func parseReport(_ text: String) -> ElectionTelemetry? {
        var telemetry = ElectionTelemetry(received: [], elections: [])
        var sawAnything = false
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ")
            guard let kind = words.first else { continue }
            let fields = keyValues(words.dropFirst())
            switch kind {
            case "vote":
                guard let vote = vote(fields) else { return nil }
                telemetry.currentVote = vote
            case "received":
                guard let vote = vote(fields), let from = fields["from"].flatMap({ Int($0) }) else { return nil }
                telemetry.received.append(ReceivedVote(
                    from: from, vote: vote, senderState: fields["state"].map(String.init),
                    ageMs: fields["age_ms"].flatMap { Int64($0) }))
            case "election":
                guard let start = fields["start_ms"].flatMap({ Int64($0) }),
                      let duration = fields["duration_ms"].flatMap({ Int64($0) }),
                      let winner = fields["winner"].flatMap({ Int($0) }) else { return nil }
                telemetry.elections.append(Election(
                    startMs: start, durationMs: duration,
                    rounds: fields["rounds"].flatMap { Int64($0) } ?? 1, winner: winner))
            default:
                let single = keyValues([kind])
                if let state = single["state"] {
                    guard let parsed = NodeState(rawValue: String(state)) ?? NodeState(mode: state) else { return nil }
                    telemetry.state = parsed
                } else if let round = single["round"] {
                    telemetry.round = Int64(round)
                } else {
                    continue
                }
            }
            sawAnything = true
        }
        return sawAnything ? telemetry : nil
    }

    private static func keyValues(_ words: some Sequence<Substring>) -> [Substring: Substring] {
        var fields: [Substring: Substring] = [:]
        for word in words {
            guard let eq = word.firstIndex(of: "=") else { continue }
            fields[word[..<eq]] = word[word.index(after: eq)...]
        }
        return fields
    }

    private static func vote(_ fields: [Substring: Substring]) -> Vote? {
        guard let leader = fields["leader"].flatMap({ Int($0) }),
              let zxid = fields["zxid"].flatMap({ Zxid(text: $0) }) else { return nil }
        return Vote(
            leader: leader, zxid: zxid,
            epoch: fields["epoch"].flatMap { Int64($0) } ?? Int64(zxid.epoch),
            round: fields["round"].flatMap { Int64($0) } ?? 0)
    }
}
