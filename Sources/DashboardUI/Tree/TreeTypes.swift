/// The tree view's state, its requests to the client and the answers.
/// (Owned by the tree view; see Tree/README in docs/dashboard.md.)
public struct TreeState: Sendable, Equatable {
    public init() {}
}

/// A request of the tree view to the ZooKeeper client (executed by the shell).
public enum TreeCommand: Sendable, Equatable {
    case listChildren(path: String)
}

/// An answer to a `TreeCommand`, or a watch notification.
public enum TreeInput: Sendable, Equatable {
    case children(path: String, names: [String])
}

extension TreeState {
    /// True while the tree takes every key (filter or text entry, confirmation).
    public var capturesKeys: Bool { false }

    /// The view became visible: load what is needed.
    public mutating func activate(nowMs: Int64) -> [TreeCommand] { [] }

    /// A key while the Tree view is shown.
    public mutating func handle(_ key: Key, readOnly: Bool, nowMs: Int64) -> [TreeCommand] { [] }

    /// A click or wheel inside the tree's area.
    public mutating func handle(mouse: MouseEvent, in rect: Rect, nowMs: Int64) -> [TreeCommand] { [] }

    /// An answer from the client or a watch notification.
    public mutating func handle(_ input: TreeInput, nowMs: Int64) -> [TreeCommand] { [] }
}

public enum TreeRenderer {
    public static func render(_ state: TreeState, into buffer: inout CellBuffer, rect: Rect, nowMs: Int64) {}
}
