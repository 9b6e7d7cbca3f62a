import ZooKeeperProtocol

/// What differs between two exported subtrees, node by node, by path
/// relative to each root (so `/app` on one ensemble compares with `/app` on
/// another, or `/a` with `/b`). An ephemeral's owner is not compared: two
/// ensembles never share sessions.
public enum TreeDiff {
    public enum Change: Equatable, Sendable {
        case onlyInA(TreeExport.Node)
        case onlyInB(TreeExport.Node)
        case data(path: String, a: [UInt8]?, b: [UInt8]?)
        case acl(path: String, a: [ACL], b: [ACL])
        case kind(path: String, a: TreeExport.Node.Kind, b: TreeExport.Node.Kind)

        public var path: String {
            switch self {
            case .onlyInA(let node), .onlyInB(let node): node.path
            case .data(let path, _, _), .acl(let path, _, _), .kind(let path, _, _): path
            }
        }
    }

    public static func compare(_ a: TreeExport, _ b: TreeExport) -> [Change] {
        let bByPath = Dictionary(b.nodes.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let aPaths = Set(a.nodes.map(\.path))
        var changes: [Change] = []
        for node in a.nodes {
            guard let other = bByPath[node.path] else {
                // Below a node only in A, its children are too: list the top one only.
                if !hasAncestor(node.path, in: changes) { changes.append(.onlyInA(node)) }
                continue
            }
            if node.kind != other.kind { changes.append(.kind(path: node.path, a: node.kind, b: other.kind)) }
            if node.data != other.data { changes.append(.data(path: node.path, a: node.data, b: other.data)) }
            if node.acl != other.acl { changes.append(.acl(path: node.path, a: node.acl, b: other.acl)) }
        }
        for node in b.nodes where !aPaths.contains(node.path) && !hasAncestor(node.path, in: changes) {
            changes.append(.onlyInB(node))
        }
        return changes.sorted { $0.path < $1.path }
    }

    private static func hasAncestor(_ path: String, in changes: [Change]) -> Bool {
        changes.contains { change in
            switch change {
            case .onlyInA(let node), .onlyInB(let node): node.path.isEmpty || path.hasPrefix(node.path + "/")
            default: false
            }
        }
    }

    /// diff(1)-like lines: `- path` only in A, `+ path` only in B (with the
    /// node count below it), `~ path  data: …` for a node in both.
    public static func render(_ changes: [Change], a: TreeExport, b: TreeExport) -> String {
        var lines: [String] = []
        func shown(_ path: String) -> String { path.isEmpty ? "." : "./" + path }
        func below(_ node: TreeExport.Node, in export: TreeExport) -> String {
            let count = export.nodes.filter { $0.path.hasPrefix(node.path.isEmpty ? "" : node.path + "/") && $0.path != node.path }.count
            return count == 0 ? "" : " (and \(count) below)"
        }
        for change in changes {
            switch change {
            case .onlyInA(let node): lines.append("- \(shown(node.path))  only in A\(kindNote(node))\(below(node, in: a))")
            case .onlyInB(let node): lines.append("+ \(shown(node.path))  only in B\(kindNote(node))\(below(node, in: b))")
            case .kind(let path, let x, let y): lines.append("~ \(shown(path))  kind: \(x.rawValue) → \(y.rawValue)")
            case .data(let path, let x, let y): lines.append("~ \(shown(path))  data: \(preview(x)) → \(preview(y))")
            case .acl(let path, let x, let y): lines.append("~ \(shown(path))  acl: \(aclText(x)) → \(aclText(y))")
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    static func kindNote(_ node: TreeExport.Node) -> String {
        node.kind == .persistent ? "" : " (\(node.kind.rawValue))"
    }

    /// Short UTF-8 text in quotes, else a byte count.
    public static func preview(_ data: [UInt8]?) -> String {
        guard let data else { return "null" }
        let size = "\(data.count) byte\(data.count == 1 ? "" : "s")"
        guard let text = String(validating: data, as: UTF8.self), !text.contains(where: { $0.isNewline }),
              !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return size }
        let cut = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "\"\(cut)\" (\(size))"
    }

    public static func aclText(_ acl: [ACL]) -> String {
        acl.map { "\($0.id.scheme):\($0.id.id) \(ExportedACL($0).perms)" }.joined(separator: ", ")
    }
}

/// What `zkdash import` does to make the target look like the export:
/// create what is missing (parents first), set data and ACLs that differ.
/// It never deletes. Ephemerals are not recreated (their session is gone);
/// TTL nodes neither (the export does not know their TTL).
public enum ImportPlan {
    public enum Step: Equatable, Sendable {
        case create(path: String, data: [UInt8]?, acl: [ACL], container: Bool)
        case setData(path: String, from: [UInt8]?, to: [UInt8]?)
        case setACL(path: String, from: [ACL], to: [ACL])
        case skip(path: String, reason: String)

        public var isChange: Bool {
            if case .skip = self { return false }
            return true
        }
    }

    /// `existing`: the target subtree as it is now (nil when `targetRoot`
    /// does not exist yet).
    public static func plan(_ export: TreeExport, into targetRoot: String, existing: TreeExport?) -> [Step] {
        let present = Dictionary((existing?.nodes ?? []).map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var steps: [Step] = []
        var skipped: [String] = []
        for node in export.nodes {
            let path = TreeExport.absolute(node.path, under: targetRoot)
            if skipped.contains(where: { node.path.hasPrefix($0 + "/") }) { continue }
            if let current = present[node.path] {
                if current.kind != node.kind {
                    steps.append(.skip(path: path, reason: "is \(current.kind.rawValue) here, \(node.kind.rawValue) in the export (kinds are not changed)"))
                }
                if current.data != node.data { steps.append(.setData(path: path, from: current.data, to: node.data)) }
                if current.acl != node.acl { steps.append(.setACL(path: path, from: current.acl, to: node.acl)) }
                continue
            }
            switch node.kind {
            case .ephemeral:
                steps.append(.skip(path: path, reason: "ephemeral (owned by session \(node.owner ?? "?")): not recreated"))
                skipped.append(node.path)
            case .ttl:
                steps.append(.skip(path: path, reason: "TTL node: its TTL is not in the export"))
                skipped.append(node.path)
            case .persistent, .container:
                steps.append(.create(path: path, data: node.data, acl: node.acl, container: node.kind == .container))
            }
        }
        return steps
    }

    public static func describe(_ step: Step) -> String {
        switch step {
        case let .create(path, data, acl, container):
            "create \(path)\(container ? " (container)" : "") data \(TreeDiff.preview(data)), acl \(TreeDiff.aclText(acl))"
        case let .setData(path, from, to): "set data \(path): \(TreeDiff.preview(from)) → \(TreeDiff.preview(to))"
        case let .setACL(path, from, to): "set acl \(path): \(TreeDiff.aclText(from)) → \(TreeDiff.aclText(to))"
        case let .skip(path, reason): "skip \(path): \(reason)"
        }
    }
}
