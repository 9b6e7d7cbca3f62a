import EnsembleModel

/// View 5: every client connection of every node, from `cons` (zktop's
/// table, for the whole ensemble): the node, the client's address, its
/// session, what it has queued, sent and received, its latency and last
/// operation. Below it, every session that owns ephemerals, from one serving
/// node's `dump` (the leader's when there is one), with its client's
/// connection when a node's `cons` lists it. `cons` and `dump` are asked only
/// while this view is on screen.
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
        lines += sessionLines(state)
        return lines
    }

    static let sessionsHeader = pad("SESSION", 19) + padLeft("EPHEMERALS", 10) + "  " + pad("CLIENT", 30) + "PATHS"

    /// The sessions that own ephemerals, each with its client (the node and
    /// address of the connection holding it) and its paths.
    static func sessionLines(_ state: DashboardState) -> [Line] {
        let model = state.cluster
        guard let source = model.rows.first(where: { model.nodes[$0].sessionEphemerals != nil }),
              let report = model.nodes[source].sessionEphemerals else {
            if model.rows.contains(where: { model.nodes[$0].refusedWords.contains(.dump) }) {
                return [Line(text: "", role: .normal), Line(text: "sessions with ephemerals: dump is not in 4lw.commands.whitelist", role: .warning)]
            }
            return []
        }
        var clients: [UInt64: String] = [:]
        var everyNodeAnswered = true
        for index in model.rows where model.nodes[index].state.isUp {
            let node = model.nodes[index]
            guard let cons = node.clientConnections else { everyNodeAnswered = false; continue }
            // A lone standalone server needs no name; several are told apart by address.
            let name = node.sid.map { " on s\($0)" } ?? (model.rows.count == 1 ? "" : " on \(node.address)")
            for connection in cons.connections {
                if let session = connection.sessionId { clients[session] = connection.remoteAddress + name }
            }
        }
        let sourceName = model.nodes[source].sid.map { "s\($0)" } ?? model.nodes[source].address.description
        let sessions = report.sessions.count
        var lines = [
            Line(text: "", role: .normal),
            Line(text: "SESSIONS WITH EPHEMERALS: \(sessions) session\(sessions == 1 ? "" : "s"), \(report.ephemeralCount) ephemeral\(report.ephemeralCount == 1 ? "" : "s") (\(sourceName)'s dump)", role: .title),
            Line(text: sessionsHeader, role: .header),
        ]
        for session in report.sessions {
            // A session no node lists is disconnected: it expires unless its client comes back in time.
            let client = clients[session.sessionId] ?? (everyNodeAnswered ? "no connection: disconnected" : "-")
            let text = pad("0x" + String(session.sessionId, radix: 16), 19) + padLeft(String(session.paths.count), 10) + "  "
                + pad(client, 30) + session.paths.joined(separator: ", ")
            let role: StyleRole = session.sessionId == state.clientsSession ? .selected : clients[session.sessionId] == nil && everyNodeAnswered ? .warning : .normal
            lines.append(Line(text: text, role: role, session: session.sessionId))
        }
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
        let footer = "\(connections) connection\(connections == 1 ? "" : "s") on \(state.cluster.rows.count) node\(state.cluster.rows.count == 1 ? "" : "s") (cons and dump, asked while this view shows)"
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
