/// `?`: every key, in a box over the current view.
enum HelpView {
    /// Kept to 19 lines so the box fits an 80×24 terminal (at most 20).
    static let sections: [(String, [(String, String)])] = [
        ("Everywhere", [
            ("1 2 3 4", "Ensemble, Tree, Election, Events"), ("Tab Shift-Tab", "next / previous view"),
            ("↑↓ jk g G PgUp/Dn", "move in lists: line, first / last, page"), ("t  + -  space", "theme; refresh slower / faster; freeze"),
            ("mouse", "click a tab or a row; the wheel scrolls"), ("? / q Ctrl-C", "this help (any key closes) / quit"),
        ]),
        ("Ensemble", [
            ("↑ ↓  j k", "select the node detailed below the table"),
            ("K R P  L", "zkdash demo: kill (y/n) / restart / pause; load"),
        ]),
        ("Tree", [
            ("Enter → l  ← h", "open, to first child / close, to parent"),
            ("/  n N  f", "search paths, next / previous match; filter"),
            ("v  p  J K", "data as hex; JSON pretty / raw; scroll it"),
            ("c e d D  r", "create / edit / delete (D: a subtree), y/n; reload"),
            ("g s C M  a", "go to a path; size; copy, move a subtree; add auth"),
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
        buffer.fill(Rect(x: x, y: y, width: width, height: height), role: .normal)
        let horizontal = String(repeating: "─", count: max(0, width - 2))
        buffer.put("┌" + horizontal + "┐", x: x, y: y, role: .border)
        buffer.put("└" + horizontal + "┘", x: x, y: y + height - 1, role: .border)
        for row in 1..<max(1, height - 1) {
            buffer.put("│", x: x, y: y + row, role: .border)
            buffer.put("│", x: x + width - 1, y: y + row, role: .border)
        }
        for (offset, line) in lines.prefix(height - 2).enumerated() {
            buffer.put(line.0, x: x + 2, y: y + 1 + offset, role: line.1, maxWidth: width - 4)
        }
    }
}
