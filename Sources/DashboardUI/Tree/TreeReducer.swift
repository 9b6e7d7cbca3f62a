/// Keys, clicks and client answers for the tree view. Every handler returns
/// the commands for the client; none does I/O.
extension TreeState {
    /// The view became visible: load what is needed.
    public mutating func activate(nowMs: Int64) -> [TreeCommand] {
        guard activated else {
            activated = true
            var root = nodes["/"] ?? TreeNode()
            root.expanded = true
            root.loading = true
            nodes["/"] = root
            return [.listChildren(path: "/"), .loadNode(path: "/"), .watchers(path: "/"), .whoAmI]
        }
        var commands = windowStats()
        if detail?.path != selectedPath { commands += loadSelected() }
        return commands
    }

    /// A key while the Tree view is shown.
    public mutating func handle(_ key: Key, readOnly: Bool, nowMs: Int64) -> [TreeCommand] {
        if let prompt {
            return handlePrompt(prompt, key)
        }
        message = nil
        messageIsError = false
        let page = max(1, viewportRows - 1)
        switch key {
        case .down, .character("j"): return select(selectedIndex + 1)
        case .up, .character("k"): return select(selectedIndex - 1)
        case .home: return select(0)
        case .character("g"):
            // Go to a full path: the selected one to edit, or any other typed.
            prompt = .goto
            field = LineEditor(selectedPath)
            return []
        case .end, .character("G"): return select(rowCount - 1)
        case .pageDown, .control("f"): return scrollPage(page)
        case .pageUp, .control("b"): return scrollPage(-page)
        case .enter, .right, .character("l"):
            if let node = nodes[selectedPath], node.expanded {
                // Already open: step onto its first child.
                return node.shown.isEmpty ? [] : select(selectedIndex + 1)
            }
            return expand(selectedPath)
        case .left, .character("h"):
            if selectedPath != "/", nodes[selectedPath]?.expanded == true { return collapse(selectedPath) }
            if let parent = TreePath.parent(selectedPath), let index = index(of: parent) { return select(index) }
            return []
        case .character("/"):
            prompt = .search
            field = LineEditor()
            searchOrigin = selectedPath
            searchNote = nil
            return []
        case .character("n"):
            return searchAgain(forward: true)
        case .character("N"):
            return searchAgain(forward: false)
        case .character("f"):
            prompt = .filter
            field = LineEditor(filter)
            return []
        case .escape:
            guard !filter.isEmpty else { return [] }
            return setFilter("")
        case .character("J"):
            detailScroll += 1
            return []
        case .character("K"):
            detailScroll = max(0, detailScroll - 1)
            return []
        case .character("v"):
            if dataKind == .binary {
                say("binary data: shown as hex only", error: false)
                return []
            }
            showHex.toggle()
            formatData()
            return []
        case .character("p"):
            guard dataKind == .json else {
                say("p: the data is not a JSON object or array", error: false)
                return []
            }
            rawJSON.toggle()
            showHex = false
            formatData()
            return []
        case .character("r"):
            return refresh()
        case .character("s"):
            say("measuring \(selectedPath)…", error: false)
            return [.measure(path: selectedPath)]
        case .character("D"), .character("C"), .character("M"):
            guard !readOnly else {
                say("read-only (--read-only)", error: true)
                return []
            }
            return startTreeMutation(key)
        case .character("a"):
            // Not a write: allowed with --read-only.
            prompt = .addAuth
            field = LineEditor()
            return []
        case .character("c"), .character("e"), .character("d"):
            guard !readOnly else {
                say("read-only (--read-only)", error: true)
                return []
            }
            return startMutation(key)
        default:
            // A letter that does nothing here says so (k9s' habit).
            if case .character(let character) = key, !character.isWhitespace {
                say("\(character): not a key of the Tree view (? lists them, : runs a command)", error: true)
            }
            return []
        }
    }

    /// A click or wheel inside the tree's area (the body rect).
    public mutating func handle(mouse: MouseEvent, in rect: Rect, nowMs: Int64) -> [TreeCommand] {
        let panes = TreeLayout.panes(rect)
        viewportRows = max(1, panes.tree.height)
        switch mouse.kind {
        case .wheelUp: return select(selectedIndex - 3)
        case .wheelDown: return select(selectedIndex + 3)
        case .click:
            let tree = panes.tree
            guard prompt == nil, mouse.x >= tree.x, mouse.x < tree.maxX, mouse.y >= tree.y, mouse.y < tree.maxY else { return [] }
            let top = TreeLayout.windowTop(self, rows: tree.height)
            let index = top + mouse.y - tree.y
            guard index < rowCount else { return [] }
            if index == selectedIndex {
                if nodes[selectedPath]?.expanded == true, selectedPath != "/" { return collapse(selectedPath) }
                return expand(selectedPath)
            }
            return select(index)
        }
    }

    /// An answer from the client or a watch notification.
    public mutating func handle(_ input: TreeInput, nowMs: Int64) -> [TreeCommand] {
        highlights = highlights.filter { $0.value > nowMs }
        let before = selectedPath
        var commands: [TreeCommand] = []
        switch input {
        case let .children(path, names, stat):
            commands += receiveChildren(path, names: names, stat: stat)
            commands += deepSearchListed(path, names: names)
            if pendingGoto != nil { commands += continueGoto() }
        case let .failed(path, message):
            if nodes[path]?.loading == true {
                nodes[path]!.loading = false
                nodes[path]!.needsRelist = false
                nodes[path]!.error = message
            }
            if message == "NoNode", path != "/" {
                removeNode(path)
            }
            if path == selectedPath { detailError = message }
            if pendingDelete == path { pendingDelete = nil }
            if let target = pendingGoto, target == path || target.hasPrefix(path == "/" ? "/" : path + "/") {
                pendingGoto = nil
                say("g \(target): \(path): \(message)", error: true)
            } else if deepSearch?.inFlight.contains(path) == true {
                commands += deepSearchListed(path, names: nil)
            } else {
                say("\(path): \(message)", error: true)
            }
        case let .stats(found, missing):
            for (path, stat) in found {
                stats[path] = stat
                statRequested.remove(path)
            }
            // exists says it is gone: the deletion event may still be on its way.
            for path in missing { removeNode(path) }
        case let .node(node):
            stats[node.path] = node.stat
            if node.path == selectedPath {
                detail = node
                detailError = nil
                deniedPath = nil
                formatData()
            }
        case let .unreadable(path, acl):
            if path == selectedPath {
                detailError = "NoAuth: this session may not read it"
                deniedPath = path
                deniedACL = acl
            }
        case .report:
            break   // the dashboard shows it in a box
        case let .edited(path, data, version):
            guard let current = detail, current.path == path, current.data ?? [] != data else {
                say("E: \(path) unchanged", error: false)
                break
            }
            prompt = .confirm(question: "set \(path) (version \(version)) to \(data.count) bytes? y/n",
                              command: .setData(path: path, data: data, version: version))
        case let .measured(path, count, bytes):
            let size = SubtreeSize(nodes: count, bytes: bytes)
            subtreeSizes[path] = size
            if pendingDelete == path {
                pendingDelete = nil
                let below = count - 1
                prompt = .confirm(question: "delete \(path)" + (below > 0 ? " and the \(below) node\(below == 1 ? "" : "s") below it" : "")
                                    + " (\(size.text))? y/n", command: .deleteTree(path: path))
            } else {
                say("\(path): \(size.text)", error: false)
            }
        case let .identities(list):
            identities = list
            identitiesNote = list == nil ? "whoAmI is not supported by this server (ZooKeeper 3.7+)" : nil
        case let .authenticated(identity):
            say("added \(identity); reading again…", error: false)
            commands += [.whoAmI] + refresh()
        case let .authFailed(text):
            say("a: \(text)", error: true)
        case let .watchers(path, info):
            if path == selectedPath { watchers = info }
        case let .changed(path, kind):
            commands += receiveChange(path, kind: kind, nowMs: nowMs)
        case let .mutationDone(path, text):
            say(text, error: false)
            // The watch reports the change too; this keeps the view right without it.
            let done = takePendingMutation(for: path)
            switch done {
            case .setData?:
                forgetStat(path)
                if path == selectedPath { commands += loadSelected() }
            case .delete?, .deleteTree?:
                removeNode(path)
                subtreeSizes = subtreeSizes.filter { !($0.key == path || $0.key.hasPrefix(path + "/")) }
            default:
                if let parent = TreePath.parent(path) {
                    forgetStat(parent)
                    if nodes[parent]?.children != nil { commands += relist(parent) }
                    if parent == selectedPath { commands += loadSelected() }
                }
            }
        case let .mutationFailed(path, text):
            _ = takePendingMutation(for: path)
            say("\(path): \(text)", error: true)
        case let .connection(text, resync):
            connection = text
            // Stats asked for while the connection was away may never come.
            statRequested = []
            if resync, activated { commands += refresh() + [.whoAmI] }
        }
        return commands + settle(previous: before)
    }

    // MARK: Navigation

    mutating func select(_ target: Int) -> [TreeCommand] {
        let before = selectedPath
        selectedIndex = max(0, min(rowCount - 1, target))
        if let row = row(at: selectedIndex) { selectedPath = row.path }
        return settle(previous: before)
    }

    mutating func scrollPage(_ delta: Int) -> [TreeCommand] {
        scrollTop = max(0, min(max(0, rowCount - viewportRows), scrollTop + delta))
        return select(selectedIndex + delta)
    }

    /// After any change: the selection on an existing row, the scroll keeping
    /// it visible, the detail for a newly selected node, stats for the rows on screen.
    mutating func settle(previous: String) -> [TreeCommand] {
        if let index = index(of: selectedPath) {
            selectedIndex = index
        } else {
            selectedIndex = max(0, min(rowCount - 1, selectedIndex))
            selectedPath = row(at: selectedIndex)?.path ?? "/"
        }
        let rows = max(1, viewportRows)
        if selectedIndex < scrollTop { scrollTop = selectedIndex }
        if selectedIndex >= scrollTop + rows { scrollTop = selectedIndex - rows + 1 }
        scrollTop = max(0, min(scrollTop, max(0, rowCount - rows)))
        var commands: [TreeCommand] = []
        if selectedPath != previous {
            detailScroll = 0
            detail = nil
            detailError = nil
            deniedPath = nil
            deniedACL = nil
            watchers = nil
            if activated { commands += loadSelected() }
        }
        return commands + windowStats()
    }

    mutating func loadSelected() -> [TreeCommand] {
        [.loadNode(path: selectedPath), .watchers(path: selectedPath)]
    }

    /// One `.stats` for the rows on screen whose Stat is unknown (parents
    /// listed already came with theirs).
    mutating func windowStats() -> [TreeCommand] {
        guard activated else { return [] }
        var paths: [String] = []
        for row in rows(scrollTop..<(scrollTop + max(1, viewportRows))) where stats[row.path] == nil && !statRequested.contains(row.path) {
            paths.append(row.path)
        }
        guard !paths.isEmpty else { return [] }
        statRequested.formUnion(paths)
        return [.stats(paths: paths)]
    }

    mutating func expand(_ path: String) -> [TreeCommand] {
        var node = nodes[path] ?? TreeNode()
        node.expanded = true
        node.shown = shownChildren(node)
        nodes[path] = node
        setOpen(path, true)
        recount(from: path)
        return relist(path)
    }

    mutating func collapse(_ path: String) -> [TreeCommand] {
        guard nodes[path] != nil else { return [] }
        nodes[path]!.expanded = false
        setOpen(path, false)
        recount(from: path)
        return []
    }

    /// Asks for `path`'s children unless a list is outstanding (then one more
    /// follows the answer): bursts of changes cost at most two lists.
    mutating func relist(_ path: String) -> [TreeCommand] {
        guard nodes[path] != nil else { return [] }
        if nodes[path]!.loading {
            nodes[path]!.needsRelist = true
            return []
        }
        nodes[path]!.loading = true
        return [.listChildren(path: path)]
    }

    mutating func refresh() -> [TreeCommand] {
        stats = [:]
        statRequested = []
        var commands: [TreeCommand] = []
        for path in nodes.keys.sorted() where nodes[path]!.expanded {
            commands += relist(path)
        }
        detail = nil
        watchers = nil
        return commands + loadSelected() + windowStats()
    }

    mutating func setFilter(_ text: String) -> [TreeCommand] {
        guard text != filter else { return [] }
        filter = text
        refilter()
        return settle(previous: selectedPath)
    }

    /// The sent mutation an answer is for: the shell runs commands
    /// concurrently, so answers may come in any order. A sequential create
    /// answers with its numbered path.
    mutating func takePendingMutation(for path: String) -> TreeCommand? {
        let index = pendingMutations.firstIndex { command in
            switch command {
            case let .create(requested, _, _, sequential): requested == path || (sequential && path.hasPrefix(requested))
            case let .setData(requested, _, _), let .delete(requested, _), let .deleteTree(requested): requested == path
            case let .copyTree(_, target, _): target == path
            default: false
            }
        }
        guard let index else { return nil }
        return pendingMutations.remove(at: index)
    }

    mutating func formatData() {
        (dataKind, dataLines) = NodeData.read(detail?.data, hex: showHex, rawJSON: rawJSON)
    }

    mutating func say(_ text: String, error: Bool) {
        message = text
        messageIsError = error
    }

    // MARK: Answers

    mutating func receiveChildren(_ path: String, names: [String], stat: TreeStat?) -> [TreeCommand] {
        var node = nodes[path] ?? TreeNode()
        let sorted = names.isSortedAscending ? names : names.sorted()
        // Open children that vanished take their subtrees with them.
        for name in node.openChildren where sorted.sortedIndex(of: name) == nil {
            dropSubtree(TreePath.child(path, name))
            node.openChildren.remove(name)
        }
        node.children = sorted
        node.loading = false
        node.error = nil
        nodes[path] = node
        nodes[path]!.shown = shownChildren(nodes[path]!)
        if let stat { stats[path] = stat }
        recount(from: path)
        if nodes[path]!.needsRelist {
            nodes[path]!.needsRelist = false
            return relist(path)
        }
        return []
    }

    mutating func receiveChange(_ path: String, kind: TreeChangeKind, nowMs: Int64) -> [TreeCommand] {
        var commands: [TreeCommand] = []
        let parent = TreePath.parent(path)
        if nodes[path] != nil || (parent.map { nodes[$0]?.children != nil } ?? false) {
            highlights[path] = nowMs + Self.highlightMs
        }
        switch kind {
        case .created:
            if let parent { commands += childAdded(parent, TreePath.name(path)) }
        case .deleted:
            removeNode(path)
        case .dataChanged:
            forgetStat(path)
            if path == selectedPath { commands.append(.loadNode(path: path)) }
        case .childrenChanged:
            forgetStat(path)
            if nodes[path]?.children != nil { commands += relist(path) }
        }
        return commands
    }

    mutating func forgetStat(_ path: String) {
        stats[path] = nil
        statRequested.remove(path)
    }

    mutating func childAdded(_ parent: String, _ name: String) -> [TreeCommand] {
        forgetStat(parent)
        guard var node = nodes[parent], var children = node.children else { return [] }
        if children.count > Self.inPlaceLimit || node.loading { return relist(parent) }
        let position = children.lowerBound(name)
        guard position == children.count || children[position] != name else { return [] }
        children.insert(name, at: position)
        node.children = children
        nodes[parent] = node
        nodes[parent]!.shown = shownChildren(nodes[parent]!)
        recount(from: parent)
        return []
    }

    /// A node is gone: out of its parent's list, with its subtree and stats.
    mutating func removeNode(_ path: String) {
        guard path != "/" else { return }
        forgetStat(path)
        dropSubtree(path)
        guard let parent = TreePath.parent(path), var node = nodes[parent] else { return }
        forgetStat(parent)
        let name = TreePath.name(path)
        node.openChildren.remove(name)
        if var children = node.children, let position = children.sortedIndex(of: name) {
            if node.loading {
                node.needsRelist = true
            }
            children.remove(at: position)
            node.children = children
        }
        nodes[parent] = node
        nodes[parent]!.shown = shownChildren(nodes[parent]!)
        recount(from: parent)
        if path == selectedPath { detail = nil }
    }

    mutating func dropSubtree(_ path: String) {
        nodes[path] = nil
        let prefix = path + "/"
        for key in nodes.keys where key.hasPrefix(prefix) { nodes[key] = nil }
    }
}
