import EnsembleModel

/// View 1: one row a node in sid order, then the selected node's detail.
enum EnsembleView {
    struct Column: Sendable {
        var title: String
        var width: Int
        /// Lower numbers stay when the screen is narrow.
        var priority: Int
        var rightAligned = false
        var cell: @Sendable (NodeStatus, ClusterModel, Int) -> (String, StyleRole)
        /// What `<` / `>` sort by: numbers where the column is one, else text;
        /// a node without the figure sorts last.
        var sortKey: @Sendable (NodeStatus) -> SortKey

        init(title: String, width: Int, priority: Int, rightAligned: Bool = false,
             sortKey: @escaping @Sendable (NodeStatus) -> SortKey,
             cell: @escaping @Sendable (NodeStatus, ClusterModel, Int) -> (String, StyleRole)) {
            self.title = title
            self.width = width
            self.priority = priority
            self.rightAligned = rightAligned
            self.sortKey = sortKey
            self.cell = cell
        }
    }

    enum SortKey: Comparable {
        case number(Double)
        case text(String)
        case missing
    }

    static func number<T: BinaryInteger>(_ value: T?) -> SortKey { value.map { .number(Double($0)) } ?? .missing }

    static let sparklineMinWidth = 10

    /// Priorities: lower stays longer when the screen is narrow; the
    /// packets/s sparkline (priority 2) keeps at least `sparklineMinWidth`.
    static let columns: [Column] = [
        Column(title: "SID", width: 3, priority: 0, rightAligned: true, sortKey: { number($0.sid) }) { node, _, _ in (node.sid.map(String.init) ?? "-", .normal) },
        Column(title: "ADDRESS", width: 15, priority: 0, sortKey: { .text($0.address.description) }) { node, _, _ in (node.address.description, .normal) },
        Column(title: "STATE", width: 11, priority: 0, sortKey: { .text($0.state.rawValue) }) { node, _, _ in (node.state.rawValue, role(for: node.state)) },
        Column(title: "ZXID", width: 11, priority: 1, sortKey: { number($0.zxid?.rawValue) }) { node, _, _ in (node.zxid?.hex ?? "-", .normal) },
        Column(title: "LAG", width: 10, priority: 1, sortKey: { number($0.lagTxns) }) { node, model, _ in lagCell(node, model) },
        Column(title: "LAT ms", width: 11, priority: 3, sortKey: { $0.latencyAvgMs.map(SortKey.number) ?? .missing }) { node, _, _ in (StatusTable.latencyText(node), .normal) },
        Column(title: "OUT", width: 4, priority: 4, rightAligned: true, sortKey: { number($0.outstanding) }) { node, _, _ in (node.outstanding.map(String.init) ?? "-", .normal) },
        Column(title: "CONN", width: 5, priority: 5, rightAligned: true, sortKey: { number($0.connections) }) { node, _, _ in (node.connections.map(String.init) ?? "-", .normal) },
        Column(title: "ZNODES", width: 7, priority: 6, rightAligned: true, sortKey: { number($0.znodes) }) { node, _, _ in (node.znodes.map(String.init) ?? "-", .normal) },
        Column(title: "WATCHES", width: 7, priority: 7, rightAligned: true, sortKey: { number($0.watches) }) { node, _, _ in (node.watches.map(String.init) ?? "-", .normal) },
    ]

    /// The columns that fit, in display order, and the sparkline's width.
    static func fit(_ width: Int) -> ([Column], Int) {
        var chosen = Set<Int>()
        var used = 0
        for (index, column) in columns.enumerated().sorted(by: { $0.element.priority < $1.element.priority }) {
            let needed = column.width + 1
            let reserve = column.priority == 0 ? 0 : sparklineMinWidth
            if used + needed + reserve <= width || column.priority == 0 {
                chosen.insert(index)
                used += needed
            }
        }
        let kept = columns.indices.filter(chosen.contains).map { columns[$0] }
        return (kept, max(0, width - used))
    }

    static func render(_ state: DashboardState, into buffer: inout CellBuffer, rect: Rect) {
        let model = state.cluster
        let (shown, sparkWidth) = fit(rect.width)
        var x = rect.x
        for column in shown {
            // The sorted column's title carries the direction.
            var title = column.title
            if let sort = state.ensembleSort, columns[sort.column].title == column.title { title += sort.descending ? "▼" : "▲" }
            put(title, column: column, x: x, y: rect.y, role: .header, into: &buffer)
            x += column.width + 1
        }
        if sparkWidth >= sparklineMinWidth { buffer.put("PACKETS/S", x: x, y: rect.y, role: .header, maxWidth: sparkWidth) }

        let rows = state.ensembleRows
        let tableRows = min(rows.count, Layout.ensembleTableRows(state.size), rect.height - 1)
        let first = max(0, min(state.ensembleSelection - tableRows + 1, rows.count - tableRows))
        for row in 0..<max(0, tableRows) {
            let index = rows[first + row]
            let node = model.nodes[index]
            let y = rect.y + 1 + row
            var x = rect.x
            for column in shown {
                let (text, role) = column.cell(node, model, index)
                put(text, column: column, x: x, y: y, role: role, into: &buffer)
                x += column.width + 1
            }
            if sparkWidth >= sparklineMinWidth {
                let values = model.histories[index].values(.packetsReceivedPerSecond)
                buffer.put(Sparkline.text(values, width: min(60, sparkWidth - 1)), x: x, y: y, role: .sparkline)
            }
            if first + row == state.ensembleSelection { buffer.paint(.selected, x: rect.x, y: y, width: rect.width) }
        }
        let detailTop = rect.y + 1 + tableRows + 1
        if let selected = state.selectedNodeIndex, detailTop < rect.maxY {
            renderDetail(model, index: selected, demo: state.demo,
                         into: &buffer, rect: Rect(x: rect.x, y: detailTop, width: rect.width, height: rect.maxY - detailTop))
        }
    }

    /// Member indices in the order `ensembleSort` asks (sid order without
    /// one); ties keep sid order.
    static func sortedRows(_ model: ClusterModel, by sort: EnsembleSort?) -> [Int] {
        let rows = model.rows
        guard let sort, columns.indices.contains(sort.column) else { return rows }
        let key = columns[sort.column].sortKey
        let keyed = rows.enumerated().map { (position: $0.offset, index: $0.element, key: key(model.nodes[$0.element])) }
        return keyed.sorted { a, b in
            if a.key == b.key { return a.position < b.position }
            if a.key == .missing { return false }
            if b.key == .missing { return true }
            return sort.descending ? a.key > b.key : a.key < b.key
        }.map(\.index)
    }

    static func put(_ text: String, column: Column, x: Int, y: Int, role: StyleRole, into buffer: inout CellBuffer) {
        let width = DisplayWidth.of(text)
        let start = column.rightAligned && width < column.width ? x + column.width - width : x
        buffer.put(text, x: start, y: y, role: role, maxWidth: column.width)
    }

    static func lagCell(_ node: NodeStatus, _ model: ClusterModel) -> (String, StyleRole) {
        if let behind = node.epochsBehind, behind > 0 { return ("\(behind) epoch\(behind == 1 ? "" : "s")", .warning) }
        guard let lag = node.lagTxns else { return ("-", .normal) }
        let threshold = model.settings.lagEventThresholdTxns
        let filled = lagBarBlocks(lag, threshold: threshold)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: lagBarWidth - filled)
        return ("\(bar) \(compact(lag))", lag >= threshold ? .warning : .lagBar)
    }

    static let lagBarWidth = 3

    /// An absolute scale, so a bar means the same on every row and every
    /// screen (not relative to the worst node, where a lag of 1 drew a full
    /// bar): none at 0, one block below a tenth of the lag-event threshold,
    /// two below the threshold, three at or above it (it is also an event).
    static func lagBarBlocks(_ lag: Int64, threshold: Int64) -> Int {
        switch lag {
        case ...0: 0
        case ..<max(2, threshold / 10): 1
        case ..<threshold: 2
        default: lagBarWidth
        }
    }

    /// 1204 → "1.2k": a lag count in six columns.
    static func compact(_ value: Int64) -> String {
        switch value {
        case ..<10_000: String(value)
        case ..<1_000_000: String(format: "%.1fk", Double(value) / 1000)
        default: String(format: "%.1fM", Double(value) / 1_000_000)
        }
    }

    static func renderDetail(_ model: ClusterModel, index: Int, demo: DemoStatus? = nil, into buffer: inout CellBuffer, rect: Rect) {
        let node = model.nodes[index]
        var lines: [(String, StyleRole)] = []
        var head = node.sid == nil ? "\(node.address) \(node.state.rawValue)" : "\(node.label) \(node.address) \(node.state.rawValue)"
        if let role = node.role { head += " · \(role.rawValue)" }
        if let version = node.version { head += " · \(version.split(separator: ",").first.map(String.init) ?? version)" }
        lines.append((head, role(for: node.state)))
        if let process = demo?.node(at: node.address) { lines.append(processLine(process)) }
        if let reason = node.reason { lines.append(("  \(reason)", node.state.isUp ? .dim : .error)) }
        if !node.refusedWords.isEmpty {
            lines.append(("  not in 4lw.commands.whitelist: \(node.refusedWords.map(\.rawValue).joined(separator: ", "))", .warning))
        }
        var identity: [String] = []
        if let zxid = node.zxid { identity.append("zxid \(zxid.hex) = epoch \(zxid.epoch), txn \(zxid.counter)") }
        if !node.aliases.isEmpty { identity.append("also reached as " + node.aliases.map(\.description).joined(separator: ", ")) }
        if !identity.isEmpty { lines.append(("  " + identity.joined(separator: " · "), .dim)) }
        if let problem = model.adminProblem(index) { lines.append(("  \(problem): not used", .dim)) }
        var figures: [String] = []
        if let rate = node.packetsReceivedPerSecond { figures.append(String(format: "%.0f pkts/s in", rate)) }
        if let rate = node.packetsSentPerSecond { figures.append(String(format: "%.0f out", rate)) }
        if let rate = node.txnsPerSecond { figures.append(String(format: "%.0f txns/s", rate)) }
        if let eph = node.ephemerals { figures.append("\(eph) ephemerals") }
        if let learners = node.learners { figures.append("\(learners) learners (\(node.syncedFollowers ?? 0) synced)") }
        if let poll = node.pollMs { figures.append(String(format: "poll %.0f ms", poll)) }
        if !figures.isEmpty { lines.append(("  " + figures.joined(separator: " · "), .normal)) }
        if let raw = node.raw, !raw.isEmpty {
            lines.append(("  answer: " + raw.split(whereSeparator: \.isNewline).joined(separator: " ⏎ "), .dim))
        }
        let history = model.histories[index]
        let sparkWidth = max(10, min(60, rect.width - 26))
        func trend(_ label: String, _ metric: Metric, _ unit: String) -> (String, StyleRole) {
            let current = history.values(metric).last.flatMap { $0 }.map { value in
                value == value.rounded() ? "\(Int(value))" : String(format: "%.1f", value)
            } ?? "-"
            return ("  " + ElectionView.pad(label, 13) + ElectionView.pad("\(current)\(unit)", 10) + Sparkline.text(history.values(metric), width: sparkWidth), .sparkline)
        }
        lines.append(trend("packets/s", .packetsReceivedPerSecond, ""))
        lines.append(trend("latency avg", .latencyAvgMs, " ms"))
        lines.append(trend("outstanding", .outstanding, ""))
        lines.append(trend("txns/s", .txnsPerSecond, ""))
        for (offset, line) in lines.prefix(rect.height).enumerated() {
            buffer.put(line.0, x: rect.x, y: rect.y + offset, role: line.1, maxWidth: rect.width)
        }
    }

    /// The demo's process behind a row, and what the keys do to it.
    static func processLine(_ process: DemoNode) -> (String, StyleRole) {
        let pid = process.pid.map { "pid \($0) " } ?? ""
        switch process.process {
        case .running where process.slowDisk || process.partitioned:
            let faults = (process.partitioned ? ["partitioned from its peers · N heals it"] : [])
                + (process.slowDisk ? ["slow disk (every fsync +200 ms) · S restores it"] : [])
            return ("  process \(pid)running · " + faults.joined(separator: " · ") + ", R restarts it", .warning)
        case .running: return ("  process \(pid)running · K kills, P pauses, S slows its disk, N partitions, R restarts it, D removes it, O changes its role", .dim)
        case .paused: return ("  process \(pid)paused (SIGSTOP) · P resumes it, K kills it", .warning)
        case .exited where process.removed: return ("  process stopped: removed from the ensemble by reconfig · A adds a new node", .dim)
        case .killed, .exited: return ("  process \(process.processText) · R starts it again", .warning)
        }
    }

    static func role(for state: NodeState) -> StyleRole {
        switch state {
        case .leading: .leading
        case .following: .following
        case .observing: .observing
        case .looking: .looking
        case .standalone: .standalone
        case .down: .down
        case .notServing: .notServing
        case .refused: .refused
        case .unknown: .unknown
        }
    }
}

/// ▁▂▃▄▅▆▇█ over the newest `width` values, scaled to their maximum.
public enum Sparkline {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public static func text(_ values: [Double?], width: Int) -> String {
        guard width > 0 else { return "" }
        let window = Array(values.suffix(width))
        let maxValue = window.compactMap { $0 }.max() ?? 0
        var out = String(repeating: " ", count: width - window.count)
        for value in window {
            guard let value else { out.append(" "); continue }
            let level = maxValue <= 0 ? 0 : Int((value / maxValue * Double(levels.count - 1)).rounded())
            out.append(levels[min(max(level, 0), levels.count - 1)])
        }
        return out
    }
}
