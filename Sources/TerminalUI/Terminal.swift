import CNcursesShim
import DashboardUI
import Glibc

/// The curses terminal: start and stop, size, reads, colours. Not thread-safe:
/// one thread owns it from `start` to `stop`. Signal and atexit handlers put the
/// terminal back even when the process dies (SIGINT, SIGTERM, SIGSEGV, traps).
public final class Terminal {
    public enum StartError: Error, CustomStringConvertible {
        case noTerminal
        public var description: String { "cannot start the terminal (is stdout a terminal and TERM set?)" }
    }

    public private(set) var isRunning = false
    /// What the terminal can show, after `start`.
    public private(set) var colorCapability: ColorCapability = .none

    public init() {}

    /// `colorsAllowed`: false for NO_COLOR (no colour calls at all).
    public func start(colorsAllowed: Bool) throws {
        guard zk_term_start(colorsAllowed ? 1 : 0) == 0 else { throw StartError.noTerminal }
        isRunning = true
        colorCapability = colorsAllowed ? Self.capability(colors: Int(zk_term_colors())) : .none
    }

    public func stop() {
        guard isRunning else { return }
        zk_term_stop()
        isRunning = false
    }

    /// Processes to stop if a signal ends the process while the handlers are
    /// installed (the demo's nodes): after SIGINT / SIGTERM / SIGHUP they get
    /// SIGTERM and 2 s, after a crash SIGKILL; each is reaped. Any thread.
    public static func stopOnFatalSignal(_ pids: [Int32]) {
        pids.withUnsafeBufferPointer { zk_term_set_children($0.baseAddress, Int32($0.count)) }
    }

    /// The first SIGINT, SIGTERM or SIGHUP only sets `pendingTerminationSignal`,
    /// for a loop that ends cleanly on it; a second one acts at once. The
    /// handlers are installed from here on, before `start`.
    public static func deferTerminationSignals() {
        zk_term_defer_termination(1)
    }

    /// The deferred termination signal received, if any.
    public static var pendingTerminationSignal: Int32? {
        let signal = zk_term_pending_termination()
        return signal == 0 ? nil : signal
    }

    public var size: ScreenSize {
        var columns: Int32 = 0
        var rows: Int32 = 0
        zk_term_size(&columns, &rows)
        return ScreenSize(columns: Int(columns), rows: Int(rows))
    }

    public var colorPairLimit: Int { Int(zk_term_color_pairs()) }

    /// terminfo's colour count once colours are started (0 without colours).
    public var colorCount: Int { Int(zk_term_colors()) }

    /// Reads one input, waiting up to `timeoutMs`; nil when none came.
    public func read(timeoutMs: Int) -> DecodedInputWithMouse? {
        var value: UInt32 = 0
        var isCode: Int32 = 0
        guard zk_term_read(Int32(timeoutMs), &value, &isCode) == 0 else { return nil }
        let decoded = KeyDecoder.decode(isCode != 0 ? .code(Int32(bitPattern: value)) : .character(value))
        switch decoded {
        case .mousePending:
            var x: Int32 = 0, y: Int32 = 0
            var state: UInt64 = 0
            guard zk_term_mouse(&x, &y, &state) == 0,
                  let event = KeyDecoder.mouse(x: Int(x), y: Int(y), buttonState: state) else { return .ignored }
            return .mouse(event)
        case .key(let key): return .key(key)
        case .resize: return .resize
        case .ignored: return .ignored
        }
    }

    /// Defines the theme's colour pairs in curses.
    /// Puts `text` on the terminal's clipboard with OSC 52 (xterm, kitty,
    /// iTerm2, tmux with set-clipboard, …; a terminal without it ignores the
    /// sequence). Written after curses' refresh: it draws nothing and moves no cursor.
    public func copyToClipboard(_ text: String) {
        let sequence = Array(("\u{1B}]52;c;" + Self.base64(Array(text.utf8)) + "\u{07}").utf8)
        sequence.withUnsafeBytes { _ = Glibc.write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
            for position in 0..<4 {
                out.append(position <= chunk.count ? alphabet[(value >> (18 - 6 * position)) & 63] : "=")
            }
            index += 3
        }
        return out
    }

    /// Gives the terminal to another program while `body` runs (an editor),
    /// then takes it back; the caller repaints everything afterwards.
    public func suspended<T>(_ body: () throws -> T) rethrows -> T {
        zk_term_suspend()
        defer { zk_term_resume() }
        return try body()
    }

    public func install(_ colors: ColorPairs) {
        guard colors.capability != .none else { return }
        for (pair, colours) in colors.pairs.sorted(by: { $0.key < $1.key }) {
            _ = zk_term_init_pair(pair, colours.foreground, colours.background)
        }
    }

    static func capability(colors: Int) -> ColorCapability {
        if colors >= 256 { return .palette256 }
        if colors >= 16 { return .sixteen }
        if colors >= 8 { return .eight }
        return .none
    }
}

/// One read, decoded, with mouse events already fetched.
public enum DecodedInputWithMouse: Equatable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize
    case ignored
}
