import EnsembleMonitor

/// View 3: each node's vote, the tally per candidate, and recent elections.
enum ElectionView {
    static func render(_ state: DashboardState, into buffer: inout CellBuffer, rect: Rect) {
        let model = state.cluster
        var y = rect.y
        let summary = model.summary
        buffer.put("VOTES (source: \(sourceText(summary.voteSource)))", x: rect.x, y: y, role: .title)
        y += 1
        let header = pad("NODE", 8) + pad("STATE", 12) + pad("VOTES FOR", 11) + pad("ZXID", 12) + pad("EPOCH", 7) + "ROUND"
        buffer.put(header, x: rect.x, y: y, role: .header, maxWidth: rect.width)
        y += 1
        for node in model.nodes where node.duplicateOf == nil && y < rect.maxY {
            let vote = node.telemetry?.currentVote
            var line = pad(node.label, 8)
            line += pad(node.state.rawValue, 12)
            line += pad(node.supports ?? "-", 11)
            line += pad(vote?.zxid.hex ?? node.zxid?.hex ?? "-", 12)
            line += pad(vote.map { String($0.epoch) } ?? node.zxid.map { String($0.epoch) } ?? "-", 7)
            line += vote.map { String($0.round) } ?? node.telemetry?.round.map(String.init) ?? "-"
            buffer.put(line, x: rect.x, y: y, role: node.role == .observer ? .dim : .normal, maxWidth: rect.width)
            buffer.paint(EnsembleView.role(for: node.state), x: rect.x + 8, y: y, width: 11)
            y += 1
        }
        y += 1
        guard y < rect.maxY else { return }
        buffer.put("TALLY (voters \(summary.votersUp)/\(summary.votersTotal), majority \(summary.majority))", x: rect.x, y: y, role: .title)
        y += 1
        let maxVotes = max(summary.votersTotal, summary.tally.map(\.votes).max() ?? 0)
        for count in summary.tally where y < rect.maxY {
            let bar = String(repeating: "█", count: count.votes) + String(repeating: "·", count: max(0, maxVotes - count.votes))
            let winner = count.votes >= summary.majority
            buffer.put("\(pad(count.candidate, 8))\(bar) \(count.votes)\(winner ? "  majority" : "")", x: rect.x, y: y,
                       role: winner ? .ok : .normal, maxWidth: rect.width)
            y += 1
        }
        if summary.tally.isEmpty, y < rect.maxY {
            buffer.put("no votes known", x: rect.x, y: y, role: .dim)
            y += 1
        }
        let moves = voteMoves(state)
        if !moves.isEmpty, y + 1 < rect.maxY {
            y += 1
            buffer.put("VOTES RECEIVED THIS ROUND (how votes moved)", x: rect.x, y: y, role: .title)
            y += 1
            for line in moves where y < rect.maxY {
                buffer.put(line, x: rect.x, y: y, role: .normal, maxWidth: rect.width)
                y += 1
            }
        }
        y += 1
        guard y < rect.maxY else { return }
        buffer.put("RECENT ELECTIONS", x: rect.x, y: y, role: .title)
        y += 1
        for line in electionLines(state) where y < rect.maxY {
            buffer.put(line, x: rect.x, y: y, role: .normal, maxWidth: rect.width)
            y += 1
        }
        if summary.voteSource != .telemetry {
            y += 1
            let note = "Apache reports only whom a node follows (AdminServer leader_id, else its mode) and election-time "
                + "totals (mntr zk_*_election_time); votes in flight come from zkdash servers' vote telemetry."
            for line in TextWrap.lines(note, width: rect.width) where y < rect.maxY {
                buffer.put(line, x: rect.x, y: y, role: .dim)
                y += 1
            }
        }
    }

    /// The notifications each node received in its current round (zkdash
    /// telemetry only): who told it to vote for whom, newest last.
    static func voteMoves(_ state: DashboardState) -> [String] {
        var lines: [String] = []
        for node in state.cluster.nodes where node.duplicateOf == nil {
            for received in node.telemetry?.received ?? [] {
                // An observer votes for nobody (leader Long.MIN_VALUE, as in Apache).
                let vote = received.vote.leader >= 0 ? "vote s\(received.vote.leader)" : "no vote (observer)"
                var line = "\(node.label) ← s\(received.from): \(vote)"
                line += " zxid \(received.vote.zxid.hex) epoch \(received.vote.epoch) round \(received.vote.round)"
                if let senderState = received.senderState { line += " (\(senderState))" }
                if let age = received.ageMs { line += " \(age) ms ago" }
                lines.append(line)
            }
        }
        return lines
    }

    /// Finished elections: the embedded servers' records when present (one
    /// line per election, merging what each member recorded of it), else the
    /// monitor's election events.
    static func electionLines(_ state: DashboardState) -> [String] {
        let model = state.cluster
        var lines: [String] = []
        for election in mergedElections(model.nodes) {
            let low = election.durationsMs.min() ?? 0
            let high = election.durationsMs.max() ?? 0
            let took = low == high ? "\(low) ms" : "\(low)–\(high) ms"
            let witnesses = election.members.sorted().joined(separator: " ")
            lines.append("\(Clock.text(election.startMs, offsetSeconds: state.timeZoneOffsetSeconds))  s\(election.winner) won after \(took), \(election.rounds) round(s) · seen by \(witnesses)")
        }
        if lines.isEmpty {
            for event in model.eventLog.events where event.kind == .election {
                lines.append("\(Clock.text(event.timeMs, offsetSeconds: state.timeZoneOffsetSeconds))  \(event.text)")
            }
        }
        if let mntr = model.summary.leaderIndex.flatMap({ model.nodes[$0].monitor }), let count = mntr.electionTimeCount, count > 0 {
            let avg = mntr.electionTimeAvgMs.map { String(format: "%.0f", $0) } ?? "?"
            let max = mntr.electionTimeMaxMs.map { String(format: "%.0f", $0) } ?? "?"
            lines.append("leader's zk_election_time: \(count) election(s), avg \(avg) ms, max \(max) ms")
        }
        return lines.isEmpty ? ["none seen since the dashboard started"] : lines.suffix(8)
    }

    struct MergedElection {
        var startMs: Int64
        var winner: Int
        var durationsMs: [Int64]
        var rounds: Int64
        /// The members that recorded it (sN, or ? before a member's sid is known).
        var members: Set<String>
    }

    /// Each member keeps its own record of an election; records with the same
    /// winner that started within 2 s of each other are one election.
    static func mergedElections(_ nodes: [NodeStatus]) -> [MergedElection] {
        var records: [(member: String, record: ElectionTelemetry.Election)] = []
        for node in nodes {
            for record in node.telemetry?.elections ?? [] { records.append((node.sid.map { "s\($0)" } ?? "?", record)) }
        }
        var merged: [MergedElection] = []
        for (member, record) in records.sorted(by: { $0.record.startMs < $1.record.startMs }) {
            if var last = merged.last, last.winner == record.winner, record.startMs - last.startMs <= 2000 {
                last.durationsMs.append(record.durationMs)
                last.rounds = max(last.rounds, record.rounds)
                last.members.insert(member)
                merged[merged.count - 1] = last
            } else {
                merged.append(MergedElection(startMs: record.startMs, winner: record.winner, durationsMs: [record.durationMs],
                                             rounds: record.rounds, members: [member]))
            }
        }
        return merged
    }

    static func sourceText(_ source: VoteSource) -> String {
        switch source {
        case .telemetry: "zkdash vote telemetry"
        case .adminServer: "AdminServer leader_id"
        case .modes: "inferred from modes"
        case .none: "none"
        }
    }

    static func pad(_ text: String, _ width: Int) -> String {
        let w = DisplayWidth.of(text)
        return w >= width ? String(text.prefix(width - 1)) + " " : text + String(repeating: " ", count: width - w)
    }
}

/// Greedy word wrap for notes.
enum TextWrap {
    static func lines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if DisplayWidth.of(candidate) <= width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
