import EnsembleModel

/// Tabs, the ensemble banner and the footer: on every view.
enum FrameView {
    static func renderTabs(_ state: DashboardState, into buffer: inout CellBuffer) {
        buffer.fill(Rect(x: 0, y: Layout.tabRow, width: state.size.columns, height: 1), role: .tabInactive)
        var x = 0
        for (view, title) in Layout.tabTitles() {
            x += buffer.put(title, x: x, y: Layout.tabRow, role: view == state.view ? .tabActive : .tabInactive)
        }
        let target = "\(state.targetDescription) · \(Clock.text(state.lastPollMs, offsetSeconds: state.timeZoneOffsetSeconds))"
        // The name goes first when the row is narrow (80 columns: five tabs).
        for right in ["zkdash · " + target, target] {
            let width = DisplayWidth.of(right)
            if x + 2 + width <= state.size.columns {
                buffer.put(right, x: state.size.columns - width, y: Layout.tabRow, role: .tabInactive)
                break
            }
        }
    }

    /// The whole row is the banner's: it is filled first, and everything on it
    /// uses a banner role, which every theme draws on the banner's background.
    static func renderBanner(_ state: DashboardState, into buffer: inout CellBuffer) {
        let summary = state.cluster.summary
        var x = 0
        let y = Layout.bannerRow
        buffer.fill(Rect(x: 0, y: y, width: state.size.columns, height: 1), role: .banner)
        if state.lastPollMs == 0 {
            buffer.put("polling \(state.cluster.members.count) node(s)…", x: 0, y: y, role: .bannerDim)
            return
        }
        if let index = summary.leaderIndex {
            let leader = state.cluster.nodes[index]
            x += buffer.put("leader ", x: x, y: y, role: .banner)
            x += buffer.put(leader.label, x: x, y: y, role: .bannerLeader)
            if leader.sid != nil { x += buffer.put(" \(leader.address)", x: x, y: y, role: .banner) }
        } else {
            x += buffer.put("no leader", x: x, y: y, role: .bannerAlarm)
        }
        if let epoch = summary.epoch { x += buffer.put(" · epoch \(epoch)", x: x, y: y, role: .banner) }
        x += buffer.put(" · voters \(summary.votersUp)/\(summary.votersTotal) up, quorum \(summary.majority) · ", x: x, y: y, role: .banner)
        if summary.hasQuorum {
            x += buffer.put("QUORUM OK", x: x, y: y, role: .bannerOk)
        } else {
            x += buffer.put("NO QUORUM: \(summary.problem ?? "unknown")", x: x, y: y, role: .bannerAlarm)
        }
        // The demo's write load, at the right end when there is room (the footer also says it).
        if let demo = state.demo {
            let load = demo.loadOn ? "write load \(demo.loadWritesPerSecond)/s" : "write load off"
            let width = DisplayWidth.of(load)
            if x + 2 + width <= state.size.columns {
                buffer.put(load, x: state.size.columns - width, y: y, role: demo.loadOn ? .bannerLeader : .bannerDim)
            }
        }
    }

    static func renderFooter(_ state: DashboardState, into buffer: inout CellBuffer) {
        let y = Layout.footerRow(state.size)
        buffer.fill(Rect(x: 0, y: y, width: state.size.columns, height: 1), role: .footer)
        if let node = state.killAwaitingConfirmation {
            buffer.put(DemoKeys.killQuestion(node), x: 0, y: y, role: .warning)
            return
        }
        if let line = state.commandLine {
            let used = buffer.put(":", x: 0, y: y, role: .highlight)
            buffer.put(line.window(width: max(3, state.size.columns - used)), x: used, y: y, role: .highlight)
            return
        }
        if let message = state.message {
            buffer.put(message, x: 0, y: y, role: .warning)
            return
        }
        var hints = ["q quit", "? help", "1-5/Tab views", "t theme \(state.themeName)"]
        if state.frozen { hints = ["FROZEN (space: live)"] + hints }
        switch state.view {
        case .ensemble:
            if let demo = state.demo {
                // The demo's keys take the room of the theme and quit hints
                // (? lists them all, q still quits).
                hints = ["? help", "K kill", "R restart", "P pause", "S slow", "N cut", "A/D/O members",
                         "L load \(demo.loadOn ? "on" : "off")"]
            } else {
                hints.append("↑↓/jk select")
            }
        case .events:
            // Its own keys take the theme hint's room (t still works).
            hints.removeAll { $0.hasPrefix("t theme") }
            hints += ["↑↓ scroll", "f kinds", "/ search", "w write"]
        case .tree: hints += [state.readOnly ? "read-only" : "c/e/d create/edit/delete", "a add auth"]
        case .election, .clients: hints.append("↑↓/jk scroll")
        }
        buffer.put(hints.joined(separator: "  "), x: 0, y: y, role: .footer)
    }
}

/// Wall-clock text for the screen, with the offset the shell passes in (the
/// renderer never asks the system for the time zone: screens stay testable).
enum Clock {
    static func text(_ ms: Int64, offsetSeconds: Int) -> String {
        guard ms > 0 else { return "--:--:--" }
        let seconds = (ms / 1000 + Int64(offsetSeconds)) % 86_400
        let wrapped = seconds < 0 ? seconds + 86_400 : seconds
        return String(format: "%02d:%02d:%02d", Int(wrapped / 3600), Int(wrapped / 60 % 60), Int(wrapped % 60))
    }

    /// "2026-12-07 15:30:00" (for files, where a day can change).
    static func dateTime(_ ms: Int64, offsetSeconds: Int) -> String {
        let (year, month, day, seconds) = civil(ms, offsetSeconds: offsetSeconds)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", year, month, day, seconds / 3600, seconds / 60 % 60, seconds % 60)
    }

    /// "20261207-153000", for a file name.
    static func fileStamp(_ ms: Int64, offsetSeconds: Int) -> String {
        let (year, month, day, seconds) = civil(ms, offsetSeconds: offsetSeconds)
        return String(format: "%04d%02d%02d-%02d%02d%02d", year, month, day, seconds / 3600, seconds / 60 % 60, seconds % 60)
    }

    /// Year, month, day and second of the day of a Unix time in ms (Howard
    /// Hinnant's days-to-civil, proleptic Gregorian).
    static func civil(_ ms: Int64, offsetSeconds: Int) -> (Int, Int, Int, Int) {
        let whole = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let total = whole + Int64(offsetSeconds)
        let days = Int(total >= 0 ? total / 86_400 : (total - 86_399) / 86_400)
        let seconds = Int(total - Int64(days) * 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day, seconds)
    }
}
