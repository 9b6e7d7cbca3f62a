import EnsembleModel
import Testing
@testable import DashboardUI

/// k9s habits: `+` / `-` change the refresh interval, space freezes the
/// screen, and the Events view filters by kind (`f`), searches (`/`) and
/// writes what it shows to a file (`w`).
@Suite struct EventsAndRefreshTests {
    static func state() -> DashboardState {
        var state = SampleCluster.state(SampleCluster.afterFailover(), columns: 160, rows: 45)
        state.shellEvents.append(DemoEvent(timeMs: 1_763_790_003_500, kind: .action, text: "K: s1 killed (SIGKILL)"))
        return state
    }

    static func shown(_ state: DashboardState) -> [String] { EventsView.lines(state).map(\.text) }

    @Test func plusAndMinusStepTheRefreshIntervalAndTellTheShell() {
        var state = Self.state()
        state.pollIntervalMs = 1000
        #expect(Dashboard.reduce(&state, .key(.character("+"))) == [.setPollInterval(ms: 2000)])
        #expect(state.message == "refresh every 2 s")
        #expect(Dashboard.reduce(&state, .key(.character("-"))) == [.setPollInterval(ms: 1000)])
        #expect(Dashboard.reduce(&state, .key(.character("-"))) == [.setPollInterval(ms: 500)])
        #expect(state.message == "refresh every 500 ms")
        for _ in 0..<5 { _ = Dashboard.reduce(&state, .key(.character("-"))) }
        #expect(state.pollIntervalMs == 100)
        #expect(Dashboard.reduce(&state, .key(.character("-"))).isEmpty)
        #expect(state.message == "refresh every 100 ms (the shortest)")
    }

    @Test func spaceHoldsTheScreenWhilePollingGoesOn() {
        var state = Self.state()
        let before = state.cluster.eventLog.appendedCount
        _ = Dashboard.reduce(&state, .key(.character(" ")))
        #expect(state.frozen && state.message == "frozen: polling goes on; space shows the newest")
        let newer = SampleCluster.healthy(rounds: 7)
        let event = MonitorEvent(timeMs: 1_763_790_009_000, kind: .state, text: "held")
        _ = Dashboard.reduce(&state, .cluster(newer, newEvents: [event]))
        #expect(state.cluster.eventLog.appendedCount == before, "the screen did not move")
        state.message = nil
        #expect(Dashboard.render(state).text().contains("FROZEN (space: live)"))
        _ = Dashboard.reduce(&state, .key(.character(" ")))
        #expect(!state.frozen && state.cluster.eventLog.appendedCount == newer.eventLog.appendedCount && state.heldCluster == nil)
        #expect(state.lastPollMs == 1_763_790_009_000)
    }

    @Test func fFiltersByKindAndSlashSearchesLive() {
        var state = Self.state()
        _ = Dashboard.reduce(&state, .key(.character("4")))
        let all = Self.shown(state)
        #expect(all.contains("K: s1 killed (SIGKILL)") && all.count > 3)
        _ = Dashboard.reduce(&state, .key(.character("f")))
        #expect(state.eventsFilter == .elections && state.message == "events: elections")
        #expect(!Self.shown(state).isEmpty && Self.shown(state).count < all.count)
        #expect(EventsView.header(state, shown: Self.shown(state).count)?.hasPrefix("elections · ") == true)
        while state.eventsFilter != .dashboard { _ = Dashboard.reduce(&state, .key(.character("f"))) }
        #expect(Self.shown(state) == ["K: s1 killed (SIGKILL)"])
        _ = Dashboard.reduce(&state, .key(.escape))
        #expect(Self.shown(state) == all)

        // `/`: typed text narrows at once; `q` is text here, not quit; Enter keeps it.
        _ = Dashboard.reduce(&state, .key(.character("/")))
        for character in "LEAD" { _ = Dashboard.reduce(&state, .key(.character(character))) }
        let leading = Self.shown(state)
        #expect(!leading.isEmpty && leading.allSatisfy { $0.lowercased().contains("lead") })
        _ = Dashboard.reduce(&state, .key(.character("q")))
        #expect(!state.quitRequested && Self.shown(state).isEmpty)
        #expect(Dashboard.render(state).text().contains("No event matches."))
        _ = Dashboard.reduce(&state, .key(.backspace))
        _ = Dashboard.reduce(&state, .key(.enter))
        #expect(state.eventsQuery == "LEAD" && state.eventsSearch == nil && Self.shown(state) == leading)
    }

    @Test func wWritesWhatIsShownToANewFile() {
        var state = Self.state()
        state.timeZoneOffsetSeconds = 0
        state.nowMs = 1_796_656_200_000
        _ = Dashboard.reduce(&state, .key(.character("4")))
        while state.eventsFilter != .dashboard { _ = Dashboard.reduce(&state, .key(.character("f"))) }
        let effects = Dashboard.reduce(&state, .key(.character("w")))
        #expect(effects == [.writeFile(name: "zkdash-events-20261207-151000.txt", contents: "2025-11-22 05:40:03  K: s1 killed (SIGKILL)\n")])
        #expect(state.message == "writing 1 events to zkdash-events-20261207-151000.txt…")
        #expect(Clock.dateTime(0, offsetSeconds: 0) == "1970-01-01 00:00:00")
        #expect(Clock.dateTime(951_782_400_000, offsetSeconds: 0) == "2000-02-29 00:00:00")
    }

    @Test func aKeyThatDoesNothingHereSaysSo() {
        var state = Self.state()
        _ = Dashboard.reduce(&state, .key(.character("z")))
        #expect(state.message == "z: not a key of the Ensemble view (? lists them, : runs a command)")
        _ = Dashboard.reduce(&state, .key(.character("3")))
        _ = Dashboard.reduce(&state, .key(.character("j")))
        #expect(state.message == nil, "a scroll key is a key here")
        _ = Dashboard.reduce(&state, .key(.character("2")))
        _ = Dashboard.reduce(&state, .key(.character("Z")))
        #expect(state.tree.message == "Z: not a key of the Tree view (? lists them, : runs a command)")
    }
}
