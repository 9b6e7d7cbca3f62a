import Foundation

/// The `zkdash status --json` document (contract in docs/monitoring.md): one
/// object per round, keys in a stable order, absent values as null.
public enum StatusJSON {
    public static func document(_ model: ClusterModel, events: [MonitorEvent], timeMs: Int64) -> JSONValue {
        let summary = model.summary
        let leader = summary.leaderIndex.map { model.nodes[$0] }
        // Keyed by sid ("3") as scripts compare it with `sid`; by address when unknown.
        let tally = summary.tally.map { (count: ClusterSummary.VoteCount) in
            (count.candidateSid.map(String.init) ?? count.candidate, JSONValue.int(Int64(count.votes)))
        }
        return .object([
            ("time", .string(isoTime(timeMs))),
            ("leader", JSONValue(leader?.address.description)),
            ("leader_sid", JSONValue(leader?.sid)),
            ("epoch", JSONValue(summary.epoch)),
            ("quorum", .bool(summary.hasQuorum)),
            ("problem", JSONValue(summary.problem)),
            ("voters_up", .int(Int64(summary.votersUp))),
            ("voters_total", .int(Int64(summary.votersTotal))),
            ("majority", .int(Int64(summary.majority))),
            ("membership_source", .string(summary.membershipSource.rawValue)),
            ("votes", .object([("source", .string(summary.voteSource.rawValue)), ("tally", .object(tally))])),
            ("nodes", .array(model.rows.map { node(model.nodes[$0]) })),
            ("events", .array(events.map { event in
                .object([("time", .string(isoTime(event.timeMs))), ("kind", .string(event.kind.rawValue)), ("text", .string(event.text))])
            })),
        ])
    }

    static func node(_ status: NodeStatus) -> JSONValue {
        let latency: JSONValue = status.latencyAvgMs == nil ? .null : .object([
            ("min", JSONValue(status.latencyMinMs)), ("avg", JSONValue(status.latencyAvgMs)), ("max", JSONValue(status.latencyMaxMs)),
        ])
        return .object([
            ("server", .string(status.address.description)),
            ("sid", JSONValue(status.sid)),
            ("role", JSONValue(status.role?.rawValue)),
            ("state", .string(status.state.rawValue)),
            ("reason", JSONValue(status.reason)),
            ("refused", .array(status.refusedWords.map { .string($0.rawValue) })),
            ("zxid", JSONValue(status.zxid?.hex)),
            ("epoch", JSONValue(status.zxid?.epoch)),
            ("counter", JSONValue(status.zxid?.counter)),
            ("lag", JSONValue(status.lagTxns)),
            ("epochs_behind", JSONValue(status.epochsBehind)),
            ("latency_ms", latency),
            ("connections", JSONValue(status.connections)),
            ("outstanding", JSONValue(status.outstanding)),
            ("znodes", JSONValue(status.znodes)),
            ("watches", JSONValue(status.watches)),
            ("ephemerals", JSONValue(status.ephemerals)),
            ("packets_received", JSONValue(status.packetsReceived)),
            ("packets_sent", JSONValue(status.packetsSent)),
            ("packets_received_per_s", JSONValue(status.packetsReceivedPerSecond)),
            ("txns_per_s", JSONValue(status.txnsPerSecond)),
            ("version", JSONValue(status.version)),
            ("vote", JSONValue(status.vote)),
            ("vote_source", .string(status.voteSource.rawValue)),
            ("admin", .bool(status.adminAnswered)),
            ("aliases", .array(status.aliases.map { .string($0.description) })),
            ("raw", JSONValue(status.raw)),
            ("poll_ms", JSONValue(status.pollMs.map { ($0 * 10).rounded() / 10 })),
        ])
    }

    /// `2026-11-22T04:52:16.182Z` (UTC). Formatted by hand: a formatter object
    /// per round cost more than the rest of the document.
    static func isoTime(_ ms: Int64) -> String {
        var seconds = time_t(ms / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(ms % 1000))
    }

    /// `04:52:16` in local time, for the table's event lines.
    public static func clockTime(_ ms: Int64) -> String {
        var seconds = time_t(ms / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(format: "%02d:%02d:%02d", Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
