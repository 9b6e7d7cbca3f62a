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
}

/// What the reducer asks the I/O shell to do.
public enum DashboardEffect: Sendable, Equatable {
    case quit
    /// Switch to the theme at this position of the theme list (`t` cycles).
    case selectTheme(index: Int)
    case tree(TreeCommand)
    /// Kill, restart, pause or resume a node `zkdash demo` started; turn its write load on or off.
    case demo(DemoAction)
}
