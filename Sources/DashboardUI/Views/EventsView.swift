import EnsembleMonitor

/// View 4: the event log, newest at the bottom; ↑ scrolls back.
enum EventsView {
    static func render(_ state: DashboardState, into buffer: inout CellBuffer, rect: Rect) {
        let events = state.cluster.eventLog.events
        guard !events.isEmpty else {
            buffer.put("No events yet: state changes, elections, quorum and lag show here.", x: rect.x, y: rect.y, role: .dim)
            return
        }
        let visible = rect.height
        let end = max(0, events.count - state.eventsScroll)
        let start = max(0, end - visible)
        for (offset, event) in events[start..<end].enumerated() {
            let time = Clock.text(event.timeMs, offsetSeconds: state.timeZoneOffsetSeconds)
            buffer.put(time, x: rect.x, y: rect.y + offset, role: .dim)
            buffer.put(event.text, x: rect.x + 10, y: rect.y + offset, role: role(event), maxWidth: rect.width - 10)
        }
        if state.eventsScroll > 0 {
            let note = " ↓ \(state.eventsScroll) newer "
            buffer.put(note, x: rect.maxX - DisplayWidth.of(note), y: rect.maxY - 1, role: .highlight)
        }
    }

    static func role(_ event: MonitorEvent) -> StyleRole {
        switch event.kind {
        case .election: .leading
        case .quorum: event.text.hasPrefix("quorum lost") ? .error : .ok
        case .lag: event.text.contains("caught up") ? .ok : .warning
        case .membership: .normal
        case .state: event.text.hasSuffix("LEADING") || event.text.hasSuffix("FOLLOWING") ? .normal : .warning
        }
    }
}
