import ZooKeeperAdmin
import ZooKeeperClient
import ZooKeeperProtocol

/// Reads a subtree into a `TreeExport` and applies an `ImportPlan`, through
/// one client session. Reads go a level at a time, every node of a level at
/// once (bounded), so a wide tree costs round trips per level, not per node.
enum TreeTransfer {
    /// Nodes read at once within a level.
    static let parallelReads = 64

    struct Refusal: Error {
        var path: String
        var error: ZooKeeperError
    }

    /// nil when `root` does not exist. A node deleted while being read is
    /// left out; one the session may not read stops the export (`Refusal`).
    static func read(_ client: ZooKeeperClient, root: String) async throws -> TreeExport? {
        var nodes: [TreeExport.Node] = []
        var level = [root]
        var first = true
        while !level.isEmpty {
            var next: [String] = []
            for start in stride(from: 0, to: level.count, by: parallelReads) {
                let batch = Array(level[start..<min(level.count, start + parallelReads)])
                let answers = try await withThrowingTaskGroup(of: (String, TreeExport.Node, [String])?.self) { group in
                    for path in batch {
                        group.addTask { try await readNode(client, path: path, root: root) }
                    }
                    var answers: [(String, TreeExport.Node, [String])] = []
                    for try await answer in group { if let answer { answers.append(answer) } }
                    return answers
                }
                for (path, node, children) in answers {
                    nodes.append(node)
                    next += children.sorted().map { path == "/" ? "/" + $0 : path + "/" + $0 }
                }
            }
            if first && nodes.isEmpty { return nil }
            first = false
            level = next
        }
        return TreeExport(root: root, nodes: nodes)
    }

    private static func readNode(_ client: ZooKeeperClient, path: String, root: String) async throws -> (String, TreeExport.Node, [String])? {
        do {
            async let data = client.getData(path)
            async let acl = client.getACL(path)
            async let children = client.getChildren(path)
            let (node, nodeACL, listed) = try await (data, acl, children)
            let relative = path == root ? "" : String(path.dropFirst(root == "/" ? 1 : root.count + 1))
            let kind = TreeExport.Node.kind(ephemeralOwner: node.stat.ephemeralOwner)
            let owner = kind == .ephemeral ? "0x" + String(UInt64(bitPattern: node.stat.ephemeralOwner), radix: 16) : nil
            return (path, TreeExport.Node(path: relative, data: node.data, acl: nodeACL.acl, kind: kind, owner: owner), listed.children)
        } catch let error as ZooKeeperError where error.code == .noNode {
            return nil
        } catch let error as ZooKeeperError where error.code == .noAuth {
            throw Refusal(path: path, error: error)
        }
    }

    /// The nodes of `export` as they are now under `root` (import compares
    /// only these: it never deletes, so nothing else matters). nil when
    /// `root` does not exist; a node the session may not read stops it.
    static func current(_ client: ZooKeeperClient, of export: TreeExport, under root: String) async throws -> TreeExport? {
        var found: [TreeExport.Node] = []
        for start in stride(from: 0, to: export.nodes.count, by: parallelReads) {
            let batch = export.nodes[start..<min(export.nodes.count, start + parallelReads)].map(\.path)
            let answers = try await withThrowingTaskGroup(of: TreeExport.Node?.self) { group in
                for relative in batch {
                    group.addTask { try await readNode(client, path: TreeExport.absolute(relative, under: root), root: root)?.1 }
                }
                var answers: [TreeExport.Node] = []
                for try await answer in group { if let answer { answers.append(answer) } }
                return answers
            }
            found += answers
        }
        guard found.contains(where: { $0.path.isEmpty }) else { return nil }
        return TreeExport(root: root, nodes: found)
    }

    /// Runs the steps in order; returns how many were done. Stops at the
    /// first refusal (`Refusal`): what came before it is done.
    static func apply(_ steps: [ImportPlan.Step], _ client: ZooKeeperClient, report: (String) -> Void) async throws -> Int {
        var done = 0
        for step in steps where step.isChange {
            do {
                switch step {
                case let .create(path, data, acl, container):
                    _ = try await client.create(path, data: data, acl: acl, mode: container ? .container : .persistent)
                case let .setData(path, _, data):
                    _ = try await client.setData(path, data: data, version: -1)
                case let .setACL(path, _, acl):
                    _ = try await client.setACL(path, acl: acl, version: -1)
                case .skip:
                    continue
                }
            } catch let error as ZooKeeperError {
                throw Refusal(path: step.targetPath, error: error)
            }
            report(ImportPlan.describe(step))
            done += 1
        }
        return done
    }
}

extension ImportPlan.Step {
    var targetPath: String {
        switch self {
        case .create(let path, _, _, _), .setData(let path, _, _), .setACL(let path, _, _), .skip(let path, _): path
        }
    }
}
