/// The tree view's prompts: create, set data, confirmations, `g`'s path,
/// `C` / `M`'s target, and their labels. Pure, as the rest of the reducer.
extension TreeState {
    // MARK: Prompts

    mutating func startMutation(_ key: Key) -> [TreeCommand] {
        switch key {
        case .character("c"):
            prompt = .createName(parent: selectedPath)
            field = LineEditor()
        case .character("e"):
            guard let detail, detail.path == selectedPath else {
                say("\(selectedPath): data not loaded yet", error: true)
                return []
            }
            let data = detail.data ?? []
            guard let text = String(validating: data, as: UTF8.self) else {
                // Decoding would replace bytes: saving it would change what it does not show.
                say("\(selectedPath): binary data (\(data.count) bytes) cannot be edited as text", error: true)
                return []
            }
            prompt = .setData(path: selectedPath, version: detail.stat.version)
            field = LineEditor(text)
        case .character("d"):
            guard selectedPath != "/" else {
                say("/ cannot be deleted", error: true)
                return []
            }
            guard let version = (detail?.path == selectedPath ? detail?.stat.version : nil) ?? stats[selectedPath]?.version else {
                say("\(selectedPath): stat not loaded yet", error: true)
                return []
            }
            prompt = .confirm(question: "delete \(selectedPath) (version \(version))? y/n", command: .delete(path: selectedPath, version: version))
        default:
            break
        }
        return []
    }

    mutating func handlePrompt(_ current: TreePrompt, _ key: Key) -> [TreeCommand] {
        if case let .confirm(_, command) = current {
            prompt = nil
            if key == .character("y") || key == .character("Y") {
                say(Self.progressText(command), error: false)
                pendingMutations.append(command)
                return [command]
            }
            say("cancelled", error: false)
            return []
        }
        if current == .filter {
            switch key {
            case .up, .down, .pageUp, .pageDown:
                let step = key == .up ? -1 : key == .down ? 1 : key == .pageUp ? -max(1, viewportRows - 1) : max(1, viewportRows - 1)
                return select(selectedIndex + step)
            default:
                break
            }
        }
        switch key {
        case .escape:
            prompt = nil
            switch current {
            case .filter: return setFilter("")
            case .search:
                searchNote = nil
                return reveal(searchOrigin)
            default:
                say("cancelled", error: false)
                return []
            }
        case .enter:
            prompt = nil
            return submit(current)
        default:
            // Typing and the editing keys; what they change shows at once.
            guard field.apply(key) else { return [] }
            switch current {
            case .filter: return setFilter(field.text)
            case .search: return searchAsTyped()
            default: return []
            }
        }
    }

    mutating func submit(_ current: TreePrompt) -> [TreeCommand] {
        let text = field.text
        switch current {
        case .filter:
            return []
        case .search:
            return keepSearch()
        case let .createName(parent):
            guard let parsed = Self.parseCreate(text) else {
                say("a name without \"/\", optionally with -e (ephemeral) and -s (sequential)", error: true)
                return []
            }
            prompt = .createData(path: TreePath.child(parent, parsed.name), ephemeral: parsed.ephemeral, sequential: parsed.sequential)
            field = LineEditor()
        case let .createData(path, ephemeral, sequential):
            let data = Array(text.utf8)
            var kind = [ephemeral ? "ephemeral" : "persistent"]
            if sequential { kind.append("sequential") }
            prompt = .confirm(
                question: "create \(path) (\(kind.joined(separator: " ")), \(data.count) bytes)? y/n",
                command: .create(path: path, data: data, ephemeral: ephemeral, sequential: sequential))
        case let .setData(path, version):
            let data = Array(text.utf8)
            prompt = .confirm(
                question: "set \(path) (version \(version)) to \(data.count) bytes? y/n",
                command: .setData(path: path, data: data, version: version))
        case .goto:
            return startGoto(text)
        case let .copyTo(from, move):
            var target = text.trimmingCharacters(in: .whitespaces)
            while target.count > 1 && target.hasSuffix("/") { target.removeLast() }
            guard target.hasPrefix("/"), !target.contains("//"), target != from else {
                say("\(move ? "M" : "C"): a full path other than \(from)", error: true)
                return []
            }
            guard !target.hasPrefix(from + "/") else {
                say("\(move ? "M" : "C"): \(target) is inside \(from)", error: true)
                return []
            }
            let size = subtreeSizes[from].map { " (\($0.text))" } ?? ""
            prompt = .confirm(question: "\(move ? "move" : "copy") \(from)\(size) to \(target)? y/n",
                              command: .copyTree(from: from, to: target, move: move))
        case .addAuth:
            var credentials = Substring(text)
            if credentials.hasPrefix("digest:") { credentials = credentials.dropFirst("digest:".count) }
            guard let colon = credentials.firstIndex(of: ":"), colon != credentials.startIndex else {
                say("a: type user:password (a digest identity)", error: true)
                return []
            }
            say("adding digest:\(credentials[..<colon])…", error: false)
            return [.addAuth(scheme: "digest", credentials: Array(credentials.utf8))]
        case .confirm:
            break
        }
        return []
    }

    /// "name", "name -e", "-s -e name", "name -es": the name and the flags.
    static func parseCreate(_ text: String) -> (name: String, ephemeral: Bool, sequential: Bool)? {
        var name: String?
        var ephemeral = false
        var sequential = false
        for token in text.split(separator: " ") {
            if token.hasPrefix("-"), token.count > 1, token.dropFirst().allSatisfy({ $0 == "e" || $0 == "s" }) {
                ephemeral = ephemeral || token.contains("e")
                sequential = sequential || token.contains("s")
            } else {
                guard name == nil else { return nil }
                name = String(token)
            }
        }
        // A sequential node may have an empty prefix ("-s" alone).
        let finalName = name ?? (sequential ? "" : nil)
        guard let finalName, !finalName.contains("/"), finalName != ".", finalName != ".." else { return nil }
        return (finalName, ephemeral, sequential)
    }

    /// `g`: the typed path, normalised; its ancestors are listed one by one
    /// (`continueGoto` on each answer) until it can be shown.
    mutating func startGoto(_ text: String) -> [TreeCommand] {
        var path = text.trimmingCharacters(in: .whitespaces)
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        guard path.hasPrefix("/"), !path.contains("//") else {
            say("g: a full path, starting with /", error: true)
            return []
        }
        pendingGoto = path
        return continueGoto()
    }

    mutating func continueGoto() -> [TreeCommand] {
        guard let target = pendingGoto else { return [] }
        var parent = "/"
        for name in target.split(separator: "/").map(String.init) {
            // Not listed yet (or never seen as more than a name): open it,
            // which lists it, and wait for the answer.
            guard let children = nodes[parent]?.children else {
                if nodes[parent]?.loading == true { return [] }
                return expand(parent)
            }
            guard children.sortedIndex(of: name) != nil else {
                pendingGoto = nil
                say("g: \(target): no such znode (\(parent) has no child \(name))", error: true)
                return []
            }
            parent = TreePath.child(parent, name)
        }
        pendingGoto = nil
        let commands = reveal(target)
        if selectedPath == target {
            say("at \(target)", error: false)
        } else {
            say("g: \(target) is hidden by the filter", error: true)
        }
        return commands
    }

    /// `D` (delete the subtree: measured first, then y/n), `C` / `M` (copy or
    /// move it: the target path, then y/n).
    mutating func startTreeMutation(_ key: Key) -> [TreeCommand] {
        guard selectedPath != "/" else {
            say("/ cannot be \(key == .character("D") ? "deleted" : "moved or copied")", error: true)
            return []
        }
        switch key {
        case .character("D"):
            pendingDelete = selectedPath
            say("counting what is under \(selectedPath)…", error: false)
            return [.measure(path: selectedPath)]
        default:
            let move = key == .character("M")
            prompt = .copyTo(from: selectedPath, move: move)
            field = LineEditor(selectedPath + (move ? "" : "-copy"))
            return []
        }
    }

    static func progressText(_ command: TreeCommand) -> String {
        switch command {
        case let .create(path, _, _, _): "creating \(path)…"
        case let .setData(path, _, _): "setting \(path)…"
        case let .delete(path, _): "deleting \(path)…"
        case let .deleteTree(path): "deleting \(path) and everything below it…"
        case let .copyTree(from, to, move): "\(move ? "moving" : "copying") \(from) to \(to)…"
        default: ""
        }
    }
}

extension TreePrompt {
    /// The status line's text before the field while the prompt is open.
    var label: String {
        switch self {
        case .filter: "filter: "
        case .search: "/"
        case let .createName(parent): "new child of \(parent) (name [-e] [-s]): "
        case let .createData(path, _, _): "data for \(path): "
        case let .setData(path, _): "set \(path): "
        case .addAuth: "add digest identity (user:password): "
        case .goto: "go to: "
        case let .copyTo(from, move): "\(move ? "move" : "copy") \(from) to: "
        case let .confirm(question, _): question
        }
    }
}
