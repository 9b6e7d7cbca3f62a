import EnsembleModel

/// `reduce(state, input) -> effects`: every key, click, resize, poll result
/// and tick goes through here. Pure: the shell performs the effects.
public enum Dashboard {
    public static func reduce(_ state: inout DashboardState, _ input: DashboardInput) -> [DashboardEffect] {
        switch input {
        case .resize(let size):
            state.size = size
            state.tree.viewportRows = TreeLayout.treeRows(for: size)
            return []
        case .tick(let nowMs):
            state.nowMs = nowMs
            return []
        case .cluster(let model, let newEvents) where state.frozen:
            state.heldCluster = model
            state.heldEvents += newEvents
            // Only the newest matter (the model keeps the whole log); bounded.
            if state.heldEvents.count > 1000 { state.heldEvents.removeFirst(state.heldEvents.count - 1000) }
            return []
        case .cluster(let model, let newEvents):
            state.cluster = model
            state.lastPollMs = newEvents.last?.timeMs ?? state.nowMs
            state.ensembleSelection = min(state.ensembleSelection, max(0, model.rows.count - 1))
            if state.eventsScroll > 0 { state.eventsScroll += newEvents.count }
            return []
        case .tree(.report(let title, let text)):
            state.overlay = TextOverlay(title: title, text: text)
            return []
        case .tree(let treeInput):
            logTreeSessionProblem(&state, treeInput)
            return state.tree.handle(treeInput, nowMs: state.nowMs).map(DashboardEffect.tree)
        case .demo(let update):
            DemoKeys.apply(update, to: &state)
            return []
        case .overlay(let overlay):
            state.overlay = overlay
            return []
        case .mouse(let mouse):
            return handleMouse(&state, mouse)
        case .key(let key):
            return handleKey(&state, key)
        }
    }

    /// A refused login or connection of the Tree view's session goes to Events
    /// once (the client retries every second: the same problem is not logged
    /// again until the session has connected in between).
    static func logTreeSessionProblem(_ state: inout DashboardState, _ input: TreeInput) {
        let problem: String?
        switch input {
        case .connection(let text, _) where text.hasPrefix("connected to"):
            state.lastTreeProblem = nil
            return
        case .connection(let text, _):
            problem = text.hasPrefix("not connected") || text.hasPrefix("not logged in") || text == "authentication failed" ? text : nil
        case .authFailed(let text):
            problem = "a: " + text
        default:
            problem = nil
        }
        guard let problem, problem != state.lastTreeProblem else { return }
        state.lastTreeProblem = problem
        state.shellEvents.append(DemoEvent(timeMs: state.nowMs, kind: .client, text: "Tree view: " + problem, isProblem: true))
        if state.eventsScroll > 0 { state.eventsScroll += 1 }
    }

    static func handleKey(_ state: inout DashboardState, _ key: Key) -> [DashboardEffect] {
        state.message = nil
        if key == .control("c") {
            state.quitRequested = true
            return [.quit]
        }
        if state.killAwaitingConfirmation != nil {
            return DemoKeys.answerKill(&state, key)
        }
        if state.commandLine != nil {
            return editCommandLine(&state, key)
        }
        if var overlay = state.overlay {
            // ↑ ↓ PgUp PgDn scroll the box; any other key closes it.
            let page = max(1, state.size.rows - 6)
            switch key {
            case .down, .character("j"): overlay.scroll = min(max(0, overlay.lines.count - 1), overlay.scroll + 1)
            case .up, .character("k"): overlay.scroll = max(0, overlay.scroll - 1)
            case .pageDown: overlay.scroll = min(max(0, overlay.lines.count - 1), overlay.scroll + page)
            case .pageUp: overlay.scroll = max(0, overlay.scroll - page)
            default:
                state.overlay = nil
                return []
            }
            state.overlay = overlay
            return []
        }
        if state.view == .events, state.eventsSearch != nil {
            return editEventsSearch(&state, key)
        }
        if state.view == .tree, state.tree.capturesKeys {
            return state.tree.handle(key, readOnly: state.readOnly, nowMs: state.nowMs).map(DashboardEffect.tree)
        }
        if state.showHelp {
            // Any key closes help; q still quits.
            state.showHelp = false
            if key == .character("q") {
                state.quitRequested = true
                return [.quit]
            }
            return []
        }
        switch key {
        case .character("q"):
            state.quitRequested = true
            return [.quit]
        case .character("?"):
            state.showHelp = true
            return []
        case .character("t"):
            state.themeIndex = (state.themeIndex + 1) % max(1, state.themeCount)
            return [.selectTheme(index: state.themeIndex)]
        case .character(":"):
            state.commandLine = LineEditor()
            state.commandHistoryPosition = nil
            return []
        case .character("+"), .character("="), .character("-"):
            return stepPollInterval(&state, faster: key == .character("-"))
        case .character(" "):
            return toggleFreeze(&state)
        case .character(let digit) where ("1"..."5").contains(digit):
            return show(&state, DashboardView(rawValue: Int(String(digit))!)!)
        case .tab:
            return show(&state, DashboardView(rawValue: state.view.rawValue % viewCount + 1)!)
        case .backTab:
            return show(&state, DashboardView(rawValue: (state.view.rawValue + viewCount - 2) % viewCount + 1)!)
        default:
            break
        }
        switch state.view {
        case .ensemble:
            if DemoKeys.keys.contains(key) { return DemoKeys.handle(&state, key) }
            if [.character("<"), .character(">"), .character("!")].contains(key) {
                sortEnsemble(&state, key)
                return []
            }
            if ScrollMove(key, page: 1) == nil { sayUnknown(&state, key) }
            moveSelection(&state, key)
        case .events:
            return eventsKey(&state, key)
        case .clients:
            if ScrollMove(key, page: 1) == nil { sayUnknown(&state, key) }
            if let move = ScrollMove(key, page: max(1, Layout.bodyRows(state.size) - 2)) {
                state.clientsScroll = move.applied(to: state.clientsScroll, max: max(0, ClientsView.lines(state).count - 1), fromEnd: false)
            }
        case .election:
            if ScrollMove(key, page: 1) == nil { sayUnknown(&state, key) }
            scrollElection(&state, key)
        case .tree:
            if key == .character("o") {
                return jumpToOwner(&state)
            }
            if key == .character("E") {
                return editInEditor(&state)
            }
            if key == .character("y") {
                state.message = "copied \(state.tree.selectedPath) (OSC 52: the terminal's clipboard)"
                return [.copyToClipboard(state.tree.selectedPath)]
            }
            return state.tree.handle(key, readOnly: state.readOnly, nowMs: state.nowMs).map(DashboardEffect.tree)
        }
        return []
    }

    /// Keys while the `:` line is open.
    static func editCommandLine(_ state: inout DashboardState, _ key: Key) -> [DashboardEffect] {
        guard var line = state.commandLine else { return [] }
        switch key {
        case .escape:
            state.commandLine = nil
            return []
        case .tab:
            if let completed = DashboardCommand.complete(line.text, contextNames: state.contextNames, themeNames: state.themeNames) {
                line = LineEditor(completed)
            }
        case .up, .down:
            let history = state.commandHistory
            guard !history.isEmpty else { return [] }
            var position = state.commandHistoryPosition ?? history.count
            position = key == .up ? max(0, position - 1) : min(history.count, position + 1)
            state.commandHistoryPosition = position
            line = LineEditor(position < history.count ? history[position] : "")
        case .enter:
            state.commandLine = nil
            let text = line.text.trimmingCharacters(in: .whitespaces)
            if !text.isEmpty {
                state.commandHistory.removeAll { $0 == text }
                state.commandHistory.append(text)
                if state.commandHistory.count > DashboardState.commandHistoryLimit { state.commandHistory.removeFirst() }
            }
            switch DashboardCommand.parse(text) {
            case .success(let command): return run(&state, command)
            case .failure(let error):
                state.message = error.message
                return []
            }
        default:
            _ = line.apply(key)
        }
        state.commandLine = line
        return []
    }

    static func run(_ state: inout DashboardState, _ command: DashboardCommand) -> [DashboardEffect] {
        switch command {
        case .quit:
            state.quitRequested = true
            return [.quit]
        case .view(let view):
            return show(&state, view)
        case .goto(let path):
            var effects = show(&state, .tree)
            effects += state.tree.startGoto(path).map(DashboardEffect.tree)
            return effects
        case .theme(let name):
            guard let index = state.themeNames.firstIndex(of: name) else {
                state.message = ":theme: no theme \(name) (\(state.themeNames.joined(separator: ", ")))"
                return []
            }
            state.themeIndex = index
            return [.selectTheme(index: index)]
        case .export(let file):
            state.message = ":export: writing \(state.tree.selectedPath) to \(file)…"
            return [.tree(.exportTo(path: state.tree.selectedPath, file: file))]
        case let .importFrom(file, apply):
            guard !(apply && state.readOnly) else {
                state.message = ":import --apply: read-only (--read-only)"
                return []
            }
            state.message = ":import: \(apply ? "applying" : "planning") \(file) at \(state.tree.selectedPath)…"
            return [.tree(.importFrom(path: state.tree.selectedPath, file: file, apply: apply))]
        case .context(let name):
            return switchContext(&state, to: name)
        case .diff(let file):
            state.message = ":diff: comparing \(state.tree.selectedPath) with \(file)…"
            return [.tree(.diffWith(path: state.tree.selectedPath, file: file))]
        case let .fourLetterWord(word, sid):
            let index: Int?
            if let sid {
                index = state.cluster.nodes.firstIndex { $0.sid == sid }
                guard index != nil else {
                    state.message = ":4lw: no node s\(sid)"
                    return []
                }
            } else {
                index = state.selectedNodeIndex
            }
            guard let index else {
                state.message = ":4lw: select a node first (Ensemble view), or name one: :4lw \(word) SID"
                return []
            }
            state.message = "asking \(state.cluster.members[index].address) \(word)…"
            return [.fourLetterWord(word: word, memberIndex: index)]
        }
    }

    /// `:ctx`: the contexts of the config file; `:ctx NAME`: the shell starts
    /// watching that context's ensemble (a new monitor on its servers, TLS,
    /// identities and theme) and this state is left behind.
    static func switchContext(_ state: inout DashboardState, to name: String?) -> [DashboardEffect] {
        guard state.demo == nil else {
            state.message = ":ctx: zkdash demo's dashboard watches the demo's own nodes"
            return []
        }
        let current = state.contextName.map { " (now: \($0))" } ?? ""
        guard !state.contextNames.isEmpty else {
            state.message = ":ctx: the config file names no contexts (\(state.contextFile ?? "~/.config/zkdash/config.toml"))"
            return []
        }
        guard let name else {
            state.message = "contexts: \(state.contextNames.joined(separator: " "))\(current); :ctx NAME switches"
            return []
        }
        guard state.contextNames.contains(name) else {
            state.message = ":ctx: no context \(name) (\(state.contextNames.joined(separator: ", ")))"
            return []
        }
        guard name != state.contextName else {
            state.message = ":ctx: already watching \(name)"
            return []
        }
        state.message = "switching to context \(name)…"
        return [.switchContext(name)]
    }

    /// Events view: `f` cycles the kinds shown, `/` searches (live), Esc
    /// clears both, `w` writes what is shown to a file; the rest scrolls.
    static func eventsKey(_ state: inout DashboardState, _ key: Key) -> [DashboardEffect] {
        switch key {
        case .character("f"):
            state.eventsFilter = state.eventsFilter.next
            state.eventsScroll = 0
            state.message = "events: \(state.eventsFilter.rawValue)"
        case .character("/"):
            state.eventsSearch = LineEditor(state.eventsQuery)
        case .escape:
            state.eventsFilter = .all
            state.eventsQuery = ""
            state.eventsScroll = 0
        case .character("w"):
            let text = EventsView.text(state)
            let count = text.isEmpty ? 0 : text.split(separator: "\n").count
            guard count > 0 else {
                state.message = "w: no events to write"
                return []
            }
            let name = "zkdash-events-" + Clock.fileStamp(state.nowMs, offsetSeconds: state.timeZoneOffsetSeconds) + ".txt"
            state.message = "writing \(count) events to \(name)…"
            return [.writeFile(name: name, contents: text)]
        default:
            if ScrollMove(key, page: 1) == nil { sayUnknown(&state, key) }
            scrollEvents(&state, key)
        }
        return []
    }

    /// Tree view `E`: the selected node's data in the user's editor (text only,
    /// as `e`); what comes back is confirmed before it is set.
    static func editInEditor(_ state: inout DashboardState) -> [DashboardEffect] {
        let path = state.tree.selectedPath
        guard !state.readOnly else {
            state.message = "read-only (--read-only)"
            return []
        }
        guard let detail = state.tree.detail, detail.path == path else {
            state.message = "E: \(path): data not loaded yet"
            return []
        }
        let data = detail.data ?? []
        guard String(validating: data, as: UTF8.self) != nil else {
            state.message = "E: \(path): binary data (\(data.count) bytes) cannot be edited as text"
            return []
        }
        return [.editInEditor(path: path, data: data, version: detail.stat.version)]
    }

    /// Tree view `o` on an ephemeral: the Clients view at its owner's
    /// connection (when a node's `cons` lists it).
    static func jumpToOwner(_ state: inout DashboardState) -> [DashboardEffect] {
        let path = state.tree.selectedPath
        guard let stat = state.tree.detail?.path == path ? state.tree.detail?.stat : state.tree.stats[path], stat.isEphemeral else {
            state.message = "o: \(path) is not an ephemeral node (no owner session)"
            return []
        }
        let session = UInt64(bitPattern: stat.ephemeralOwner)
        state.clientsSession = session
        let effects = show(&state, .clients)
        if let row = ClientsView.lines(state).firstIndex(where: { $0.session == session }) {
            state.clientsScroll = row
            state.message = "\(path) is owned by session 0x\(String(session, radix: 16))"
        } else {
            state.clientsScroll = 0
            state.message = "\(path): session 0x\(String(session, radix: 16)) is not (yet) among the connections cons lists"
        }
        return effects
    }

    /// A letter that does nothing here says so (k9s' habit), on the message row.
    static func sayUnknown(_ state: inout DashboardState, _ key: Key) {
        guard case .character(let character) = key, !character.isWhitespace else { return }
        state.message = "\(character): not a key of the \(state.view.title) view (? lists them, : runs a command)"
    }

    static func editEventsSearch(_ state: inout DashboardState, _ key: Key) -> [DashboardEffect] {
        switch key {
        case .enter:
            state.eventsQuery = state.eventsSearch?.text ?? ""
            state.eventsSearch = nil
        case .escape:
            state.eventsSearch = nil
        default:
            _ = state.eventsSearch?.apply(key)
        }
        state.eventsScroll = 0
        return []
    }

    /// `+` polls less often, `-` more often, through `pollIntervalSteps`.
    static func stepPollInterval(_ state: inout DashboardState, faster: Bool) -> [DashboardEffect] {
        let steps = DashboardState.pollIntervalSteps
        let current = steps.lastIndex { $0 <= state.pollIntervalMs } ?? 0
        let next = faster ? max(0, current - 1) : min(steps.count - 1, current + 1)
        guard steps[next] != state.pollIntervalMs else {
            state.message = "refresh every \(intervalText(state.pollIntervalMs)) (the \(faster ? "shortest" : "longest"))"
            return []
        }
        state.pollIntervalMs = steps[next]
        state.message = "refresh every \(intervalText(state.pollIntervalMs))"
        return [.setPollInterval(ms: state.pollIntervalMs)]
    }

    static func intervalText(_ ms: Int) -> String {
        ms < 1000 ? "\(ms) ms" : ms % 1000 == 0 ? "\(ms / 1000) s" : "\(Double(ms) / 1000) s"
    }

    /// Space: hold the screen still (polling goes on); space again shows the
    /// newest round, with every event that came meanwhile.
    static func toggleFreeze(_ state: inout DashboardState) -> [DashboardEffect] {
        state.frozen.toggle()
        if state.frozen {
            state.message = "frozen: polling goes on; space shows the newest"
            return []
        }
        if let held = state.heldCluster {
            let events = state.heldEvents
            state.heldCluster = nil
            state.heldEvents = []
            _ = reduce(&state, .cluster(held, newEvents: events))
        }
        state.message = "live again"
        return []
    }

    static let viewCount = DashboardView.allCases.count

    static func show(_ state: inout DashboardState, _ view: DashboardView) -> [DashboardEffect] {
        let before = state.view
        state.view = view
        // `cons` is asked only while the Clients view is on screen.
        var effects: [DashboardEffect] = []
        if (before == .clients) != (view == .clients) { effects.append(.connectionDetail(view == .clients)) }
        if view == .tree { effects += state.tree.activate(nowMs: state.nowMs).map(DashboardEffect.tree) }
        return effects
    }

    /// `<` / `>`: sort by the previous / next column (through "sid order"
    /// at both ends); `!` reverses. The selection stays on its node.
    static func sortEnsemble(_ state: inout DashboardState, _ key: Key) {
        let selected = state.selectedNodeIndex
        let count = EnsembleView.columns.count
        switch key {
        case .character("!"):
            guard var sort = state.ensembleSort else {
                state.message = "!: sort by a column first (< >)"
                return
            }
            sort.descending.toggle()
            state.ensembleSort = sort
        default:
            // Positions 0..<count are columns, count is "sid order".
            let current = state.ensembleSort?.column ?? count
            let next = key == .character(">") ? (current + 1) % (count + 1) : (current + count) % (count + 1)
            state.ensembleSort = next == count ? nil : EnsembleSort(column: next, descending: state.ensembleSort?.descending ?? false)
        }
        if let sort = state.ensembleSort {
            state.message = "sorted by \(EnsembleView.columns[sort.column].title) \(sort.descending ? "descending" : "ascending") (< > column, ! reverse)"
        } else {
            state.message = "sid order"
        }
        if let selected, let row = state.ensembleRows.firstIndex(of: selected) { state.ensembleSelection = row }
    }

    static func moveSelection(_ state: inout DashboardState, _ key: Key) {
        let last = max(0, state.cluster.rows.count - 1)
        let page = max(1, Layout.ensembleTableRows(state.size))
        switch key {
        case .down, .character("j"): state.ensembleSelection = min(last, state.ensembleSelection + 1)
        case .up, .character("k"): state.ensembleSelection = max(0, state.ensembleSelection - 1)
        case .home, .character("g"): state.ensembleSelection = 0
        case .end, .character("G"): state.ensembleSelection = last
        case .pageDown: state.ensembleSelection = min(last, state.ensembleSelection + page)
        case .pageUp: state.ensembleSelection = max(0, state.ensembleSelection - page)
        default: break
        }
    }

    /// Events scroll back in time: ↑ / k / PgUp / g move away from the newest line.
    static func scrollEvents(_ state: inout DashboardState, _ key: Key) {
        let maxScroll = max(0, EventsView.lineCount(state) - Layout.bodyRows(state.size))
        guard let move = ScrollMove(key, page: max(1, Layout.bodyRows(state.size) - 1)) else { return }
        state.eventsScroll = move.applied(to: state.eventsScroll, max: maxScroll, fromEnd: true)
    }

    /// The Election view scrolls down from its top.
    static func scrollElection(_ state: inout DashboardState, _ key: Key) {
        guard let move = ScrollMove(key, page: max(1, Layout.bodyRows(state.size) - 1)) else { return }
        state.electionScroll = move.applied(to: state.electionScroll, max: ElectionView.maxScroll(state), fromEnd: false)
    }

    static func handleMouse(_ state: inout DashboardState, _ mouse: MouseEvent) -> [DashboardEffect] {
        if state.showHelp {
            state.showHelp = false
            return []
        }
        // The tab bar: clicking a tab's title switches to it.
        if mouse.kind == .click, mouse.y == 0, let view = Layout.tab(atColumn: mouse.x, size: state.size) {
            return show(&state, view)
        }
        switch state.view {
        case .ensemble:
            switch mouse.kind {
            case .wheelUp: moveSelection(&state, .up)
            case .wheelDown: moveSelection(&state, .down)
            case .click:
                let row = mouse.y - Layout.ensembleFirstRowY
                if row >= 0, row < state.ensembleRows.count { state.ensembleSelection = row }
            }
        case .events:
            if mouse.kind == .wheelUp { scrollEvents(&state, .up) }
            if mouse.kind == .wheelDown { scrollEvents(&state, .down) }
        case .tree:
            return state.tree.handle(mouse: mouse, in: Layout.body(state.size), nowMs: state.nowMs).map(DashboardEffect.tree)
        case .election:
            if mouse.kind == .wheelUp { scrollElection(&state, .up) }
            if mouse.kind == .wheelDown { scrollElection(&state, .down) }
        case .clients:
            if mouse.kind == .wheelUp { state.clientsScroll = max(0, state.clientsScroll - 3) }
            if mouse.kind == .wheelDown { state.clientsScroll = min(max(0, ClientsView.lines(state).count - 1), state.clientsScroll + 3) }
        }
        return []
    }
}

/// What a list key does to a scrolled view: lines toward the end (negative:
/// toward the start), or all the way (g / G / Home / End).
enum ScrollMove: Equatable {
    case lines(Int)
    case toStart
    case toEnd

    init?(_ key: Key, page: Int) {
        switch key {
        case .down, .character("j"): self = .lines(1)
        case .up, .character("k"): self = .lines(-1)
        case .pageDown: self = .lines(page)
        case .pageUp: self = .lines(-page)
        case .home, .character("g"): self = .toStart
        case .end, .character("G"): self = .toEnd
        default: return nil
        }
    }

    /// The new offset in 0...max. `fromEnd`: the offset counts lines back
    /// from the end (the Events view), so moving toward the start raises it.
    func applied(to offset: Int, max maxOffset: Int, fromEnd: Bool) -> Int {
        switch self {
        case .lines(let count): min(maxOffset, max(0, offset + (fromEnd ? -count : count)))
        case .toStart: fromEnd ? maxOffset : 0
        case .toEnd: fromEnd ? 0 : maxOffset
        }
    }
}
