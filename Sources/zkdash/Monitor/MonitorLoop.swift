import DashboardUI
import EnsembleMonitor
import Foundation
import TerminalUI

/// The dashboard's main loop, run on the one thread that owns curses: keys →
/// reduce; inbox (polls, tree answers) → reduce; ticks; after any change,
/// render and write the cells that differ. Effects that need I/O go to
/// `perform`, which runs them off this thread and posts results to the inbox.
final class MonitorLoop {
    struct Options {
        var readOnly: Bool
        var targetDescription: String
        /// Read on every tick: what the banner says once connections tell
        /// more (to whom the servers' TLS certificates were issued).
        var liveTargetDescription: (@Sendable () -> String)? = nil
        var themes: MonitorThemes
        var members: [Member]
        var settings: MonitorSettings
        /// Under `zkdash demo`: its nodes (the reducer then accepts K, R, P, L).
        var demo: DemoStatus? = nil
        /// Seconds between poll rounds at start (`+` / `-` change it).
        var intervalSeconds: Double = 1
        /// `:ctx`: the config file's contexts, the one watched, the file.
        var contextNames: [String] = []
        var contextName: String? = nil
        var contextFile: String? = nil
        /// `:ctx NAME`: why that context cannot be watched (its flags do not
        /// parse), or nil; asked before the dashboard is left.
        var checkContext: @Sendable (String) -> String? = { _ in nil }
    }

    /// `:ctx NAME` ended the loop: watch that context next, keeping the
    /// theme and refresh interval the operator had.
    struct ContextSwitch: Sendable {
        var name: String
        var themeName: String
        var intervalSeconds: Double
    }

    private let options: Options
    private let inbox: Inbox
    private let performTree: @Sendable (TreeCommand) -> Void
    private let performDemo: @Sendable (DemoAction) -> Void
    private let setPollInterval: @Sendable (Double) -> Void
    private let askWord: @Sendable (String, Int) -> Void
    private let setConnectionDetail: @Sendable (Bool) -> Void
    /// Milliseconds between ticks (clocks, highlight fading).
    private let tickMs: Int64 = 250
    /// Every 5 s (see `MemoryTrim`).
    private let trimEveryTicks = 20
    /// Longest wait for a key before the inbox and ticks are looked at.
    private let readTimeoutMs = 30

    /// `performDemo` runs `.demo` effects (the reducer emits them only when `options.demo` is set).
    init(options: Options, inbox: Inbox, performTree: @escaping @Sendable (TreeCommand) -> Void,
         performDemo: @escaping @Sendable (DemoAction) -> Void, setPollInterval: @escaping @Sendable (Double) -> Void = { _ in },
         askWord: @escaping @Sendable (String, Int) -> Void = { _, _ in },
         setConnectionDetail: @escaping @Sendable (Bool) -> Void = { _ in }) {
        self.setConnectionDetail = setConnectionDetail
        self.askWord = askWord
        self.setPollInterval = setPollInterval
        self.options = options
        self.inbox = inbox
        self.performTree = performTree
        self.performDemo = performDemo
    }

    /// Runs until `q`/Ctrl-C (nil) or `:ctx NAME` (the switch); throws when
    /// there is no terminal.
    func run() throws -> ContextSwitch? {
        let terminal = Terminal()
        let environment = ProcessInfo.processInfo.environment
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        try terminal.start(colorsAllowed: !noColor)
        defer { terminal.stop() }

        var themes = options.themes
        var state = DashboardState(
            size: terminal.size,
            cluster: ClusterModel(members: options.members, settings: options.settings),
            readOnly: options.readOnly,
            targetDescription: options.targetDescription)
        state.demo = options.demo
        state.pollIntervalMs = Int((options.intervalSeconds * 1000).rounded())
        state.themeCount = themes.themes.count
        state.themeIndex = themes.index
        state.themeName = themes.themes[themes.index].name
        state.themeNames = themes.themes.map(\.name)
        state.message = themes.problem
        state.contextNames = options.contextNames
        state.contextName = options.contextName
        state.contextFile = options.contextFile
        state.timeZoneOffsetSeconds = Self.localOffsetSeconds()
        state.nowMs = Self.nowMs()

        let capability = noColor ? .none
            : ColorCapabilityDetector.detect(environment: environment, terminalColors: terminal.colorCount)
        func colors(for index: Int) -> ColorPairs {
            let pairs = ColorPairs(theme: themes.themes[index].degraded(to: capability), capability: capability,
                                   maxPairs: max(1, terminal.colorPairLimit))
            terminal.install(pairs)
            return pairs
        }
        let writer = FrameWriter(colors: colors(for: themes.index))
        writer.write(Dashboard.render(state))
        var nextTick = state.nowMs + tickMs
        var ticks = 0

        while true {
            // A deferred SIGINT / SIGTERM / SIGHUP (zkdash demo) ends the loop like q.
            if Terminal.pendingTerminationSignal != nil { return nil }
            var changed = false
            var effects: [DashboardEffect] = []
            var clipboard: [String] = []
            // Keys first, all that are waiting; wait only when the inbox is empty.
            var wait = readTimeoutMs
            while let input = terminal.read(timeoutMs: wait) {
                wait = 0
                switch input {
                case .key(let key): effects += Dashboard.reduce(&state, .key(key))
                case .mouse(let event): effects += Dashboard.reduce(&state, .mouse(event))
                case .resize:
                    effects += Dashboard.reduce(&state, .resize(terminal.size))
                    writer.invalidate()
                case .ignored: continue
                }
                changed = true
                if effects.contains(.quit) { break }
            }
            for input in inbox.drain() {
                effects += Dashboard.reduce(&state, input)
                changed = true
            }
            let now = Self.nowMs()
            if now >= nextTick {
                effects += Dashboard.reduce(&state, .tick(nowMs: now))
                if let live = options.liveTargetDescription?(), live != state.targetDescription {
                    state.targetDescription = live
                }
                nextTick = now + tickMs
                changed = true
                ticks += 1
                // Listing a 100k-child znode leaves megabytes of freed reply
                // buffers in malloc's arenas; hand them back to the system
                // now and then so the resident size stays that of the state.
                if ticks % trimEveryTicks == 0 { MemoryTrim.releaseFreedHeap() }
            }
            for effect in effects {
                switch effect {
                case .quit:
                    return nil
                case .switchContext(let name):
                    if let problem = options.checkContext(name) {
                        state.message = ":ctx \(name): \(problem)"
                        changed = true
                    } else {
                        return ContextSwitch(name: name, themeName: state.themeName, intervalSeconds: Double(state.pollIntervalMs) / 1000)
                    }
                case .selectTheme(let index):
                    guard themes.themes.indices.contains(index) else { continue }
                    themes.index = index
                    state.themeName = themes.themes[index].name
                    writer.setColors(colors(for: index))
                case .tree(let command):
                    performTree(command)
                case .demo(let action):
                    performDemo(action)
                case .setPollInterval(let ms):
                    setPollInterval(Double(ms) / 1000)
                case let .editInEditor(path, data, version):
                    if let edited = Self.runEditor(data, terminal: terminal, message: &state.message) {
                        effects += Dashboard.reduce(&state, .tree(.edited(path: path, data: edited, version: version)))
                    }
                    writer.invalidate()
                    changed = true
                case .connectionDetail(let on):
                    setConnectionDetail(on)
                case .copyToClipboard(let text):
                    clipboard.append(text)
                case let .fourLetterWord(word, memberIndex):
                    askWord(word, memberIndex)
                case let .writeFile(name, contents):
                    // A new file only: an existing one is never overwritten.
                    if FileManager.default.fileExists(atPath: name) {
                        state.message = "w: \(name) exists; not overwritten"
                    } else if FileManager.default.createFile(atPath: name, contents: Data(contents.utf8)) {
                        state.message = "wrote \(contents.split(separator: "\n").count) events to \(FileManager.default.currentDirectoryPath)/\(name)"
                    } else {
                        state.message = "w: cannot write \(name) in \(FileManager.default.currentDirectoryPath)"
                    }
                    changed = true
                }
            }
            if changed { writer.write(Dashboard.render(state)) }
            for text in clipboard { terminal.copyToClipboard(text) }
            clipboard = []
        }
    }

    /// `E`: the data in a temporary file, $VISUAL or $EDITOR (else vi) on it
    /// with the terminal handed over, and the file's bytes afterwards; nil
    /// (with the reason in `message`) when the editor failed.
    static func runEditor(_ data: [UInt8], terminal: Terminal, message: inout String?) -> [UInt8]? {
        let environment = ProcessInfo.processInfo.environment
        let editor = environment["VISUAL"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zkdash-edit-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).txt")
        guard FileManager.default.createFile(atPath: file.path, contents: Data(data), attributes: [.posixPermissions: 0o600]) else {
            message = "E: cannot write \(file.path)"
            return nil
        }
        defer { try? FileManager.default.removeItem(at: file) }
        let status: Int32 = terminal.suspended {
            // Through the shell, so EDITOR may carry arguments ("code -w").
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", editor + " \"$1\"", "sh", file.path]
            do {
                try process.run()
                process.waitUntilExit()
                return process.terminationStatus
            } catch {
                return -1
            }
        }
        guard status == 0 else {
            message = "E: \(editor) exited with status \(status); nothing set"
            return nil
        }
        guard let edited = FileManager.default.contents(atPath: file.path) else {
            message = "E: cannot read \(file.path) back"
            return nil
        }
        return Array(edited)
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    static func localOffsetSeconds() -> Int {
        var now = time(nil)
        var local = tm()
        localtime_r(&now, &local)
        return local.tm_gmtoff
    }
}
