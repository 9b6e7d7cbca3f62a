import EnsembleModel
import Testing
@testable import DashboardUI

/// Keys, clicks, resizes and poll results through `Dashboard.reduce`.
struct ReducerTests {
    func state(columns: Int = 80, rows: Int = 24) -> DashboardState {
        SampleCluster.state(SampleCluster.healthy(), columns: columns, rows: rows)
    }

    @Test func digitsAndTabSwitchViews() {
        var state = state()
        _ = Dashboard.reduce(&state, .key(.character("3")))
        #expect(state.view == .election)
        _ = Dashboard.reduce(&state, .key(.tab))
        #expect(state.view == .events)
        _ = Dashboard.reduce(&state, .key(.tab))
        #expect(state.view == .clients)
        _ = Dashboard.reduce(&state, .key(.tab))
        #expect(state.view == .ensemble)
        _ = Dashboard.reduce(&state, .key(.backTab))
        #expect(state.view == .clients)
        _ = Dashboard.reduce(&state, .key(.character("1")))
        #expect(state.view == .ensemble)
    }

    @Test func selectionMovesAndStaysInRange() {
        var state = state()
        for key in [Key.down, .character("j"), .down, .down, .down] { _ = Dashboard.reduce(&state, .key(key)) }
        #expect(state.ensembleSelection == 3)
        _ = Dashboard.reduce(&state, .key(.character("g")))
        #expect(state.ensembleSelection == 0)
        _ = Dashboard.reduce(&state, .key(.up))
        #expect(state.ensembleSelection == 0)
        _ = Dashboard.reduce(&state, .key(.character("G")))
        #expect(state.ensembleSelection == 3)
        // A poll with fewer nodes keeps the selection on a real row.
        _ = Dashboard.reduce(&state, .cluster(ClusterModel(members: Array(SampleCluster.members.prefix(2))), newEvents: []))
        #expect(state.ensembleSelection == 1)
    }

    @Test func quitHelpAndTheme() {
        var state = state()
        #expect(Dashboard.reduce(&state, .key(.character("?"))).isEmpty && state.showHelp)
        // Any key closes help without acting.
        #expect(Dashboard.reduce(&state, .key(.character("3"))).isEmpty && !state.showHelp && state.view == .ensemble)
        #expect(Dashboard.reduce(&state, .key(.character("t"))) == [.selectTheme(index: 1)])
        for _ in 0..<3 { _ = Dashboard.reduce(&state, .key(.character("t"))) }
        #expect(state.themeIndex == 0)
        #expect(Dashboard.reduce(&state, .key(.character("q"))) == [.quit] && state.quitRequested)
        var other = self.state()
        #expect(Dashboard.reduce(&other, .key(.control("c"))) == [.quit])
    }

    @Test func mouseClicksTabsAndRowsAndWheelScrolls() {
        var state = state()
        // " 1 Ensemble  2 Tree  3 Election  4 Events": column 23 is in " 3 Election ".
        _ = Dashboard.reduce(&state, .mouse(MouseEvent(kind: .click, x: 23, y: 0)))
        #expect(state.view == .election)
        _ = Dashboard.reduce(&state, .key(.character("1")))
        _ = Dashboard.reduce(&state, .mouse(MouseEvent(kind: .click, x: 10, y: Layout.ensembleFirstRowY + 2)))
        #expect(state.ensembleSelection == 2)
        _ = Dashboard.reduce(&state, .mouse(MouseEvent(kind: .wheelDown, x: 10, y: 10)))
        #expect(state.ensembleSelection == 3)
    }

    @Test func eventsScrollBackAndStayPutWhileNewEventsArrive() {
        var state = SampleCluster.state(SampleCluster.afterFailover(), columns: 80, rows: 8 + 4)
        _ = Dashboard.reduce(&state, .key(.character("4")))
        _ = Dashboard.reduce(&state, .key(.up))
        _ = Dashboard.reduce(&state, .key(.up))
        #expect(state.eventsScroll == 2)
        let screen = Dashboard.render(state).text()
        #expect(screen.contains("↓ 2 newer"))
        // New events keep the same lines on screen while scrolled back.
        let event = MonitorEvent(timeMs: 1, kind: .state, text: "x")
        _ = Dashboard.reduce(&state, .cluster(state.cluster, newEvents: [event]))
        #expect(state.eventsScroll == 3)
        _ = Dashboard.reduce(&state, .key(.character("G")))
        #expect(state.eventsScroll == 0)
    }

    @Test func resizeChangesTheLayout() {
        var state = state()
        _ = Dashboard.reduce(&state, .resize(ScreenSize(columns: 160, rows: 45)))
        let wide = Dashboard.render(state).text()
        #expect(wide.contains("WATCHES") && wide.contains("ZNODES"))
        _ = Dashboard.reduce(&state, .resize(ScreenSize(columns: 59, rows: 20)))
        #expect(Dashboard.render(state).text().contains("Terminal too small: 59×20."))
    }

    @Test func statesCarryTheirRoles() {
        let state = SampleCluster.state(SampleCluster.afterFailover(), columns: 160, rows: 45)
        let screen = Dashboard.render(state)
        func role(ofText text: String) -> StyleRole? {
            for y in 0..<screen.size.rows {
                let row = screen.row(y)
                if let range = row.range(of: text) {
                    let x = row.distance(from: row.startIndex, to: range.lowerBound)
                    return screen[x, y].role
                }
            }
            return nil
        }
        #expect(role(ofText: "DOWN") == .down)
        #expect(role(ofText: "LEADING") == .leading)
        #expect(role(ofText: "OBSERVING") == .observing)
        #expect(role(ofText: "QUORUM OK") == .bannerOk)
    }

    @Test func cellBufferClipsAndMeasuresWideCharacters() {
        var buffer = CellBuffer(size: ScreenSize(columns: 10, rows: 1))
        #expect(buffer.put("节点/配置", x: 0, y: 0) == 9)
        #expect(buffer.row(0) == "节点/配置")
        var clipped = CellBuffer(size: ScreenSize(columns: 10, rows: 1))
        clipped.put("abcdefghijklmnop", x: 2, y: 0, maxWidth: 5)
        #expect(clipped.row(0) == "  abcd…")
        #expect(Sparkline.text([0, 5, 10, nil], width: 6) == "  ▁▅█ ")
    }
}

struct ScrollMoveTests {
    @Test func listKeysMoveFromEitherEnd() {
        #expect(ScrollMove(.character("j"), page: 10)?.applied(to: 3, max: 5, fromEnd: false) == 4)
        #expect(ScrollMove(.character("j"), page: 10)?.applied(to: 3, max: 5, fromEnd: true) == 2)
        #expect(ScrollMove(.pageDown, page: 10)?.applied(to: 3, max: 5, fromEnd: false) == 5)
        #expect(ScrollMove(.pageUp, page: 10)?.applied(to: 3, max: 5, fromEnd: true) == 5)
        // g: the first line, which is the oldest event (the farthest from the end).
        #expect(ScrollMove(.character("g"), page: 10)?.applied(to: 3, max: 5, fromEnd: true) == 5)
        #expect(ScrollMove(.character("g"), page: 10)?.applied(to: 3, max: 5, fromEnd: false) == 0)
        #expect(ScrollMove(.character("G"), page: 10)?.applied(to: 3, max: 5, fromEnd: true) == 0)
        #expect(ScrollMove(.character("x"), page: 10) == nil)
    }
}
