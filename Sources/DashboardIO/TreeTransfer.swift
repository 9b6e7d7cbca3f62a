import ZooKeeperAdmin
import ZooKeeperClient
import ZooKeeperProtocol

/// Reads a subtree into a `TreeExport` and applies an `ImportPlan`, through
/// one client session. Reads go a level at a time, every node of a level at
/// once (bounded), so a wide tree costs round trips per level, not per node.
public enum TreeTransfer {
    /// Nodes read at once within a level.
    static let parallelReads = 64

    public struct Refusal: Error {
        public var path: String
        public var error: ZooKeeperError
    }

    /// nil when `root` does not exist. A node deleted while being read is
    /// left out; one the session may not read stops the export (`Refusal`).
    public static func read(_ client: ZooKeeperClient, root: String) async throws -> TreeExport? {
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
    public static func current(_ client: ZooKeeperClient, of export: TreeExport, under root: String) async throws -> TreeExport? {
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
    public static func apply(_ steps: [ImportPlan.Step], _ client: ZooKeeperClient, report: (String) -> Void = { _ in }) async throws -> Int {
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

extension TreeTransfer {
    /// The subtree's node count (the root included) and data bytes, a level
    /// at a time (getChildren answers with the node's own Stat). nil: `root`
    /// does not exist.
    public static func measure(_ client: ZooKeeperClient, root: String) async throws -> (nodes: Int, bytes: Int)? {
        var nodes = 0, bytes = 0
        var level = [root]
        while !level.isEmpty {
            var next: [String] = []
            for start in stride(from: 0, to: level.count, by: parallelReads) {
                let batch = Array(level[start..<min(level.count, start + parallelReads)])
                let answers = try await withThrowingTaskGroup(of: (String, [String], Int)?.self) { group in
                    for path in batch {
                        group.addTask {
                            do {
                                let listed = try await client.getChildren(path)
                                return (path, listed.children, Int(listed.stat.dataLength))
                            } catch let error as ZooKeeperError where error.code == .noNode {
                                return nil
                            } catch let error as ZooKeeperError {
                                throw Refusal(path: path, error: error)
                            }
                        }
                    }
                    var answers: [(String, [String], Int)] = []
                    for try await answer in group { if let answer { answers.append(answer) } }
                    return answers
                }
                for (path, children, length) in answers {
                    nodes += 1
                    bytes += length
                    next += children.map { path == "/" ? "/" + $0 : path + "/" + $0 }
                }
            }
            if nodes == 0 { return nil }
            level = next
        }
        return (nodes, bytes)
    }

    /// A recursive delete stopped by a refusal after `deleted` nodes.
    public struct PartialDelete: Error {
        public var deleted: Int
        public var refusal: Refusal
    }

    /// Deletes `root` and everything below it, children before parents;
    /// returns how many nodes were deleted (a node already gone is not
    /// counted and not an error).
    public static func deleteTree(_ client: ZooKeeperClient, root: String) async throws -> Int {
        var paths: [String] = []
        var level = [root]
        while !level.isEmpty {
            var next: [String] = []
            for path in level {
                do {
                    let children = try await client.getChildren(path).children
                    paths.append(path)
                    next += children.map { path == "/" ? "/" + $0 : path + "/" + $0 }
                } catch let error as ZooKeeperError where error.code == .noNode {
                    continue
                } catch let error as ZooKeeperError {
                    throw PartialDelete(deleted: 0, refusal: Refusal(path: path, error: error))
                }
            }
            level = next
        }
        var deleted = 0
        // Deepest first: every node's children go before it.
        for path in paths.reversed() {
            do {
                try await client.delete(path, version: -1)
                deleted += 1
            } catch let error as ZooKeeperError where error.code == .noNode {
                continue
            } catch let error as ZooKeeperError {
                throw PartialDelete(deleted: deleted, refusal: Refusal(path: path, error: error))
            }
        }
        return deleted
    }

    /// Copies `from` (data, ACLs) to `to`, which must not exist; `move`
    /// then deletes `from`. Ephemerals are not copied, so a subtree holding
    /// one is not moved (it would be lost). Returns the nodes created.
    public static func copyTree(_ client: ZooKeeperClient, from: String, to: String, move: Bool) async throws -> Int {
        guard let export = try await read(client, root: from) else {
            throw Refusal(path: from, error: ZooKeeperError(code: .noNode, path: from))
        }
        if move, let ephemeral = export.nodes.first(where: { $0.kind == .ephemeral }) {
            throw CopyRefusal("\(TreeExport.absolute(ephemeral.path, under: from)) is ephemeral and cannot be moved (copy the rest with C)")
        }
        if try await client.exists(to) != nil { throw CopyRefusal("\(to) already exists") }
        let steps = ImportPlan.plan(export, into: to, existing: nil)
        let created = try await apply(steps, client)
        if move { _ = try await deleteTree(client, root: from) }
        return created
    }

    public struct CopyRefusal: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}

extension ImportPlan.Step {
    public var targetPath: String {
        switch self {
        case .create(let path, _, _, _), .setData(let path, _, _), .setACL(let path, _, _), .skip(let path, _): path
        }
    }
}
