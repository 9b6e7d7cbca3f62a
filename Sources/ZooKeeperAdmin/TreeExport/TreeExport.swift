import Foundation
import ZooKeeperProtocol

/// A subtree as `zkdash export` writes it and `zkdash import` / `zkdash diff`
/// read it (docs/tree-export.md): every node with its data, ACL and kind,
/// in path order, parents first. Pure: reading and writing znodes is the
/// caller's.
///
///     {
///       "format" : "zkdash-export/1",
///       "nodes" : [
///         { "acl" : [ { "id" : "anyone", "perms" : "cdrwa", "scheme" : "world" } ], "data" : "{\"a\":1}", "path" : "" },
///         { "acl" : [ … ], "data" : "AAEC", "encoding" : "base64", "path" : "bin" },
///         { "acl" : [ … ], "data" : null, "kind" : "ephemeral", "owner" : "0x100000abc0001", "path" : "lock" }
///       ],
///       "root" : "/app"
///     }
public struct TreeExport: Codable, Sendable, Equatable {
    public static let currentFormat = "zkdash-export/1"

    public var format: String
    /// The absolute path that was exported.
    public var root: String
    public var nodes: [Node]

    public init(root: String, nodes: [Node]) {
        format = Self.currentFormat
        self.root = root
        self.nodes = nodes.sorted { $0.path < $1.path }
    }

    public struct Node: Codable, Sendable, Equatable {
        /// Relative to `root`: "" for the root itself, "a/b" below it.
        public var path: String
        /// nil for a node created with null data.
        public var data: [UInt8]?
        public var acl: [ACL]
        public var kind: Kind
        /// The owning session of an ephemeral ("0x…"), for the reader; an
        /// import does not recreate ephemerals.
        public var owner: String?

        public enum Kind: String, Codable, Sendable {
            case persistent, ephemeral, container, ttl
        }

        public init(path: String, data: [UInt8]?, acl: [ACL], kind: Kind = .persistent, owner: String? = nil) {
            self.path = path
            self.data = data
            self.acl = acl
            self.kind = kind
            self.owner = owner
        }

        /// The kind Apache's Stat encodes in ephemeralOwner (Long.MIN_VALUE: a
        /// container; 0xFF in the top byte: a TTL node; else a session).
        public static func kind(ephemeralOwner: Int64) -> Kind {
            if ephemeralOwner == 0 { return .persistent }
            if ephemeralOwner == Int64.min { return .container }
            if UInt64(bitPattern: ephemeralOwner) >> 56 == 0xFF { return .ttl }
            return .ephemeral
        }

        enum CodingKeys: String, CodingKey {
            case path, data, encoding, acl, kind, owner
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            path = try container.decode(String.self, forKey: .path)
            acl = try container.decode([ExportedACL].self, forKey: .acl).map { try $0.acl() }
            kind = try container.decodeIfPresent(Kind.self, forKey: .kind) ?? .persistent
            owner = try container.decodeIfPresent(String.self, forKey: .owner)
            let encoding = try container.decodeIfPresent(String.self, forKey: .encoding) ?? "utf8"
            guard let text = try container.decodeIfPresent(String.self, forKey: .data) else {
                data = nil
                return
            }
            switch encoding {
            case "utf8": data = Array(text.utf8)
            case "base64":
                guard let bytes = Data(base64Encoded: text) else {
                    throw DecodingError.dataCorruptedError(forKey: .data, in: container, debugDescription: "\(path): data is not base64")
                }
                data = Array(bytes)
            default:
                throw DecodingError.dataCorruptedError(forKey: .encoding, in: container,
                                                       debugDescription: "\(path): encoding must be utf8 or base64, not \(encoding)")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(acl.map(ExportedACL.init), forKey: .acl)
            if kind != .persistent { try container.encode(kind, forKey: .kind) }
            try container.encodeIfPresent(owner, forKey: .owner)
            if let data {
                // UTF-8 text stays readable; anything else (or text a JSON
                // round trip could change, such as NUL) goes as base64.
                if let text = String(validating: data, as: UTF8.self), !text.unicodeScalars.contains(where: { $0.value == 0 }) {
                    try container.encode(text, forKey: .data)
                } else {
                    try container.encode(Data(data).base64EncodedString(), forKey: .data)
                    try container.encode("base64", forKey: .encoding)
                }
            } else {
                try container.encodeNil(forKey: .data)
            }
        }
    }

    /// The absolute path of a node of this export under `root` (another root
    /// when importing elsewhere).
    public static func absolute(_ relative: String, under root: String) -> String {
        if relative.isEmpty { return root }
        return root == "/" ? "/" + relative : root + "/" + relative
    }

    /// JSON with sorted keys, one node per few lines: diffable and stable.
    public func json() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data()) + [0x0A]
    }

    public static func parse(_ bytes: [UInt8]) throws(TreeExportError) -> TreeExport {
        let export: TreeExport
        do {
            export = try JSONDecoder().decode(TreeExport.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw TreeExportError(Self.describe(error))
        } catch {
            throw TreeExportError("not a zkdash export: \(error)")
        }
        guard export.format == currentFormat else {
            throw TreeExportError("format \(export.format) is not \(currentFormat)")
        }
        guard export.root.hasPrefix("/") else { throw TreeExportError("root \(export.root) is not an absolute path") }
        var seen = Set<String>()
        for node in export.nodes {
            guard seen.insert(node.path).inserted else { throw TreeExportError("node \"\(node.path)\" appears twice") }
            guard !node.path.hasPrefix("/"), !node.path.hasSuffix("/"), !node.path.contains("//") else {
                throw TreeExportError("node path \"\(node.path)\" must be relative to the root, without empty parts")
            }
        }
        guard seen.contains("") else { throw TreeExportError("the export has no root node (path \"\")") }
        for node in export.nodes where !node.path.isEmpty {
            let parent = node.path.lastIndex(of: "/").map { String(node.path[..<$0]) } ?? ""
            guard seen.contains(parent) else {
                throw TreeExportError("node \"\(node.path)\" has no parent \"\(parent)\" in the export")
            }
        }
        return TreeExport(root: export.root, nodes: export.nodes)
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context): "not valid JSON: \(context.debugDescription)"
        case .keyNotFound(let key, let context): "missing \"\(key.stringValue)\" at \(Self.where(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): "\(context.debugDescription) at \(Self.where(context))"
        @unknown default: "\(error)"
        }
    }

    static func `where`(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
        return path.isEmpty ? "the top" : path
    }
}

/// An ACL entry as exported: permissions as zkCli prints them ("cdrwa").
struct ExportedACL: Codable, Equatable {
    var perms: String
    var scheme: String
    var id: String

    init(_ acl: ACL) {
        let letters: [(Perms, Character)] = [(.create, "c"), (.delete, "d"), (.read, "r"), (.write, "w"), (.admin, "a")]
        perms = String(letters.filter { acl.perms.contains($0.0) }.map(\.1))
        scheme = acl.id.scheme
        id = acl.id.id
    }

    func acl() throws -> ACL {
        var bits: Perms = []
        for letter in perms {
            switch letter {
            case "c": bits.insert(.create)
            case "d": bits.insert(.delete)
            case "r": bits.insert(.read)
            case "w": bits.insert(.write)
            case "a": bits.insert(.admin)
            default: throw TreeExportError("ACL permissions \"\(perms)\": only the letters c d r w a")
            }
        }
        return ACL(perms: bits, id: Id(scheme: scheme, id: id))
    }
}

public struct TreeExportError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
