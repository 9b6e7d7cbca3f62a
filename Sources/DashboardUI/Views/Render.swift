import EnsembleModel

/// `render(state) -> CellBuffer`: the whole screen from the state, pure.
extension Dashboard {
    public static func render(_ state: DashboardState) -> CellBuffer {
        var buffer = CellBuffer(size: state.size)
        let size = state.size
        guard size.columns >= DashboardState.minimumSize.columns, size.rows >= DashboardState.minimumSize.rows else {
            TooSmallView.render(size: size, into: &buffer)
            return buffer
        }
        FrameView.renderTabs(state, into: &buffer)
        FrameView.renderBanner(state, into: &buffer)
        let body = Layout.body(size)
        switch state.view {
        case .ensemble: EnsembleView.render(state, into: &buffer, rect: body)
        case .tree: TreeRenderer.render(state.tree, into: &buffer, rect: body, nowMs: state.nowMs)
        case .election: ElectionView.render(state, into: &buffer, rect: body)
        case .events: EventsView.render(state, into: &buffer, rect: body)
        case .clients: ClientsView.render(state, into: &buffer, rect: body)
        }
        FrameView.renderFooter(state, into: &buffer)
        if state.showHelp { HelpView.render(state, into: &buffer) }
        if let overlay = state.overlay { OverlayView.render(overlay, size: size, into: &buffer) }
        return buffer
    }
}

enum TooSmallView {
    static func render(size: ScreenSize, into buffer: inout CellBuffer) {
        let lines = [
            "Terminal too small: \(size.columns)×\(size.rows).",
            "zkdash needs at least \(DashboardState.minimumSize.columns)×\(DashboardState.minimumSize.rows).",
            "q quits.",
        ]
        let top = max(0, (size.rows - lines.count) / 2)
        for (i, line) in lines.enumerated() {
            let x = max(0, (size.columns - DisplayWidth.of(line)) / 2)
            buffer.put(line, x: x, y: top + i, role: i == 0 ? .warning : .normal)
        }
    }
}
