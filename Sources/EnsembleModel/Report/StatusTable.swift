/// The human `zkdash status` table: one row a node, then a summary line.
public enum StatusTable {
    static let headers = ["SID", "SERVER", "STATE", "ZXID", "LAG", "LATENCY min/avg/max", "CONNS", "OUTST", "ZNODES", "WATCHES", "NOTE"]

    public static func render(_ model: ClusterModel) -> String {
        var rows = [headers]
        for index in model.rows {
            let status = model.nodes[index]
            rows.append([
                status.sid.map(String.init) ?? "-",
                status.address.description,
                status.state.rawValue,
                status.zxid?.hex ?? "-",
                lagText(status),
                latencyText(status),
                status.connections.map(String.init) ?? "-",
                status.outstanding.map(String.init) ?? "-",
                status.znodes.map(String.init) ?? "-",
                status.watches.map(String.init) ?? "-",
                note(status),
            ])
        }
        var widths = [Int](repeating: 0, count: headers.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        let rightAligned: Set<Int> = [0, 4, 6, 7, 8, 9]
        var out = ""
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                let isLast = i == row.count - 1
                line += rightAligned.contains(i) ? pad + cell : (isLast ? cell : cell + pad)
                if !isLast { line += "  " }
            }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        out += summaryLine(model) + "\n"
        return out
    }

    static func lagText(_ status: NodeStatus) -> String {
        if let behind = status.epochsBehind, behind > 0 { return "\(behind) epoch\(behind == 1 ? "" : "s") behind" }
        return status.lagTxns.map { NumberText.grouped($0) } ?? "-"
    }

    /// `min/avg/max` in ms as Apache's `srvr` prints them, with the average at
    /// one decimal always ("0/0.0/6", "2/3.7/12"), on every node and every
    /// surface (table, dashboard, JSON readers); "-" when unknown.
    public static func latencyText(_ status: NodeStatus) -> String {
        guard let avg = status.latencyAvgMs else { return "-" }
        func whole(_ v: Double?) -> String { v.map { String(Int($0.rounded())) } ?? "?" }
        return "\(whole(status.latencyMinMs))/\(String(format: "%.1f", avg))/\(whole(status.latencyMaxMs))"
    }

    static func note(_ status: NodeStatus) -> String {
        var parts: [String] = []
        if let reason = status.reason { parts.append(reason) }
        if !status.aliases.isEmpty { parts.append("also reached as " + status.aliases.map(\.description).joined(separator: ", ")) }
        if status.role == .observer, status.state != .observing { parts.append("observer") }
        if !status.refusedWords.isEmpty, status.state != .refused {
            parts.append("refused: " + status.refusedWords.map(\.rawValue).joined(separator: ","))
        }
        if let raw = status.raw, !raw.isEmpty {
            let oneLine = raw.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ")
            parts.append("answer: \"\(oneLine.prefix(60))\"")
        }
        return parts.joined(separator: "; ")
    }

    public static func summaryLine(_ model: ClusterModel) -> String {
        let summary = model.summary
        var parts: [String] = []
        if let index = summary.leaderIndex {
            let leader = model.nodes[index]
            parts.append(leader.sid == nil ? "leader \(leader.address)" : "leader \(leader.label) (\(leader.address))")
        } else {
            parts.append("no leader")
        }
        if let epoch = summary.epoch { parts.append("epoch \(epoch)") }
        parts.append("voters \(summary.votersUp)/\(summary.votersTotal) serving, quorum needs \(summary.majority) (membership from \(summary.membershipSource.rawValue))")
        if !summary.tally.isEmpty {
            let tally = summary.tally.map { "\($0.candidate)×\($0.votes)" }.joined(separator: " ")
            parts.append("votes (\(summary.voteSource.rawValue)): \(tally)")
        }
        parts.append(summary.hasQuorum ? "QUORUM OK" : "NO QUORUM: \(summary.problem ?? "unknown")")
        return parts.joined(separator: " · ")
    }
}
