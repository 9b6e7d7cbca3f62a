import Testing
@testable import DashboardUI

/// `:` — the command line: parsing, Tab completion, history, and what each command does.
@Suite struct CommandLineTests {
    static func state() -> DashboardState {
        var state = SampleCluster.state(SampleCluster.healthy(), columns: 160, rows: 45)
        state.themeNames = ["dark", "light", "mono"]
        return state
    }

    static func type(_ text: String, into state: inout DashboardState) -> [DashboardEffect] {
        var effects = Dashboard.reduce(&state, .key(.character(":")))
        for character in text { effects += Dashboard.reduce(&state, .key(.character(character))) }
        return effects + Dashboard.reduce(&state, .key(.enter))
    }

    @Test func commandsParseAndBadOnesSayWhatIsExpected() {
        #expect(DashboardCommand.parse("q") == .success(.quit))
        #expect(DashboardCommand.parse("goto /app/x") == .success(.goto("/app/x")))
        #expect(DashboardCommand.parse("4lw mntr s2") == .success(.fourLetterWord("mntr", sid: 2)))
        #expect(DashboardCommand.parse("4lw conf") == .success(.fourLetterWord("conf", sid: nil)))
        #expect(DashboardCommand.parse("events") == .success(.view(.events)))
        #expect(DashboardCommand.parse("goto app") == .failure(CommandError(":goto /full/path")))
        #expect(DashboardCommand.parse("4lw kill") == .failure(CommandError(
            ":4lw WORD [sid], WORD one of conf cons crst dirs dump envi gtmk isro mntr ruok srst srvr stat wchc wchp wchs")))
        if case .failure(let error) = DashboardCommand.parse("nope") {
            #expect(error.message.hasPrefix("unknown command :nope (Tab completes: 4lw clients ctx diff election"))
        } else {
            Issue.record("nope parsed")
        }
    }

    /// `:ctx`: the config file's contexts; `:ctx NAME` asks the shell to
    /// watch that ensemble; names complete with Tab; the demo refuses.
    @Test func ctxListsSwitchesAndCompletes() {
        var state = Self.state()
        #expect(Self.type("ctx", into: &state).isEmpty)
        #expect(state.message == ":ctx: the config file names no contexts (~/.config/zkdash/config.toml)")
        state.contextNames = ["prod", "staging", "stress"]
        state.contextName = "prod"
        #expect(Self.type("ctx", into: &state).isEmpty)
        #expect(state.message == "contexts: prod staging stress (now: prod); :ctx NAME switches")
        #expect(Self.type("ctx nope", into: &state).isEmpty)
        #expect(state.message == ":ctx: no context nope (prod, staging, stress)")
        #expect(Self.type("ctx prod", into: &state).isEmpty)
        #expect(state.message == ":ctx: already watching prod")
        #expect(Self.type("ctx staging", into: &state) == [.switchContext("staging")])
        #expect(state.message == "switching to context staging…")
        #expect(DashboardCommand.parse("ctx a b") == .failure(CommandError(":ctx NAME (a context of the config file; :ctx alone lists them)")))
        // Tab: the command, then a context name (or the shared prefix), and theme names the same way.
        #expect(DashboardCommand.complete("ct") == "ctx ")
        #expect(DashboardCommand.complete("ctx s", contextNames: state.contextNames) == "ctx st")
        #expect(DashboardCommand.complete("ctx st", contextNames: state.contextNames) == nil, "staging and stress share only st")
        #expect(DashboardCommand.complete("ctx sta", contextNames: state.contextNames) == "ctx staging ")
        #expect(DashboardCommand.complete("ctx staging", contextNames: state.contextNames) == nil)
        #expect(DashboardCommand.complete("theme l", themeNames: state.themeNames) == "theme light ")
        _ = Dashboard.reduce(&state, .key(.character(":")))
        for character in "ctx p" { _ = Dashboard.reduce(&state, .key(.character(character))) }
        _ = Dashboard.reduce(&state, .key(.tab))
        #expect(state.commandLine?.text == "ctx prod ")
        _ = Dashboard.reduce(&state, .key(.escape))
        state.demo = DemoStatus(nodes: [])
        #expect(Self.type("ctx staging", into: &state).isEmpty)
        #expect(state.message == ":ctx: zkdash demo's dashboard watches the demo's own nodes")
    }

    @Test func tabCompletesAndArrowsRecallHistory() {
        #expect(DashboardCommand.complete("go") == "goto ")
        #expect(DashboardCommand.complete("e") == nil, "election, ensemble, events share only e")
        #expect(DashboardCommand.complete("en") == "ensemble ")
        #expect(DashboardCommand.complete("th") == "theme ")
        #expect(DashboardCommand.complete("x") == nil)
        var state = Self.state()
        _ = Dashboard.reduce(&state, .key(.character(":")))
        for key: Key in [.character("t"), .character("r"), .tab] { _ = Dashboard.reduce(&state, .key(key)) }
        #expect(state.commandLine?.text == "tree ")
        _ = Dashboard.reduce(&state, .key(.enter))
        #expect(state.view == .tree && state.commandLine == nil)
        _ = Self.type("ensemble", into: &state)
        _ = Dashboard.reduce(&state, .key(.character(":")))
        _ = Dashboard.reduce(&state, .key(.up))
        #expect(state.commandLine?.text == "ensemble")
        _ = Dashboard.reduce(&state, .key(.up))
        #expect(state.commandLine?.text == "tree")
        _ = Dashboard.reduce(&state, .key(.down))
        _ = Dashboard.reduce(&state, .key(.down))
        #expect(state.commandLine?.text == "")
        #expect(Dashboard.render(state).text().contains("\n:▏"), "the line is drawn at the bottom")
        _ = Dashboard.reduce(&state, .key(.escape))
        #expect(state.commandLine == nil)
    }

    @Test func eachCommandDoesWhatItSays() {
        var state = Self.state()
        // q is text on the line, :q quits.
        _ = Dashboard.reduce(&state, .key(.character(":")))
        _ = Dashboard.reduce(&state, .key(.character("x")))
        #expect(!state.quitRequested)
        _ = Dashboard.reduce(&state, .key(.escape))
        #expect(Self.type("theme light", into: &state) == [.selectTheme(index: 1)])
        #expect(Self.type("theme neon", into: &state).isEmpty)
        #expect(state.message == ":theme: no theme neon (dark, light, mono)")
        #expect(Self.type("wat", into: &state).isEmpty && state.message?.hasPrefix("unknown command :wat") == true)
        let goto = Self.type("goto /app", into: &state)
        #expect(state.view == .tree && state.tree.pendingGoto == "/app")
        #expect(goto.contains(.tree(.listChildren(path: "/"))))
        _ = Self.type("ensemble", into: &state)
        #expect(Self.type("4lw srvr s2", into: &state) == [.fourLetterWord(word: "srvr", memberIndex: 1)])
        #expect(Self.type("4lw srvr s9", into: &state).isEmpty && state.message == ":4lw: no node s9")
        #expect(Self.type("q", into: &state) == [.quit] && state.quitRequested)
    }

    @Test func anAnswerShowsInABoxThatScrollsAndCloses() {
        var state = Self.state()
        let text = (1...60).map { "line \($0)\tvalue" }.joined(separator: "\n") + "\n"
        _ = Dashboard.reduce(&state, .overlay(TextOverlay(title: "mntr from 127.0.0.1:2181", text: text)))
        var screen = Dashboard.render(state).text()
        #expect(screen.contains("mntr from 127.0.0.1:2181  (↑↓ scroll, any other key closes)"))
        #expect(screen.contains("line 1    value") && !screen.contains("line 60"))
        _ = Dashboard.reduce(&state, .key(.pageDown))
        screen = Dashboard.render(state).text()
        #expect(!screen.contains("line 1    value") && screen.contains("line 60"))
        _ = Dashboard.reduce(&state, .key(.character("x")))
        #expect(state.overlay == nil && state.view == .ensemble, "closing does nothing else")
    }

    @Test func exportImportAndDiffActOnTheSelectedSubtree() {
        #expect(DashboardCommand.parse("export /tmp/a.json") == .success(.export("/tmp/a.json")))
        #expect(DashboardCommand.parse("import a.json --apply") == .success(.importFrom("a.json", apply: true)))
        #expect(DashboardCommand.parse("import a.json") == .success(.importFrom("a.json", apply: false)))
        #expect(DashboardCommand.parse("diff a.json") == .success(.diff("a.json")))
        #expect(DashboardCommand.parse("export") == .failure(CommandError(":export FILE (the Tree view's selected subtree)")))
        var state = Self.state()
        #expect(Self.type("export out.json", into: &state) == [.tree(.exportTo(path: "/", file: "out.json"))])
        #expect(Self.type("diff out.json", into: &state) == [.tree(.diffWith(path: "/", file: "out.json"))])
        #expect(Self.type("import out.json", into: &state) == [.tree(.importFrom(path: "/", file: "out.json", apply: false))])
        state.readOnly = true
        #expect(Self.type("import out.json --apply", into: &state).isEmpty)
        #expect(state.message == ":import --apply: read-only (--read-only)")
        _ = Dashboard.reduce(&state, .tree(.report(title: ":diff / out.json", text: "--- A\n+++ B\nthe same")))
        #expect(state.overlay == TextOverlay(title: ":diff / out.json", text: "--- A\n+++ B\nthe same"))
    }
}
