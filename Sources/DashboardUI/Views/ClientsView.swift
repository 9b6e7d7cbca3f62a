import EnsembleModel

/// View 5: every client connection of every node, from `cons` (zktop's
/// table, for the whole ensemble): the node, the client's address, its
/// session, what it has queued, sent and received, its latency and last
/// operation. `cons` is asked only while this view is on screen.
enum ClientsView {
    struct Line: Equatable {
        var text: String
        var role: StyleRole
        var session: UInt64? = nil
    }

    static let header = pad("NODE", 5) + pad("CLIENT", 24) + pad("SESSION", 19) + padLeft("TO ms", 7) + padLeft("QUEUED", 7)
        + padLeft("RECV", 9) + padLeft("SENT", 9) + padLeft("AVG ms", 8) + "  LAST OP"

    static func lines(_ state: DashboardState) -> [Line] {
        let model = state.cluster
        var lines: [Line] = []
        var waiting = 0
        for index in model.rows {
            let node = model.nodes[index]
            // A standalone node has no sid: "-" in the column, its address on its own lines.
            let name = node.sid.map { "s\($0)" } ?? "-"
            let longName = node.sid.map { "s\($0)" } ?? node.address.description
            if node.refusedWords.contains(.cons) {
                lines.append(Line(text: "\(longName): cons is not in 4lw.commands.whitelist", role: .warning))
                continue
            }
            guard node.state.isUp else {
                lines.append(Line(text: "\(longName): \(node.state.rawValue)", role: .dim))
                continue
            }
            guard let report = node.clientConnections else {
                waiting += 1
                continue
            }
            for connection in report.connections.sorted(by: { $0.remoteAddress < $1.remoteAddress }) {
                let session = connection.sessionId.map { "0x" + String($0, radix: 16) } ?? "(handshake)"
                let text = pad(name, 5) + pad(connection.remoteAddress, 24) + pad(session, 19)
                    + padLeft(connection.timeoutMs.map(String.init) ?? "-", 7) + padLeft(connection.queued.map(String.init) ?? "-", 7)
                    + padLeft(connection.received.map(String.init) ?? "-", 9) + padLeft(connection.sent.map(String.init) ?? "-", 9)
                    + padLeft(connection.avgLatencyMs.map { String(format: "%.1f", $0) } ?? "-", 8) + "  " + (connection.lastOperation ?? "-")
                let role: StyleRole = connection.sessionId != nil && connection.sessionId == state.clientsSession ? .selected
                    : (connection.queued ?? 0) > 0 ? .warning : .normal
                lines.append(Line(text: text, role: role, session: connection.sessionId))
            }
        }
        if waiting > 0 { lines.append(Line(text: "asking \(waiting) node\(waiting == 1 ? "" : "s") for cons…", role: .dim)) }
        return lines
    }

    static func render(_ state: DashboardState, into buffer: inout CellBuffer, rect: Rect) {
        let all = lines(state)
        let connections = state.cluster.rows.reduce(0) { $0 + (state.cluster.nodes[$1].clientConnections?.connections.count ?? 0) }
        buffer.put(header, x: rect.x, y: rect.y, role: .header, maxWidth: rect.width)
        let start = min(state.clientsScroll, max(0, all.count - 1))
        for (offset, line) in all.dropFirst(start).prefix(max(0, rect.height - 2)).enumerated() {
            buffer.put(line.text, x: rect.x, y: rect.y + 1 + offset, role: line.role, maxWidth: rect.width)
        }
        let footer = "\(connections) connection\(connections == 1 ? "" : "s") on \(state.cluster.rows.count) node\(state.cluster.rows.count == 1 ? "" : "s") (cons, asked while this view shows)"
        buffer.put(footer, x: rect.x, y: rect.maxY - 1, role: .dim, maxWidth: rect.width)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        let cut = text.count >= width ? String(text.prefix(width - 1)) : text
        return cut + String(repeating: " ", count: width - cut.count)
    }

    static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }
}
