import EnsembleModel

/// A key as the terminal layer decodes it (curses key codes, escape sequences).
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    /// Ctrl plus a letter, lower case (`.control("c")`).
    case control(Character)
    case function(Int)
}

public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case click, wheelUp, wheelDown }
    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}

/// Everything that can change the dashboard.
public enum DashboardInput: Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(ScreenSize)
    /// A poll round finished: the model after it and the events it added.
    case cluster(ClusterModel, newEvents: [MonitorEvent])
    /// Time passed (highlight fading, clocks); wall-clock ms since 1970.
    case tick(nowMs: Int64)
    /// An answer or a watch notification for the tree view.
    case tree(TreeInput)
    /// News from `zkdash demo`: node processes, the write load, events.
    case demo(DemoUpdate)
    /// A text to show in a box (`:4lw`'s answer, or why there is none).
    case overlay(TextOverlay)
}

/// What the reducer asks the I/O shell to do.
public enum DashboardEffect: Sendable, Equatable {
    case quit
    /// Switch to the theme at this position of the theme list (`t` cycles).
    case selectTheme(index: Int)
    case tree(TreeCommand)
    /// Kill, restart, pause or resume a node `zkdash demo` started; turn its write load on or off.
    case demo(DemoAction)
    /// `+` / `-`: poll every this many milliseconds from the next round on.
    case setPollInterval(ms: Int)
    /// Events view `w`: write these lines to a new file of this name in the
    /// working directory; the shell reports the outcome on the message line.
    case writeFile(name: String, contents: String)
    /// `:4lw`: ask the node at this member index; the answer comes back as `.overlay`.
    case fourLetterWord(word: String, memberIndex: Int)
    /// Tree view `y`: put this text on the terminal's clipboard (OSC 52).
    case copyToClipboard(String)
    /// The Clients view came on screen (true) or left it: poll `cons` or stop.
    case connectionDetail(Bool)
    /// Tree view `E`: edit this node's data in $VISUAL / $EDITOR; the text
    /// comes back as `.tree(.edited(…))`, to be confirmed.
    case editInEditor(path: String, data: [UInt8], version: Int32)
    /// `:ctx NAME`: leave this ensemble and watch the one that context names.
    case switchContext(String)
}

/// The kinds of events the Events view shows (`f` cycles through them).
public enum EventsFilter: String, Sendable, CaseIterable {
    case all, elections, states, quorum, lag, membership, dashboard

    /// `dashboard`: the demo's actions and clients, the Tree view's session.
    func admits(_ kind: MonitorEvent.Kind) -> Bool {
        switch self {
        case .all: true
        case .elections: kind == .election
        case .states: kind == .state || kind == .initial
        case .quorum: kind == .quorum
        case .lag: kind == .lag
        case .membership: kind == .membership
        case .dashboard: false
        }
    }

    var admitsShellEvents: Bool { self == .all || self == .dashboard }

    var next: EventsFilter {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }
}
