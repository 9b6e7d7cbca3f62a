/// `/` search and n / N over every path the tree knows: the children of every
/// node ever listed, inside collapsed branches and behind the filter too, not
/// only the rows on screen. A match is revealed (its ancestors opened) and
/// selected. When nothing loaded matches, Enter lists the branches never
/// opened, breadth first and bounded (`DeepSearch`), until a match turns up.
extension TreeState {
    /// Paths in tree order (a parent before its children, siblings sorted)
    /// that contain `query` (case-insensitive) ending in their own name:
    /// "conf" finds /app/config, "app/con" too, and "/app/" does not find
    /// everything under /app. Costs one pass over the known names.
    func searchMatches(_ query: String) -> [String] {
        let needle = query.lowercased()
        guard !needle.isEmpty else { return [] }
        // Children that are listed themselves, by parent: where to descend.
        var listedKids: [String: Set<String>] = [:]
        for (path, node) in nodes where path != "/" && node.children != nil {
            if let parent = TreePath.parent(path) { listedKids[parent, default: []].insert(TreePath.name(path)) }
        }
        let ascii = needle.utf8.allSatisfy { $0 < 0x80 } ? Array(needle.utf8) : nil
        let spansLevels = needle.contains("/")
        var matches: [String] = []
        func visit(_ path: String) {
            guard let names = nodes[path]?.children else { return }
            let prefix = path == "/" ? "/" : path + "/"
            // A query with "/" may start in the parent's path: its last characters.
            let context = spansLevels ? String(prefix.suffix(needle.count - 1)) : ""
            let descend = listedKids[path] ?? []
            for name in names {
                let matched: Bool
                if spansLevels {
                    matched = (context + name).lowercased().contains(needle)
                } else if let ascii {
                    matched = Self.asciiContains(name, lowercasedNeedle: ascii)
                } else {
                    matched = name.lowercased().contains(needle)
                }
                let listed = descend.contains(name)
                guard matched || listed else { continue }
                let child = prefix + name
                if matched { matches.append(child) }
                if listed { visit(child) }
            }
        }
        visit("/")
        return matches
    }

    /// Nodes the tree knows: "/" and the children of every listed node.
    var knownNodeCount: Int {
        nodes.values.reduce(1) { $0 + ($1.children?.count ?? 0) }
    }

    /// True when `a` comes before `b` in tree order.
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.split(separator: "/").lexicographicallyPrecedes(b.split(separator: "/"))
    }

    /// A key typed at the `/` prompt: the first match from where the search started.
    mutating func searchAsTyped() -> [TreeCommand] {
        let query = field.text
        guard !query.isEmpty else {
            searchNote = nil
            return reveal(searchOrigin)
        }
        let matches = searchMatches(query)
        guard let target = matches.first(where: { !Self.precedes($0, searchOrigin) }) ?? matches.first else {
            searchNote = "no match among \(knownNodeCount) loaded nodes; Enter searches the rest"
            return reveal(searchOrigin)
        }
        searchNote = "\(matches.firstIndex(of: target)! + 1) of \(matches.count)"
        return reveal(target)
    }

    /// Enter at the `/` prompt: the query is kept for n / N; with no match
    /// among the loaded nodes, the branches never opened are searched.
    mutating func keepSearch() -> [TreeCommand] {
        searchNote = nil
        deepSearch = nil
        let query = field.text
        guard !query.isEmpty else { return [] }
        searchQuery = query
        let matches = searchMatches(query)
        if let position = matches.firstIndex(of: selectedPath) {
            say("'\(query)': match \(position + 1) of \(matches.count) · n next, N previous", error: false)
            return []
        }
        deepSearch = DeepSearch(query: query, queue: unlistedKnownPaths())
        say("searching the branches never opened for '\(query)'…", error: false)
        return continueDeepSearch()
    }

    /// Known nodes whose children were never listed, shallowest first.
    func unlistedKnownPaths() -> [String] {
        var found: [String] = []
        var level = ["/"]
        while !level.isEmpty {
            var next: [String] = []
            for path in level {
                for name in nodes[path]?.children ?? [] {
                    let child = TreePath.child(path, name)
                    if nodes[child]?.children != nil { next.append(child) } else { found.append(child) }
                }
            }
            level = next
        }
        return found
    }

    /// Sends the next listings, at most `DeepSearch.concurrency` at a time and
    /// `DeepSearch.budget` in all; ends the search when nothing is left.
    mutating func continueDeepSearch() -> [TreeCommand] {
        guard var search = deepSearch else { return [] }
        var commands: [TreeCommand] = []
        while search.inFlight.count < DeepSearch.concurrency, search.listed + search.inFlight.count < DeepSearch.budget,
              search.next < search.queue.count {
            let path = search.queue[search.next]
            search.next += 1
            guard nodes[path]?.children == nil else { continue }
            search.inFlight.insert(path)
            commands.append(.listChildren(path: path))
        }
        deepSearch = search
        if search.inFlight.isEmpty {
            deepSearch = nil
            let stopped = search.listed >= DeepSearch.budget && search.next < search.queue.count
            say(stopped
                ? "no match for '\(search.query)' after listing \(search.listed) more nodes (\(knownNodeCount) known); Enter on / again goes on"
                : "no match for '\(search.query)' in the whole tree (\(knownNodeCount) nodes)", error: true)
        }
        return commands
    }

    /// A listing the deep search asked for came back (nil names: it failed).
    mutating func deepSearchListed(_ path: String, names: [String]?) -> [TreeCommand] {
        guard var search = deepSearch, search.inFlight.remove(path) != nil else { return [] }
        search.listed += 1
        if let names { search.queue += names.map { TreePath.child(path, $0) } }
        deepSearch = search
        let lastPart = search.query.lowercased().split(separator: "/").last.map(String.init) ?? ""
        if let names, names.contains(where: { lastPart.isEmpty || $0.lowercased().contains(lastPart) }),
           let first = searchMatches(search.query).first {
            deepSearch = nil
            let commands = reveal(first)
            let count = searchMatches(search.query).count
            say("'\(search.query)': found after listing \(search.listed) more nodes · match 1 of \(count) · n next, N previous",
                error: false)
            return commands
        }
        return continueDeepSearch()
    }

    /// n (forward) and N: the next or previous match of the kept query, wrapping.
    mutating func searchAgain(forward: Bool) -> [TreeCommand] {
        guard !searchQuery.isEmpty else {
            say("no search yet: / searches node paths", error: true)
            return []
        }
        let matches = searchMatches(searchQuery)
        guard !matches.isEmpty else {
            say(noMatchText(searchQuery), error: true)
            return []
        }
        let next = forward ? matches.first { Self.precedes(selectedPath, $0) } : matches.last { Self.precedes($0, selectedPath) }
        let target = next ?? (forward ? matches[0] : matches[matches.count - 1])
        let commands = reveal(target)
        let wrapped = next == nil ? (forward ? " (from the top)" : " (from the bottom)") : ""
        say("'\(searchQuery)': match \(matches.firstIndex(of: target)! + 1) of \(matches.count)\(wrapped) · n next, N previous", error: false)
        return commands
    }

    /// Says what was searched: n / N go through the loaded nodes only.
    func noMatchText(_ query: String) -> String {
        "no match for '\(query)' among \(knownNodeCount) loaded nodes; / and Enter search the branches never opened"
    }

    /// Opens the ancestors of `path` (listed already: no new reads) and selects
    /// it; a filter that hides it is cleared.
    mutating func reveal(_ path: String) -> [TreeCommand] {
        var ancestors: [String] = []
        var current = TreePath.parent(path)
        while let ancestor = current {
            ancestors.append(ancestor)
            current = TreePath.parent(ancestor)
        }
        for ancestor in ancestors.reversed() where nodes[ancestor] != nil && nodes[ancestor]?.expanded != true {
            nodes[ancestor]!.expanded = true
            nodes[ancestor]!.shown = shownChildren(nodes[ancestor]!)
            setOpen(ancestor, true)
            recount(from: ancestor)
        }
        if index(of: path) == nil, !filter.isEmpty {
            filter = ""
            refilter()
        }
        let before = selectedPath
        if index(of: path) != nil { selectedPath = path }
        return settle(previous: before)
    }
}

/// Enter on a `/` search that found nothing loaded: branches never opened are
/// listed, shallowest first, a few at a time, until one matches or `budget`
/// listings were made (a huge tree is not read whole behind the user's back).
struct DeepSearch: Sendable, Equatable {
    static let budget = 2000
    static let concurrency = 8

    var query: String
    /// Paths to list, shallowest first; `next` is the first not yet sent.
    var queue: [String]
    var next = 0
    var inFlight: Set<String> = []
    var listed = 0
}
