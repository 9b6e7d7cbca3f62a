/// `?`: every key, in a box over the current view.
enum HelpView {
    /// Kept to 19 lines so the box fits an 80×24 terminal (at most 20).
    static let sections: [(String, [(String, String)])] = [
        ("Everywhere", [
            ("1 2 3 4 5", "Ensemble, Tree, Election, Events, Clients"), ("Tab Shift-Tab", "next / previous view"),
            ("↑↓ jk g G PgUp/Dn", "move in lists: line, first / last, page"), ("t  + -  space", "theme; refresh slower / faster; freeze"),
            ("mouse", "click a tab or a row; the wheel scrolls"), ("? : q Ctrl-C", "help; commands (:goto :4lw :ctx :theme, Tab); quit"),
        ]),
        ("Ensemble", [
            ("↑ ↓ j k  < > !", "select a node (detail below); sort by a column"),
            ("K R P S N  L", "demo: kill/restart/pause/slow disk/partition; load"),
            ("A D O", "demo: add node / remove it / swap voter-observer"),
        ]),
        ("Tree", [
            ("Enter → l  ← h", "open, to first child / close, to parent"),
            ("/  n N  f", "search paths, next / previous match; filter"),
            ("v  p  J K", "data as hex; JSON pretty / raw; scroll it"),
            ("c e E d D  r", "create; edit (E $EDITOR); delete (D subtree); reload"),
            ("g s y o C M a", "go to; size; yank path; owner; copy/move; auth"),
            ("in a prompt", "← → Home End move, Ctrl-U clears to the start"),
        ]),
        ("Election, Events", [("↑ ↓  f  /  w", "scroll; Events: kinds, search, write to a file")]),
    ]

    static func render(_ state: DashboardState, into buffer: inout CellBuffer) {
        var lines: [(String, StyleRole)] = [("zkdash keys", .title)]
        for (title, keys) in sections {
            lines.append((title, .header))
            for (key, meaning) in keys { lines.append(("  " + ElectionView.pad(key, 19) + meaning, .normal)) }
        }
        let width = min(state.size.columns - 2, (lines.map { DisplayWidth.of($0.0) }.max() ?? 0) + 4)
        let height = min(state.size.rows - 2, lines.count + 2)
        let x = max(0, (state.size.columns - width) / 2)
        let y = max(0, (state.size.rows - height) / 2)
        Box.draw(Rect(x: x, y: y, width: width, height: height), into: &buffer)
        for (offset, line) in lines.prefix(height - 2).enumerated() {
            buffer.put(line.0, x: x + 2, y: y + 1 + offset, role: line.1, maxWidth: width - 4)
        }
    }
}

/// A box of text over the view (`:4lw`'s answer): its title, the lines from
/// `scroll` on, and how to close it.
enum OverlayView {
    static func render(_ overlay: TextOverlay, size: ScreenSize, into buffer: inout CellBuffer) {
        let width = max(20, size.columns - 4)
        let height = max(5, size.rows - 4)
        let rect = Rect(x: (size.columns - width) / 2, y: (size.rows - height) / 2, width: width, height: height)
        Box.draw(rect, into: &buffer)
        buffer.put(overlay.title + "  (↑↓ scroll, any other key closes)", x: rect.x + 2, y: rect.y + 1, role: .title, maxWidth: width - 4)
        let visible = height - 3
        for (offset, line) in overlay.lines.dropFirst(overlay.scroll).prefix(visible).enumerated() {
            buffer.put(line.replacingTabs(), x: rect.x + 2, y: rect.y + 2 + offset, role: .normal, maxWidth: width - 4)
        }
    }
}

/// A bordered, filled box (help and overlays).
enum Box {
    static func draw(_ rect: Rect, into buffer: inout CellBuffer) {
        buffer.fill(rect, role: .normal)
        let horizontal = String(repeating: "─", count: max(0, rect.width - 2))
        buffer.put("┌" + horizontal + "┐", x: rect.x, y: rect.y, role: .border)
        buffer.put("└" + horizontal + "┘", x: rect.x, y: rect.y + rect.height - 1, role: .border)
        for row in 1..<max(1, rect.height - 1) {
            buffer.put("│", x: rect.x, y: rect.y + row, role: .border)
            buffer.put("│", x: rect.x + rect.width - 1, y: rect.y + row, role: .border)
        }
    }
}

extension String {
    /// Tabs as 4 spaces (wchc / dump indent with tabs; a cell holds one column).
    func replacingTabs() -> String { split(separator: "\t", omittingEmptySubsequences: false).joined(separator: "    ") }
}
