import Foundation

/// The `zkdash status --json` document (contract in docs/monitoring.md): one
/// object per round, keys in a stable order, absent values as null.
public enum StatusJSON {
    public static func document(_ model: ClusterModel, events: [MonitorEvent], timeMs: Int64) -> [String: Any] {
        let summary = model.summary
        let leader = summary.leaderIndex.map { model.nodes[$0] }
        var tally: [String: Any] = [:]
        // Keyed by sid ("3") as scripts compare it with `sid`; by address when unknown.
        for count in summary.tally { tally[count.candidateSid.map(String.init) ?? count.candidate] = count.votes }
        return [
            "time": isoTime(timeMs),
            "leader": json(leader?.address.description),
            "leader_sid": json(leader?.sid),
            "epoch": json(summary.epoch.map(Int.init)),
            "quorum": summary.hasQuorum,
            "problem": json(summary.problem),
            "voters_up": summary.votersUp,
            "voters_total": summary.votersTotal,
            "majority": summary.majority,
            "membership_source": summary.membershipSource.rawValue,
            "votes": ["source": summary.voteSource.rawValue, "tally": tally] as [String: Any],
            "nodes": model.nodes.map(node),
            "events": events.map { ["time": isoTime($0.timeMs), "kind": $0.kind.rawValue, "text": $0.text] },
        ]
    }

    static func node(_ status: NodeStatus) -> [String: Any] {
        let latency: Any = status.latencyAvgMs == nil ? NSNull() : [
            "min": json(status.latencyMinMs), "avg": json(status.latencyAvgMs), "max": json(status.latencyMaxMs),
        ] as [String: Any]
        return [
            "server": status.address.description,
            "sid": json(status.sid),
            "role": json(status.role?.rawValue),
            "state": status.state.rawValue,
            "reason": json(status.reason),
            "refused": status.refusedWords.map(\.rawValue),
            "zxid": json(status.zxid?.hex),
            "epoch": json(status.zxid.map { Int($0.epoch) }),
            "counter": json(status.zxid.map { Int($0.counter) }),
            "lag": json(status.lagTxns),
            "epochs_behind": json(status.epochsBehind),
            "latency_ms": latency,
            "connections": json(status.connections),
            "outstanding": json(status.outstanding),
            "znodes": json(status.znodes),
            "watches": json(status.watches),
            "ephemerals": json(status.ephemerals),
            "packets_received": json(status.packetsReceived),
            "packets_sent": json(status.packetsSent),
            "packets_received_per_s": json(status.packetsReceivedPerSecond),
            "txns_per_s": json(status.txnsPerSecond),
            "version": json(status.version),
            "vote": json(status.vote),
            "vote_source": status.voteSource.rawValue,
            "admin": status.adminAnswered,
            "duplicate_of": json(status.duplicateOf?.description),
            "raw": json(status.raw),
            "poll_ms": json(status.pollMs.map { ($0 * 10).rounded() / 10 }),
        ]
    }

    public static func encode(_ document: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func json<T>(_ value: T?) -> Any { value.map { $0 as Any } ?? NSNull() }

    static func isoTime(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
