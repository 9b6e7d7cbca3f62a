import EnsembleModel

/// View 3: each node's vote, the tally per candidate, and recent elections.
enum ElectionView {
    /// One line of the view; `stateSpan` paints the STATE column in the state's colour.
    struct Line {
        var text: String
        var role: StyleRole
        var stateSpan: (x: Int, width: Int, state: NodeState)?

        init(_ text: String, _ role: StyleRole, stateSpan: (x: Int, width: Int, state: NodeState)? = nil) {
            self.text = text
            self.role = role
            self.stateSpan = stateSpan
        }
    }

    /// The whole view as lines; `render` shows the window `electionScroll`
    /// selects, with a marker wherever lines are cut off.
    static func lines(_ state: DashboardState, width: Int) -> [Line] {
        let model = state.cluster
        let summary = model.summary
        var out: [Line] = [Line("VOTES (source: \(sourceText(summary.voteSource)))", .title)]
        // Wide enough for a node without a known sid, named by its address.
        let nodeWidth = min(24, max(8, (model.rows.map { DisplayWidth.of(model.nodes[$0].label) }.max() ?? 0) + 1))
        out.append(Line(pad("NODE", nodeWidth) + pad("STATE", 12) + pad("VOTES FOR", 11) + pad("ZXID", 14) + pad("EPOCH", 7) + "ROUND", .header))
        for index in model.rows {
            let node = model.nodes[index]
            let vote = node.telemetry?.currentVote
            var line = pad(node.label, nodeWidth)
            line += pad(node.state.rawValue, 12)
            line += pad(node.supports ?? "-", 11)
            line += pad(vote?.zxid.hex ?? node.zxid?.hex ?? "-", 14)
            line += pad(vote.map { String($0.epoch) } ?? node.zxid.map { String($0.epoch) } ?? "-", 7)
            line += vote.map { String($0.round) } ?? node.telemetry?.round.map(String.init) ?? "-"
            out.append(Line(line, node.role == .observer ? .dim : .normal, stateSpan: (nodeWidth, 11, node.state)))
        }
        out.append(Line("", .normal))
        out.append(Line("TALLY (voters \(summary.votersUp)/\(summary.votersTotal), majority \(summary.majority))", .title))
        let maxVotes = max(summary.votersTotal, summary.tally.map(\.votes).max() ?? 0)
        for count in summary.tally {
            let bar = String(repeating: "█", count: count.votes) + String(repeating: "·", count: max(0, maxVotes - count.votes))
            let winner = count.votes >= summary.majority
            out.append(Line("\(pad(count.candidate, 8))\(bar) \(count.votes)\(winner ? "  majority" : "")", winner ? .ok : .normal))
        }
        if summary.tally.isEmpty { out.append(Line("no votes known", .dim)) }
        if summary.voteSource == .telemetry {
            out.append(Line("", .normal))
            out.append(Line("VOTES RECEIVED IN THE ELECTION IN PROGRESS (how votes move)", .title))
            let moves = voteMoves(state)
            if moves.isEmpty {
                // A node can look alone (cut off from its peers): it is in an election, with nothing received.
                let looking = model.rows.map { model.nodes[$0] }.filter { $0.state == .looking }.map(\.label)
                out.append(Line(looking.isEmpty ? "no node is LOOKING: no election in progress"
                                : "\(looking.joined(separator: ", ")) LOOKING: no vote received from a peer this round", .dim))
            }
            out += moves.map { Line($0, .normal) }
        }
        out.append(Line("", .normal))
        out.append(Line("RECENT ELECTIONS (a new leader or a new epoch)", .title))
        out += electionLines(state).map { Line($0, .normal) }
        if summary.voteSource != .telemetry {
            out.append(Line("", .normal))
            let note = "Apache reports only whom a node follows (AdminServer leader_id, else its mode) and election-time "
                + "totals (mntr zk_*_election_time); votes in flight come from zkdash servers' vote telemetry."
            out += TextWrap.lines(note, width: width).map { Line($0, .dim) }
        }
        return out
    }

    /// Largest useful scroll: the last line at the bottom of the view.
    static func maxScroll(_ state: DashboardState) -> Int {
        let body = Layout.body(state.size)
        return max(0, lines(state, width: body.width).count - body.height)
    }

    static func render(_ state: DashboardState, into buffer: inout CellBuffer, rect: Rect) {
        let all = lines(state, width: rect.width)
        let first = min(state.electionScroll, max(0, all.count - rect.height))
        for (offset, line) in all.dropFirst(first).prefix(rect.height).enumerated() {
            let y = rect.y + offset
            buffer.put(line.text, x: rect.x, y: y, role: line.role, maxWidth: rect.width)
            if let span = line.stateSpan {
                buffer.paint(EnsembleView.role(for: span.state), x: rect.x + span.x, y: y, width: span.width)
            }
        }
        // Cut-off markers, so a view taller than the screen never looks complete.
        if first > 0 {
            let note = " ↑ \(first) more (k) "
            buffer.put(note, x: rect.maxX - DisplayWidth.of(note), y: rect.y, role: .highlight)
        }
        let below = all.count - first - rect.height
        if below > 0 {
            let note = " ↓ \(below) more (j) "
            buffer.put(note, x: rect.maxX - DisplayWidth.of(note), y: rect.maxY - 1, role: .highlight)
        }
    }

    /// The notifications each node in election received in its current round
    /// (zkdash telemetry only): who told it to vote for whom, newest last. A
    /// node that is not LOOKING is in no election, and a notification of an
    /// earlier round is history: neither is shown, so no line contradicts the
    /// nodes' own rows.
    static func voteMoves(_ state: DashboardState) -> [String] {
        var lines: [String] = []
        for index in state.cluster.rows {
            let node = state.cluster.nodes[index]
            guard let telemetry = node.telemetry, telemetry.state == .looking else { continue }
            for received in telemetry.received where telemetry.round.map({ received.vote.round >= $0 }) ?? true {
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

    /// Finished elections, oldest first: the embedded servers' records (one
    /// line per election, merging what each member recorded of it) and the
    /// monitor's election events that no record explains (Apache members, or a
    /// winner restarted since). A record counts only if the winner itself
    /// made it: a follower that rejoins runs its own election, finds the
    /// leader in place and records it, but the leader did not change.
    static func electionLines(_ state: DashboardState) -> [String] {
        let model = state.cluster
        var dated: [(timeMs: Int64, text: String)] = []
        let recorded = mergedElections(model.rows.map { model.nodes[$0] }).filter { $0.members.contains("s\($0.winner)") }
        for election in recorded {
            let low = election.durationsMs.min() ?? 0
            let high = election.durationsMs.max() ?? 0
            let took = low == high ? "\(low) ms" : "\(low)–\(high) ms"
            let witnesses = election.members.sorted().joined(separator: " ")
            dated.append((election.startMs, "\(Clock.text(election.startMs, offsetSeconds: state.timeZoneOffsetSeconds))  s\(election.winner) won after \(took), \(election.rounds) round(s) · seen by \(witnesses)"))
        }
        for event in model.eventLog.events where event.kind == .election {
            let winner = event.memberIndex.flatMap { model.nodes.indices.contains($0) ? model.nodes[$0].sid : nil }
            // The event is stamped when the monitor saw the leader, after the election ended.
            let explained = recorded.contains { election in
                election.winner == winner && event.timeMs >= election.startMs && event.timeMs - election.startMs <= 60_000
            }
            if !explained { dated.append((event.timeMs, "\(Clock.text(event.timeMs, offsetSeconds: state.timeZoneOffsetSeconds))  \(event.text)")) }
        }
        var lines = dated.sorted { $0.timeMs < $1.timeMs }.map(\.text)
        if let mntr = model.summary.leaderIndex.flatMap({ model.nodes[$0].monitor }), let count = mntr.electionTimeCount, count > 0 {
            let avg = mntr.electionTimeAvgMs.map { String(format: "%.0f", $0) } ?? "?"
            let max = mntr.electionTimeMaxMs.map { String(format: "%.0f", $0) } ?? "?"
            lines.append("leader's zk_election_time: \(count) election(s), avg \(avg) ms, max \(max) ms")
        }
        return lines.isEmpty ? ["none seen since the dashboard started"] : lines.suffix(20)
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
