import EnsembleModel

/// View 4: the event log, newest at the bottom; ↑ scrolls back. The monitor's
/// events and the shell's (the demo's actions and clients) merged by time.
enum EventsView {
    struct Line: Equatable {
        var timeMs: Int64
        var text: String
        var role: StyleRole
    }

    static func render(_ state: DashboardState, into buffer: inout CellBuffer, rect fullRect: Rect) {
        var rect = fullRect
        let events = lines(state)
        if let header = header(state, shown: events.count) {
            // A filter or search is on: say so on the first line, events below.
            buffer.put(header, x: rect.x, y: rect.y, role: .highlight, maxWidth: rect.width)
            rect = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: max(0, rect.height - 1))
        }
        guard !events.isEmpty else {
            let none = state.eventsFilter == .all && state.eventsQuery.isEmpty && state.eventsSearch == nil
                ? "No events yet: state changes, elections, quorum and lag show here." : "No event matches."
            buffer.put(none, x: rect.x, y: rect.y, role: .dim)
            return
        }
        let visible = rect.height
        let end = max(0, events.count - state.eventsScroll)
        let start = max(0, end - visible)
        for (offset, event) in events[start..<end].enumerated() {
            let time = Clock.text(event.timeMs, offsetSeconds: state.timeZoneOffsetSeconds)
            buffer.put(time, x: rect.x, y: rect.y + offset, role: .dim)
            buffer.put(event.text, x: rect.x + 10, y: rect.y + offset, role: event.role, maxWidth: rect.width - 10)
        }
        if state.eventsScroll > 0 {
            let note = " ↓ \(state.eventsScroll) newer "
            buffer.put(note, x: rect.maxX - DisplayWidth.of(note), y: rect.maxY - 1, role: .highlight)
        }
    }

    static func lineCount(_ state: DashboardState) -> Int {
        isFiltered(state) ? lines(state).count : state.cluster.eventLog.buffer.count + state.shellEvents.count
    }

    static func isFiltered(_ state: DashboardState) -> Bool {
        state.eventsFilter != .all || !query(state).isEmpty
    }

    /// The search in force: the one being typed, else the kept one.
    static func query(_ state: DashboardState) -> String {
        state.eventsSearch?.text ?? state.eventsQuery
    }

    /// "elections matching 'leader' · 3 shown · f kinds, / search, Esc clears", or the prompt.
    static func header(_ state: DashboardState, shown: Int) -> String? {
        if let field = state.eventsSearch {
            return "/" + field.window(width: 40) + "  (\(shown) shown; Enter keeps, Esc clears)"
        }
        guard isFiltered(state) else { return nil }
        var parts: [String] = []
        if state.eventsFilter != .all { parts.append(state.eventsFilter.rawValue) }
        if !state.eventsQuery.isEmpty { parts.append("matching '\(state.eventsQuery)'") }
        return parts.joined(separator: " ") + " · \(shown) shown · f kinds, / search, Esc clears"
    }

    /// The lines shown, as text (`w` writes them).
    static func text(_ state: DashboardState) -> String {
        lines(state).map { Clock.dateTime($0.timeMs, offsetSeconds: state.timeZoneOffsetSeconds) + "  " + $0.text + "\n" }.joined()
    }

    /// Both logs, oldest first. The monitor stamps events when the poll round
    /// that saw them completed, after any action of the shell that caused
    /// them; at equal times the shell's event (a cause) comes first.
    static func lines(_ state: DashboardState) -> [Line] {
        let merged = allLines(state)
        let query = query(state).lowercased()
        guard !query.isEmpty else { return merged }
        return merged.filter { $0.text.lowercased().contains(query) }
    }

    private static func allLines(_ state: DashboardState) -> [Line] {
        let filter = state.eventsFilter
        let monitor = state.cluster.eventLog.events.filter { filter.admits($0.kind) }
            .map { Line(timeMs: $0.timeMs, text: $0.text, role: role($0)) }
        guard !state.shellEvents.isEmpty, filter.admitsShellEvents else { return monitor }
        let shell = state.shellEvents.values.map { Line(timeMs: $0.timeMs, text: $0.text, role: role($0)) }
        var merged: [Line] = []
        merged.reserveCapacity(monitor.count + shell.count)
        var i = 0, j = 0
        while i < monitor.count || j < shell.count {
            if j == shell.count || (i < monitor.count && monitor[i].timeMs < shell[j].timeMs) {
                merged.append(monitor[i])
                i += 1
            } else {
                merged.append(shell[j])
                j += 1
            }
        }
        return merged
    }

    static func role(_ event: MonitorEvent) -> StyleRole {
        switch event.kind {
        case .election: .leading
        case .quorum: event.text.hasPrefix("quorum lost") ? .error : .ok
        case .lag: event.text.contains("caught up") ? .ok : .warning
        case .membership: .normal
        case .initial: .highlight
        case .state: event.text.hasSuffix("LEADING") || event.text.hasSuffix("FOLLOWING") ? .normal : .warning
        }
    }

    static func role(_ event: DemoEvent) -> StyleRole {
        if event.isProblem { return .error }
        return event.kind == .client ? .normal : .highlight
    }
}
