import ZooKeeperAdmin

/// The event log's entries: what changed between rounds, in causal order
/// (docs/monitoring.md, "Events").
extension ClusterModel {
    // MARK: - events

    mutating func logStateChanges(from previous: [NodeStatus], at timeMs: Int64) {
        for index in members.indices where members[index].duplicateOf == nil && index < previous.count {
            let before = previous[index].state
            let after = nodes[index].state
            guard before != after, previous[index].reason != "not polled yet" else { continue }
            var text = "\(nodes[index].label) \(before.rawValue) → \(after.rawValue)"
            if !after.isUp, let reason = nodes[index].reason { text += " (\(reason))" }
            // A leader leaving is what sends its followers out of service.
            let rank: EventRank = [.leading, .following, .observing, .standalone].contains(after) ? .arrival
                : before == .leading ? .leaderDeparture : .departure
            record(rank, MonitorEvent(timeMs: timeMs, kind: .state, memberIndex: index, text: text))
        }
    }

    private func leaderIdentity(_ index: Int) -> String {
        nodes[index].sid.map { "sid \($0)" } ?? members[index].address.normalizedKey
    }

    /// An election is a new leader or a new epoch, compared with the last
    /// leader seen (not the last round: a leader paused past a poll's deadline
    /// and resumed in time leads the same epoch, and a follower that rejoins
    /// changes neither).
    mutating func logLeaderChange(at timeMs: Int64) {
        guard let leader = summary.leaderIndex, nodes[leader].state == .leading else { return }
        let key = leaderIdentity(leader)
        let sameLeader = key == leaderKey && (summary.epoch == nil || leaderEpoch == nil || summary.epoch == leaderEpoch)
        guard !sameLeader else { return }
        var text = "\(nodes[leader].label) elected"
        if let epoch = summary.epoch { text += " (epoch \(epoch))" }
        if let duration = electionDurationMs(leader: leader) {
            text += " after \(NumberText.grouped(duration.ms)) ms\(duration.note)"
        } else if let since = leaderlessSinceMs {
            text += " — no leader seen for \(NumberText.grouped(timeMs - since)) ms"
        }
        record(.election, MonitorEvent(timeMs: timeMs, kind: .election, memberIndex: leader, text: text))
    }

    /// The monitor's first line: every node's state, the leader and the quorum,
    /// so later changes have a starting point. When the leader is a zkdash
    /// server, the election that made it leader is replayed first from its own
    /// record, at the time it ended.
    mutating func logInitialState(at timeMs: Int64) {
        initialStateLogged = true
        everHadQuorum = summary.hasQuorum
        if let leader = summary.leaderIndex, nodes[leader].state == .leading,
           let won = nodes[leader].telemetry?.elections.last(where: { $0.winner == nodes[leader].sid }) {
            var text = "\(nodes[leader].label) elected"
            if let epoch = summary.epoch { text += " (epoch \(epoch))" }
            text += " after \(NumberText.grouped(won.durationMs)) ms, \(won.rounds) round(s), before the monitor started"
            record(.replayed, MonitorEvent(timeMs: min(timeMs, won.startMs + won.durationMs), kind: .election,
                                           memberIndex: leader, text: text))
        }
        let states = rows.map { "\(nodes[$0].label) \(nodes[$0].state.rawValue)" }.joined(separator: ", ")
        var text = "watching \(rows.count) node(s): \(states)"
        if let leader = summary.leaderIndex {
            text += " · leader \(nodes[leader].label)" + (summary.epoch.map { " (epoch \($0))" } ?? "")
        } else {
            text += " · no leader"
        }
        text += summary.hasQuorum ? " · QUORUM OK" : " · NO QUORUM: \(summary.problem ?? "unknown")"
        record(.initial, MonitorEvent(timeMs: timeMs, kind: .initial, text: text))
    }

    mutating func record(_ rank: EventRank, _ event: MonitorEvent) {
        roundEvents.append((rank, event))
    }

    /// The most precise election time known: the embedded server's own record,
    /// else Apache's election-time summary when exactly one election was added.
    private func electionDurationMs(leader: Int) -> (ms: Int64, note: String)? {
        let node = nodes[leader]
        if let record = node.telemetry?.elections.last, record.winner == node.sid {
            return (record.durationMs, "")
        }
        if let mntr = node.monitor, let count = mntr.electionTimeCount, let sum = mntr.electionTimeSumMs,
           let countBefore = bookkeeping[leader].electionCount, let sumBefore = bookkeeping[leader].electionSumMs,
           count - countBefore == 1 {
            return (Int64((sum - sumBefore).rounded()), " (zk_election_time)")
        }
        return nil
    }

    mutating func updateLeaderTracking(at timeMs: Int64) {
        if let leader = summary.leaderIndex, nodes[leader].state == .leading {
            leaderKey = leaderIdentity(leader)
            leaderEpoch = summary.epoch ?? leaderEpoch
            leaderlessSinceMs = nil
        } else if summary.leaderIndex == nil, leaderlessSinceMs == nil {
            leaderlessSinceMs = timeMs
        }
    }

    /// "formed" the first time (a demo starting: nothing was lost), "regained"
    /// only after a loss.
    mutating func logQuorumChange(at timeMs: Int64) {
        let serving = "\(summary.votersUp) of \(summary.votersTotal) voters serving"
        if summary.hasQuorum {
            record(.quorumFormed, MonitorEvent(timeMs: timeMs, kind: .quorum,
                                               text: (everHadQuorum ? "quorum regained: " : "quorum formed: ") + serving))
            everHadQuorum = true
        } else {
            record(.quorumLost, MonitorEvent(timeMs: timeMs, kind: .quorum, text: "quorum lost: \(summary.problem ?? "no quorum")"))
        }
    }

    mutating func logLag(at timeMs: Int64) {
        let threshold = settings.lagEventThresholdTxns
        for index in countedIndices {
            guard let lag = nodes[index].lagTxns else { continue }
            if !bookkeeping[index].lagAlarm, lag >= threshold {
                bookkeeping[index].lagAlarm = true
                record(.lag, MonitorEvent(
                    timeMs: timeMs, kind: .lag, memberIndex: index,
                    text: "\(nodes[index].label) lag \(NumberText.grouped(lag)) txns"))
            } else if bookkeeping[index].lagAlarm, lag < threshold / 2 {
                bookkeeping[index].lagAlarm = false
                record(.lag, MonitorEvent(
                    timeMs: timeMs, kind: .lag, memberIndex: index,
                    text: "\(nodes[index].label) caught up (lag \(NumberText.grouped(lag)) txns)"))
            }
        }
    }
}
