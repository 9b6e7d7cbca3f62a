/// Where the tree view's parts go inside the body: the tree on the left with
/// its status line under it and the detail on the right (100 columns and
/// more), else the tree above the detail.
public enum TreeLayout {
    public struct Panes: Equatable, Sendable {
        /// Tree rows (without the status line).
        public var tree: Rect
        public var statusY: Int
        public var detail: Rect
        /// A vertical divider column, or a horizontal divider row.
        public var divider: Rect
        public var sideBySide: Bool
    }

    public static func panes(_ rect: Rect) -> Panes {
        if rect.width >= 100 {
            let treeWidth = max(40, rect.width * 45 / 100)
            return Panes(
                tree: Rect(x: rect.x, y: rect.y, width: treeWidth - 1, height: rect.height - 1),
                statusY: rect.maxY - 1,
                detail: Rect(x: rect.x + treeWidth + 2, y: rect.y, width: rect.width - treeWidth - 2, height: rect.height),
                divider: Rect(x: rect.x + treeWidth, y: rect.y, width: 1, height: rect.height),
                sideBySide: true)
        }
        let treeHeight = max(2, (rect.height - 1) * 9 / 20)
        return Panes(
            tree: Rect(x: rect.x, y: rect.y, width: rect.width, height: treeHeight - 1),
            statusY: rect.y + treeHeight - 1,
            detail: Rect(x: rect.x, y: rect.y + treeHeight + 1, width: rect.width, height: rect.height - treeHeight - 1),
            divider: Rect(x: rect.x, y: rect.y + treeHeight, width: rect.width, height: 1),
            sideBySide: false)
    }

    /// Tree rows on a screen of this size (for `TreeState.viewportRows`).
    public static func treeRows(for size: ScreenSize) -> Int {
        max(1, panes(Layout.body(size)).tree.height)
    }

    /// First row shown: the state's scroll, moved so the selection is on screen
    /// when the real height differs from `viewportRows`.
    static func windowTop(_ state: TreeState, rows: Int) -> Int {
        var top = state.scrollTop
        if state.selectedIndex >= top + rows { top = state.selectedIndex - rows + 1 }
        if state.selectedIndex < top { top = state.selectedIndex }
        return max(0, min(top, max(0, state.rowCount - rows)))
    }
}

public enum TreeRenderer {
    public static func render(_ state: TreeState, into buffer: inout CellBuffer, rect: Rect, nowMs: Int64) {
        guard rect.width > 0, rect.height > 2 else { return }
        let panes = TreeLayout.panes(rect)
        renderTree(state, into: &buffer, rect: panes.tree, nowMs: nowMs)
        renderStatus(state, into: &buffer, x: panes.tree.x, y: panes.statusY, width: panes.tree.width)
        if panes.sideBySide {
            for y in panes.divider.y..<panes.divider.maxY { buffer.put("│", x: panes.divider.x, y: y, role: .border) }
        } else {
            buffer.put(String(repeating: "─", count: panes.divider.width), x: panes.divider.x, y: panes.divider.y, role: .border)
        }
        renderDetail(state, into: &buffer, rect: panes.detail)
    }

    // MARK: Tree

    static func renderTree(_ state: TreeState, into buffer: inout CellBuffer, rect: Rect, nowMs: Int64) {
        guard rect.height > 0 else { return }
        let top = TreeLayout.windowTop(state, rows: rect.height)
        let needle = state.filter.lowercased()
        for (offset, row) in state.rows(top..<(top + rect.height)).enumerated() {
            let y = rect.y + offset
            let node = state.nodes[row.path]
            let stat = state.stats[row.path]
            var x = rect.x + min(2 * row.depth, max(0, rect.width - 12))
            // A node known to have no children shows no marker, opened or not:
            // Enter on a leaf must not draw it as an open branch (issue 13).
            let knownLeaf = node?.children.map { $0.isEmpty } ?? (stat?.numChildren == 0)
            let marker: String
            if knownLeaf {
                marker = " "
            } else if node?.expanded == true {
                marker = node?.loading == true && node?.children == nil ? "…" : "▾"
            } else {
                marker = "▸"
            }
            x += buffer.put(marker + " ", x: x, y: y, role: .dim, maxWidth: rect.maxX - x)
            let nameRole: StyleRole
            if let stat, stat.isContainer {
                nameRole = .container
            } else if let stat, stat.isEphemeral {
                nameRole = .ephemeral
            } else if TreePath.isSequential(row.name) {
                nameRole = .sequential
            } else {
                nameRole = .normal
            }
            let nameX = x
            x += buffer.put(row.name, x: x, y: y, role: nameRole, maxWidth: rect.maxX - x)
            if !needle.isEmpty, row.path != "/", let range = row.name.lowercased().range(of: needle) {
                let start = DisplayWidth.of(row.name.lowercased()[..<range.lowerBound])
                let width = DisplayWidth.of(row.name.lowercased()[range])
                buffer.paint(.match, x: nameX + start, y: y, width: min(width, rect.maxX - nameX - start))
            }
            let count = node?.children?.count ?? stat.map { Int($0.numChildren) }
            if let count, count > 0 {
                x += buffer.put(" (\(count))", x: x, y: y, role: .dim, maxWidth: rect.maxX - x)
            }
            var flags: [String] = []
            if let stat {
                if stat.isEphemeral { flags.append("e") }
                if stat.isContainer { flags.append("c") }
                if stat.isTTL { flags.append("ttl") }
            }
            if TreePath.isSequential(row.name) { flags.append("s") }
            if !flags.isEmpty {
                x += buffer.put(" [" + flags.joined(separator: ",") + "]", x: x, y: y, role: nameRole, maxWidth: rect.maxX - x)
            }
            if let error = node?.error {
                buffer.put(" ! " + error, x: x, y: y, role: .error, maxWidth: rect.maxX - x)
            }
            if let until = state.highlights[row.path], until > nowMs {
                buffer.paint(.changed, x: nameX, y: y, width: min(DisplayWidth.of(row.name), rect.maxX - nameX))
            }
            if offset + top == state.selectedIndex {
                buffer.paint(.selected, x: rect.x, y: y, width: rect.width)
            }
        }
    }

    static func renderStatus(_ state: TreeState, into buffer: inout CellBuffer, x: Int, y: Int, width: Int) {
        let position = "\(state.selectedIndex + 1)/\(state.rowCount)"
        if let prompt = state.prompt {
            guard prompt.capturesText else {
                buffer.put(prompt.label, x: x, y: y, role: .warning, maxWidth: width)
                return
            }
            // The label takes at most half the line; the field scrolls in the rest.
            let labelWidth = buffer.put(prompt.label, x: x, y: y, role: .highlight, maxWidth: max(1, width / 2))
            let note = state.searchNote.map { "  " + $0 } ?? ""
            let noteWidth = DisplayWidth.of(note)
            let fieldWidth = width - labelWidth - (noteWidth <= width / 4 ? noteWidth : 0)
            // A password is never drawn: what follows the first ":" shows as dots.
            let field = prompt == .addAuth ? state.field.masked(after: ":") : state.field
            let used = buffer.put(field.window(width: fieldWidth), x: x + labelWidth, y: y, role: .highlight, maxWidth: fieldWidth)
            if !note.isEmpty {
                buffer.put(note, x: x + labelWidth + used, y: y, role: .warning, maxWidth: width - labelWidth - used)
            }
            return
        }
        var left: String
        var role = StyleRole.dim
        if let message = state.message {
            left = message
            role = state.messageIsError ? .warning : .normal
        } else if !state.filter.isEmpty {
            left = "filter: \(state.filter) (/ edit, Esc clears)"
            role = .match
        } else {
            left = state.connection
        }
        let positionWidth = DisplayWidth.of(position)
        if width > positionWidth + 4 {
            buffer.put(position, x: x + width - positionWidth, y: y, role: .dim)
            buffer.put(left, x: x, y: y, role: role, maxWidth: width - positionWidth - 1)
        } else {
            buffer.put(left, x: x, y: y, role: role, maxWidth: width)
        }
    }

    // MARK: Detail

    static func renderDetail(_ state: TreeState, into buffer: inout CellBuffer, rect: Rect) {
        guard rect.height > 0, rect.width > 0 else { return }
        // The fields, then the data: text and JSON lines were formatted when the
        // node arrived; hex lines are made for the rows shown only. A frame
        // costs the rows on screen, not the size of the data.
        let header = detailLines(state, width: rect.width)
        let data = state.detail?.path == state.selectedPath && state.detailError == nil ? state.detail?.data : nil
        let perLine = NodeData.hexBytesPerLine(width: rect.width)
        let dataCount: Int
        if let data, state.dataDisplay == .hex {
            dataCount = data.isEmpty ? 1 : (data.count + perLine - 1) / perLine
        } else {
            dataCount = data == nil ? 0 : state.dataLines.count
        }
        let total = header.count + dataCount
        func line(_ index: Int) -> (text: String, role: StyleRole) {
            if index < header.count { return header[index] }
            let position = index - header.count
            if let data, state.dataDisplay == .hex {
                return (data.isEmpty ? "(empty)" : NodeData.hexLine(data, offset: position * perLine, perLine: perLine), .normal)
            }
            return (state.dataLines[position], .normal)
        }
        // The path stays; J / K scroll the rest.
        let scroll = max(0, min(state.detailScroll, total - rect.height))
        var indices = [0] + Array((1 + scroll)..<max(1 + scroll, min(total, 1 + scroll + rect.height - 1)))
        var more = 0
        if total - scroll > rect.height {
            more = total - scroll - rect.height + 1
            indices.removeLast()
        }
        for (offset, index) in indices.enumerated() {
            let entry = line(index)
            // A long line (a 1 MB value without newlines) is cut before it is measured.
            buffer.put(entry.text.prefix(rect.width + 1), x: rect.x, y: rect.y + offset, role: entry.role, maxWidth: rect.width)
        }
        if more > 0 {
            buffer.put("… \(more) more lines (J/K scroll)", x: rect.x, y: rect.y + indices.count, role: .dim, maxWidth: rect.width)
        }
    }

    /// The detail's fields and the data's title line (the data lines come apart).
    static func detailLines(_ state: TreeState, width: Int) -> [(text: String, role: StyleRole)] {
        var lines: [(text: String, role: StyleRole)] = [(state.selectedPath, .header)]
        if let error = state.detailError {
            lines.append((error, .error))
            if state.deniedPath == state.selectedPath {
                // Which ACL keeps it closed, who this session is, and the way in.
                if let acl = state.deniedACL {
                    lines.append(("ACL " + aclText(acl), .normal))
                } else {
                    lines.append(("ACL: not readable either (getACL needs READ or ADMIN)", .dim))
                }
                lines.append(sessionLine(state))
                lines.append(("a: add a digest identity (user:password), then it is read again", .dim))
            }
            return lines
        }
        guard let detail = state.detail, detail.path == state.selectedPath else {
            lines.append(("loading…", .dim))
            return lines
        }
        let stat = detail.stat
        var owner = "ephemeralOwner 0x\(hex(stat.ephemeralOwner))"
        if stat.isContainer { owner += " (container)" } else if stat.isTTL { owner += " (TTL)" } else if stat.isEphemeral { owner += " (ephemeral)" }
        let groups = [
            ["czxid 0x\(hex(stat.czxid))", "mzxid 0x\(hex(stat.mzxid))", "pzxid 0x\(hex(stat.pzxid))"],
            ["ctime \(isoTime(stat.ctime))", "mtime \(isoTime(stat.mtime))"],
            ["version \(stat.version)", "cversion \(stat.cversion)", "aversion \(stat.aversion)",
             "dataLength \(stat.dataLength)", "numChildren \(stat.numChildren)"],
        ]
        for group in groups { lines += pack(group, width: width).map { ($0, .normal) } }
        lines.append((owner, stat.isEphemeral ? .ephemeral : stat.isContainer ? .container : .normal))
        lines.append(("ACL " + aclText(detail.acl), .normal))
        lines.append(sessionLine(state))
        if let size = state.subtreeSizes[detail.path] { lines.append(("subtree " + size.text, .normal)) }
        if let holder = lockHolder(state, of: detail.path) { lines.append(holder) }
        switch state.watchers {
        case nil: lines.append(("watchers …", .dim))
        case .sessions(let ids)?:
            lines.append(("watchers " + (ids.isEmpty ? "none" : ids.map { "0x" + hex($0) }.joined(separator: ", ")), .normal))
        case .unavailable(let why)?: lines.append(("watchers: \(why)", .dim))
        }
        lines.append((dataTitle(state, byteCount: detail.data?.count ?? 0), .header))
        return lines
    }

    /// A lock or election recipe (sequential children): the lowest one holds
    /// it. "lock held by lock-0000000007 (session 0x…, o jumps to it)".
    static func lockHolder(_ state: TreeState, of path: String) -> (text: String, role: StyleRole)? {
        guard let children = state.nodes[path]?.children, !children.isEmpty else { return nil }
        let sequential = children.filter(TreePath.isSequential)
        guard sequential.count * 2 >= children.count,
              let lowest = sequential.min(by: { $0.suffix(10) < $1.suffix(10) }) else { return nil }
        let waiting = sequential.count - 1
        let queue = waiting > 0 ? ", \(waiting) waiting" : ""
        guard let stat = state.stats[TreePath.child(path, lowest)] else {
            return ("lowest sequential child \(lowest)\(queue) (its owner shows once its row is listed)", .dim)
        }
        guard stat.isEphemeral else { return ("lowest sequential child \(lowest)\(queue) (persistent: no owner)", .normal) }
        return ("lock held by \(lowest) (session 0x\(hex(stat.ephemeralOwner))\(queue))", .ephemeral)
    }

    static func aclText(_ acl: [TreeACLEntry]) -> String {
        acl.isEmpty ? "(none)" : acl.map { "\($0.scheme):\($0.id) \($0.permsText)" }.joined(separator: ", ")
    }

    /// "session ip:127.0.0.1, digest:bob": the identities ACLs are checked against.
    static func sessionLine(_ state: TreeState) -> (text: String, role: StyleRole) {
        if let identities = state.identities { return ("session " + identities.joined(separator: ", "), .normal) }
        return ("session: " + (state.identitiesNote ?? "…"), .dim)
    }

    /// "data (JSON, 17 bytes; p raw, v hex)", "data (binary, 3 bytes; hex)": what
    /// the data is and the keys that change how it shows.
    static func dataTitle(_ state: TreeState, byteCount: Int) -> String {
        let kind = state.dataKind
        let size = "\(byteCount) byte\(byteCount == 1 ? "" : "s")"
        switch (kind, state.dataDisplay) {
        case (.null, _), (.empty, _): return "data (\(kind.title))"
        case (.binary, _): return "data (binary, \(size); hex)"
        case (.json, .prettyJSON): return "data (JSON, \(size); p raw, v hex)"
        case (.json, .text): return "data (JSON raw, \(size); p pretty, v hex)"
        case (.text, .text): return "data (text, \(size), \(state.dataLines.count) line\(state.dataLines.count == 1 ? "" : "s"); v hex)"
        default: return "data (\(kind.title), \(size), hex; v \(kind == .json ? "JSON" : "text"))"
        }
    }

    // MARK: Formatting

    /// Segments joined by two spaces into lines of at most `width` columns.
    static func pack(_ segments: [String], width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for segment in segments {
            if line.isEmpty {
                line = segment
            } else if DisplayWidth.of(line) + 2 + DisplayWidth.of(segment) <= width {
                line += "  " + segment
            } else {
                lines.append(line)
                line = segment
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// Lower-case hex without leading zeros (as Apache prints zxids and sessions).
    static func hex(_ value: Int64) -> String {
        String(UInt64(bitPattern: value), radix: 16)
    }

    /// UTC ISO 8601 with milliseconds; "-" for 0.
    static func isoTime(_ ms: Int64) -> String {
        guard ms != 0 else { return "-" }
        let seconds = Int64((Double(ms) / 1000).rounded(.down))
        let millis = ms - seconds * 1000
        let (year, month, day, secondOfDay) = Clock.civil(seconds * 1000, offsetSeconds: 0)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(Int(millis), 3))Z"
    }
}
