/// A listed znode: its sorted child names and whether it is open.
public struct TreeNode: Sendable, Equatable {
    /// All child names, sorted; nil until listed.
    public var children: [String]?
    /// The children on screen: `children`, or those passing the filter.
    var shown: [String] = []
    public var expanded = false
    /// A listChildren is outstanding.
    var loading = false
    /// A change came while loading: list again when the answer arrives.
    var needsRelist = false
    /// Names of children that are expanded (their rows sit under them).
    var openChildren: Set<String> = []
    /// Rows below this node when expanded (its shown children and theirs);
    /// 0 when collapsed.
    var rowsBelow = 0
    var error: String?
}

/// A measured subtree: its nodes (the root included) and their data bytes.
public struct SubtreeSize: Sendable, Equatable {
    public var nodes: Int
    public var bytes: Int

    /// "13 nodes, 2.1 KB"
    public var text: String {
        let size = bytes < 1024 ? "\(bytes) bytes" : bytes < 1 << 20 ? "\(bytes * 10 / 1024) KB" : "\(bytes * 10 / (1 << 20)) MB"
        let scaled = bytes < 1024 ? size : String(size.dropLast(3)).inserting(".", beforeLast: 1) + size.suffix(3)
        return "\(nodes) node\(nodes == 1 ? "" : "s"), \(scaled)"
    }
}

extension String {
    /// "21" → "2.1": a dot before the last `count` characters.
    func inserting(_ dot: Character, beforeLast count: Int) -> String {
        var text = self
        if text.count <= count { text = String(repeating: "0", count: count - text.count + 1) + text }
        text.insert(dot, at: text.index(text.endIndex, offsetBy: -count))
        return text
    }
}

/// One row of the flattened tree.
public struct TreeRow: Sendable, Equatable {
    public var path: String
    public var name: String
    public var depth: Int
}

/// A text prompt or a y/n question in the tree's status line. What is typed
/// is `TreeState.field`.
public enum TreePrompt: Sendable, Equatable {
    /// `f`: narrows every listed node's children to names containing the text, live.
    case filter
    /// `/`: moves to the first node whose path matches, live; Enter keeps the query for n / N.
    case search
    /// Name of a new child of `parent`, with optional "-e" / "-s" flags.
    case createName(parent: String)
    case createData(path: String, ephemeral: Bool, sequential: Bool)
    case setData(path: String, version: Int32)
    /// `a`: a digest identity, "user:password" (shown masked).
    case addAuth
    /// `g`: a full path to go to.
    case goto
    /// `C` / `M`: where the selected subtree goes.
    case copyTo(from: String, move: Bool)
    /// y runs the command, anything else cancels.
    case confirm(question: String, command: TreeCommand)

    var capturesText: Bool {
        if case .confirm = self { return false }
        return true
    }
}

/// The tree view's state: the listed part of the tree indexed so that any
/// row is found without walking the others (rendering and navigation cost
/// depends on the rows on screen and the nodes opened, not on child counts).
public struct TreeState: Sendable, Equatable {
    /// Listed nodes by path ("/" always).
    public internal(set) var nodes: [String: TreeNode] = [:]
    /// Stats of rows (from listChildren for parents, `.stats` for rows on screen).
    public internal(set) var stats: [String: TreeStat] = [:]
    var statRequested: Set<String> = []
    /// Create / set / delete sent and not answered yet, oldest first.
    var pendingMutations: [TreeCommand] = []
    public internal(set) var selectedPath = "/"
    public internal(set) var selectedIndex = 0
    public internal(set) var scrollTop = 0
    /// Tree rows on screen; the renderer uses its own rect, this sizes paging
    /// and the stats requests. The shell may set it on resize (`TreeLayout.treeRows`).
    public var viewportRows = 40
    /// Committed filter (case-insensitive substring of names); "" for none.
    public internal(set) var filter = ""
    public internal(set) var prompt: TreePrompt?
    /// The text typed at the prompt, with its cursor.
    public internal(set) var field = LineEditor()
    /// The kept `/` query (n / N repeat it); "" for none.
    public internal(set) var searchQuery = ""
    /// Where `/` started: typing searches from here, Esc comes back here.
    var searchOrigin = "/"
    /// After the field while searching: "no match among 9 loaded nodes".
    public internal(set) var searchNote: String?
    /// Enter found nothing loaded: the branches never opened being listed.
    var deepSearch: DeepSearch?
    /// `g`: the path being reached while its ancestors are listed.
    public internal(set) var pendingGoto: String?
    /// Subtree sizes measured (`s`, `D`), by path: nodes (itself included), data bytes.
    public internal(set) var subtreeSizes: [String: SubtreeSize] = [:]
    /// `D` waits for this subtree's size before asking y/n.
    var pendingDelete: String?
    public internal(set) var detail: NodeDetail?
    public internal(set) var detailError: String?
    public internal(set) var watchers: WatchersInfo?
    /// The selected node answered NoAuth: this is its path, and its ACL when
    /// getACL was allowed (`deniedACL`).
    public internal(set) var deniedPath: String?
    public internal(set) var deniedACL: [TreeACLEntry]?
    /// The session's identities ("ip:127.0.0.1", "digest:bob"); nil until
    /// whoAmI answers or when the server has none (`identitiesNote` says).
    public internal(set) var identities: [String]?
    public internal(set) var identitiesNote: String?
    /// What the detail's data is (decided when it arrives).
    public internal(set) var dataKind: DataKind = .null
    /// `v`: text and JSON as a hex dump too (binary data always is).
    public internal(set) var showHex = false
    /// `p`: JSON as its raw text instead of pretty-printed.
    public internal(set) var rawJSON = false
    /// The detail's data as text or JSON lines (formatted when it arrives).
    public internal(set) var dataLines: [String] = []
    /// Detail lines scrolled past (J / K), below the path line.
    public internal(set) var detailScroll = 0
    /// Changed paths and when their highlight ends (ms).
    public internal(set) var highlights: [String: Int64] = [:]
    /// Status line text (results, errors, "read-only (--read-only)").
    public internal(set) var message: String?
    public internal(set) var messageIsError = false
    public internal(set) var connection = "connecting…"
    public internal(set) var activated = false

    /// How long a changed row stays highlighted.
    public static let highlightMs: Int64 = 2000
    /// Above this many children, a watch event re-lists the parent instead of
    /// editing its sorted array in place (bursts coalesce into one list).
    static let inPlaceLimit = 1000

    public init() {
        nodes["/"] = TreeNode()
    }

    /// True while the tree takes every key (filter or text entry, confirmation).
    public var capturesKeys: Bool { prompt != nil }

    public var dataDisplay: DataDisplay {
        if showHex || dataKind == .binary { return .hex }
        return dataKind == .json && !rawJSON ? .prettyJSON : .text
    }

    /// Rows in the flattened tree ("/" is row 0).
    public var rowCount: Int { 1 + (nodes["/"]?.rowsBelow ?? 0) }
}

// MARK: Paths

enum TreePath {
    static func parent(_ path: String) -> String? {
        guard path != "/" else { return nil }
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func name(_ path: String) -> String {
        guard path != "/", let slash = path.lastIndex(of: "/") else { return "/" }
        return String(path[path.index(after: slash)...])
    }

    static func child(_ parent: String, _ name: String) -> String {
        parent == "/" ? "/" + name : parent + "/" + name
    }

    static func depth(_ path: String) -> Int {
        path == "/" ? 0 : path.reduce(0) { $0 + ($1 == "/" ? 1 : 0) }
    }

    /// Apache's sequential suffix: ten digits.
    static func isSequential(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard utf8.count >= 10 else { return false }
        return utf8.suffix(10).allSatisfy { $0 >= 48 && $0 <= 57 }
    }
}

extension Array where Element == String {
    /// Index of the first element not less than `value` (the array is sorted).
    func lowerBound(_ value: String) -> Int {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if self[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    func sortedIndex(of value: String) -> Int? {
        let index = lowerBound(value)
        return index < count && self[index] == value ? index : nil
    }

    var isSortedAscending: Bool {
        var index = 1
        while index < count {
            if self[index - 1] > self[index] { return false }
            index += 1
        }
        return true
    }
}

// MARK: The flattened tree, indexed

extension TreeState {
    /// Expanded shown children of `path` as (index in shown, name), in order.
    func openKids(_ path: String) -> [(index: Int, name: String)] {
        guard let node = nodes[path], !node.openChildren.isEmpty else { return [] }
        var kids: [(index: Int, name: String)] = []
        for name in node.openChildren {
            if let index = node.shown.sortedIndex(of: name) { kids.append((index, name)) }
        }
        return kids.sorted { $0.index < $1.index }
    }

    func rowsBelow(_ path: String) -> Int { nodes[path]?.rowsBelow ?? 0 }

    /// The row at `index` of the flattened tree.
    public func row(at index: Int) -> TreeRow? {
        guard index >= 0, index < rowCount else { return nil }
        if index == 0 { return TreeRow(path: "/", name: "/", depth: 0) }
        var parent = "/"
        var remaining = index - 1
        var depth = 1
        while true {
            guard let node = nodes[parent] else { return nil }
            var skipped = 0
            var descended = false
            for kid in openKids(parent) {
                let kidRow = kid.index + skipped
                if remaining < kidRow { break }
                let size = rowsBelow(TreePath.child(parent, kid.name))
                if remaining == kidRow {
                    return TreeRow(path: TreePath.child(parent, kid.name), name: kid.name, depth: depth)
                }
                if remaining <= kidRow + size {
                    remaining -= kidRow + 1
                    parent = TreePath.child(parent, kid.name)
                    depth += 1
                    descended = true
                    break
                }
                skipped += size
            }
            if descended { continue }
            let position = remaining - skipped
            guard position >= 0, position < node.shown.count else { return nil }
            let name = node.shown[position]
            return TreeRow(path: TreePath.child(parent, name), name: name, depth: depth)
        }
    }

    /// Rows `range` of the flattened tree (what a screen shows).
    public func rows(_ range: Range<Int>) -> [TreeRow] {
        let clamped = max(0, range.lowerBound)..<min(rowCount, max(range.lowerBound, range.upperBound))
        return clamped.compactMap { row(at: $0) }
    }

    /// The flattened index of `path`, nil when it is not on screen (a
    /// collapsed ancestor, filtered out, not listed).
    public func index(of path: String) -> Int? {
        if path == "/" { return 0 }
        guard let parent = TreePath.parent(path), let parentIndex = index(of: parent),
              let node = nodes[parent], node.expanded else { return nil }
        let name = TreePath.name(path)
        guard let position = node.shown.sortedIndex(of: name) else { return nil }
        var offset = position
        for kid in openKids(parent) where kid.index < position {
            offset += rowsBelow(TreePath.child(parent, kid.name))
        }
        return parentIndex + 1 + offset
    }

    /// Recomputes `path`'s row count and its ancestors'.
    mutating func recount(from path: String) {
        var current: String? = path
        while let path = current {
            guard var node = nodes[path] else { return }
            var total = 0
            if node.expanded {
                total = node.shown.count
                for kid in openKids(path) { total += rowsBelow(TreePath.child(path, kid.name)) }
            }
            node.rowsBelow = total
            nodes[path] = node
            current = TreePath.parent(path)
        }
    }

    /// Registers `path` as open (or not) in its parent's set.
    mutating func setOpen(_ path: String, _ open: Bool) {
        guard let parent = TreePath.parent(path), nodes[parent] != nil else { return }
        let name = TreePath.name(path)
        if open { nodes[parent]!.openChildren.insert(name) } else { nodes[parent]!.openChildren.remove(name) }
    }

    /// The shown children for the current filter. A child passes when its
    /// name contains the filter or it is expanded (what is inside stays reachable).
    func shownChildren(_ node: TreeNode) -> [String] {
        guard let children = node.children else { return [] }
        guard !filter.isEmpty else { return children }
        let needle = filter.lowercased()
        let open = node.openChildren
        if needle.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII filter: bytes compared in place, no lowercased copy per name
            // (UTF-8 never hides an ASCII byte inside a longer character).
            let bytes = Array(needle.utf8)
            return children.filter { open.contains($0) || Self.asciiContains($0, lowercasedNeedle: bytes) }
        }
        return children.filter { open.contains($0) || $0.lowercased().contains(needle) }
    }

    static func asciiContains(_ name: String, lowercasedNeedle needle: [UInt8]) -> Bool {
        var name = name
        return name.withUTF8 { haystack in
            let count = needle.count
            guard haystack.count >= count else { return false }
            var start = 0
            while start <= haystack.count - count {
                var matched = 0
                while matched < count {
                    var byte = haystack[start + matched]
                    if byte >= 0x41, byte <= 0x5A { byte += 0x20 }
                    if byte != needle[matched] { break }
                    matched += 1
                }
                if matched == count { return true }
                start += 1
            }
            return false
        }
    }

    /// Applies the filter to every listed node and recounts everything.
    mutating func refilter() {
        // Deepest first so that parents add up their children's new counts.
        let paths = nodes.keys.sorted { TreePath.depth($0) > TreePath.depth($1) }
        for path in paths {
            guard var node = nodes[path] else { continue }
            node.shown = shownChildren(node)
            nodes[path] = node
        }
        for path in paths {
            guard var node = nodes[path] else { continue }
            var total = 0
            if node.expanded {
                total = node.shown.count
                for kid in openKids(path) { total += rowsBelow(TreePath.child(path, kid.name)) }
            }
            node.rowsBelow = total
            nodes[path] = node
        }
    }
}
