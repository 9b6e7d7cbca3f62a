@testable import DashboardUI

/// An in-memory ZooKeeper tree that answers `TreeCommand`s as the executor
/// would, so reducer tests run whole flows without a server.
struct FakeTree {
    struct Node {
        var data: [UInt8] = []
        var stat = TreeStat()
        var acl = [TreeACLEntry(perms: 31, scheme: "world", id: "anyone")]
    }

    /// The session's identities as whoAmI lists them; `addAuth` digest adds
    /// "digest:USER", or "digest:USER (wrong password)" when it does not match.
    var identities = ["ip:127.0.0.1"]
    var digestPasswords: [String: String] = [:]
    /// nil: the server answers whoAmI Unimplemented.
    var hasWhoAmI = true

    /// READ for the session: world:anyone, or a digest entry ("bob:HASH")
    /// whose user it holds (whoAmI names digest users without the hash).
    func mayRead(_ node: Node) -> Bool {
        node.acl.contains { entry in
            guard entry.perms & 1 != 0 else { return false }
            if entry.scheme == "world" { return entry.id == "anyone" }
            let user = entry.id.split(separator: ":").first.map(String.init) ?? entry.id
            return identities.contains("\(entry.scheme):\(user)")
        }
    }

    var nodes: [String: Node] = ["/": Node()]
    var wchp: WatchersInfo = .unavailable("wchp not whitelisted")
    /// Commands seen, in order.
    var log: [TreeCommand] = []

    mutating func add(_ path: String, data: String = "", ephemeralOwner: Int64 = 0, mzxid: Int64 = 0x1_0000_0002) {
        var node = Node(data: Array(data.utf8))
        node.stat = TreeStat(
            czxid: mzxid, mzxid: mzxid, pzxid: mzxid, ctime: 1_795_000_000_000, mtime: 1_795_000_000_000,
            ephemeralOwner: ephemeralOwner, dataLength: Int32(node.data.count))
        nodes[path] = node
        if let parent = TreePath.parent(path) { nodes[parent]!.stat.numChildren += 1 }
    }

    /// Adds `count` children named prefix0000000000... under `parent` quickly.
    mutating func addMany(_ parent: String, count: Int, prefix: String = "item-") {
        for index in 0..<count {
            let digits = String(index)
            let name = prefix + String(repeating: "0", count: 6 - digits.count) + digits
            nodes[TreePath.child(parent, name)] = Node()
        }
        nodes[parent]!.stat.numChildren += Int32(count)
    }

    func children(_ path: String) -> [String] {
        let prefix = path == "/" ? "/" : path + "/"
        return nodes.keys.filter { $0 != "/" && $0.hasPrefix(prefix) && !$0.dropFirst(prefix.count).contains("/") }
            .map { String($0.dropFirst(prefix.count)) }
    }

    mutating func answer(_ command: TreeCommand) -> [TreeInput] {
        log.append(command)
        switch command {
        case .listChildren(let path):
            guard let node = nodes[path] else { return [.failed(path: path, message: "NoNode")] }
            return [.children(path: path, names: children(path).sorted(), stat: node.stat)]
        case .stats(let paths):
            var found: [String: TreeStat] = [:]
            var missing: [String] = []
            for path in paths {
                if let node = nodes[path] { found[path] = node.stat } else { missing.append(path) }
            }
            return [.stats(found, missing: missing)]
        case .loadNode(let path):
            guard let node = nodes[path] else { return [.failed(path: path, message: "NoNode")] }
            guard mayRead(node) else { return [.unreadable(path: path, acl: node.acl)] }
            return [.node(NodeDetail(path: path, data: node.data, stat: node.stat, acl: node.acl))]
        case .watchers(let path):
            return [.watchers(path: path, wchp)]
        case .create, .setData, .delete, .exportTo, .importFrom, .diffWith:
            return []
        case let .addAuth(scheme, credentials):
            let parts = String(decoding: credentials, as: UTF8.self).split(separator: ":", maxSplits: 1).map(String.init)
            let identity = "\(scheme):\(parts[0])" + (digestPasswords[parts[0]] == parts.last ? "" : " (wrong password)")
            identities.append(identity)
            return [.authenticated("\(scheme):\(parts[0])")]
        case .whoAmI:
            return [.identities(hasWhoAmI ? identities : nil)]
        case .measure(let path):
            guard nodes[path] != nil else { return [.failed(path: path, message: "NoNode")] }
            let under = nodes.filter { $0.key == path || $0.key.hasPrefix(path + "/") }
            return [.measured(path: path, nodes: under.count, bytes: under.values.reduce(0) { $0 + $1.data.count })]
        case .deleteTree(let path):
            let under = nodes.keys.filter { $0 == path || $0.hasPrefix(path + "/") }
            for key in under { nodes[key] = nil }
            if let parent = TreePath.parent(path) { nodes[parent]?.stat.numChildren -= 1 }
            return [.mutationDone(path: path, message: "deleted \(path) and the \(under.count - 1) nodes below it")]
        case let .copyTree(from, to, move):
            guard nodes[to] == nil else { return [.mutationFailed(path: to, message: "\(to) already exists")] }
            let under = nodes.filter { $0.key == from || $0.key.hasPrefix(from + "/") }
            for (key, node) in under { nodes[to + key.dropFirst(from.count)] = node }
            if move { for key in under.keys { nodes[key] = nil } }
            return [.mutationDone(path: to, message: "\(move ? "moved" : "copied") \(from) to \(to) (\(under.count) nodes)")]
        }
    }

    /// Answers commands until none are left (the executor and the reducer in a loop).
    mutating func run(_ state: inout TreeState, _ commands: [TreeCommand]) {
        var queue = commands
        while !queue.isEmpty {
            let command = queue.removeFirst()
            for input in answer(command) {
                queue += state.handle(input, nowMs: 1000)
            }
        }
    }

    /// A small tree used by several tests.
    static func sample() -> FakeTree {
        var tree = FakeTree()
        tree.add("/app", data: "{\"name\":\"app\",\"replicas\":3}")
        tree.add("/app/config", data: "{\"b\":1,\"a\":[1,2]}")
        tree.add("/app/locks")
        tree.add("/app/locks/lock-0000000007", ephemeralOwner: 0x1000_0abc_0001)
        tree.add("/app/workers")
        tree.add("/brokers", data: "kafka")
        tree.add("/zookeeper")
        tree.add("/zookeeper/quota")
        return tree
    }
}

extension TreeState {
    /// Keys in order, each one's commands answered by `tree`.
    mutating func press(_ keys: [Key], tree: inout FakeTree, readOnly: Bool = false) {
        for key in keys { tree.run(&self, handle(key, readOnly: readOnly, nowMs: 1000)) }
    }

    mutating func type(_ text: String, tree: inout FakeTree) {
        press(text.map { Key.character($0) }, tree: &tree)
    }

    var visiblePaths: [String] { rows(0..<rowCount).map(\.path) }

    /// The status line under the tree as drawn on a screen of `size`.
    func statusLine(_ size: ScreenSize = ScreenSize(columns: 80, rows: 24)) -> String {
        var buffer = CellBuffer(size: size)
        TreeRenderer.render(self, into: &buffer, rect: Layout.body(size), nowMs: 1000)
        return buffer.row(TreeLayout.panes(Layout.body(size)).statusY)
    }
}
