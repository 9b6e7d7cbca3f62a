import ZooKeeperProtocol

/// Snapshot contents: the applied zxid, the live sessions and every node.
/// Each node is a length-prefixed jute record so a reader can stream the file
/// with bounded memory. Child lists are not stored; they are rebuilt from paths.
///
/// Format 3 (written now) starts with a table of the distinct ACL lists and
/// stores each node's list as an index into it (Apache's ACL cache and
/// aclRef; -1 and the list itself for a list the table lacks): a snapshot is
/// the same size per znode as Apache's, where a full list per node (format 1,
/// still read) cost 19 bytes more for the usual world:anyone.
public enum SnapshotCodec {
    /// (Format 2, the table after the nodes, was never released.)
    static let formatVersion: Int32 = 3
    static let fullACLFormatVersion: Int32 = 1
    /// Bytes gathered before handing a chunk to the writer.
    static let chunkBytes = 256 * 1024

    /// Streams `tree` and `sessions` through `emit` in chunks.
    public static func encode(
        tree: DataTree, sessions: [Int64: Int], emit: ([UInt8]) throws -> Void
    ) rethrows {
        var writer = JuteWriter(capacity: chunkBytes + 4096)
        writer.writeInt(formatVersion)
        writer.writeLong(tree.lastProcessedZxid)
        writer.writeInt(Int32(sessions.count))
        for (id, timeoutMs) in sessions.sorted(by: { $0.key < $1.key }) {
            writer.writeLong(id)
            writer.writeInt(Int32(timeoutMs))
        }
        // The ACL table: the tree's interned lists (every list a client set);
        // one length-prefixed record.
        let aclLists = tree.acls.lists
        var aclIndex: [[ACL]: Int32] = [:]
        for (index, list) in aclLists.enumerated() { aclIndex[list] = Int32(index) }
        let tableStart = writer.bytes.count
        writer.writeInt(0)
        writer.writeInt(Int32(aclLists.count))
        for list in aclLists { writer.writeRecords(list) }
        writer.patchInt(Int32(writer.bytes.count - tableStart - 4), at: tableStart)
        writer.writeLong(Int64(tree.nodes.count))
        for (path, node) in tree.nodes {
            let start = writer.bytes.count
            writer.writeInt(0)
            writer.writeString(path)
            writer.writeBuffer(node.data)
            if let index = aclIndex[node.acl] {
                writer.writeInt(index)
            } else {
                // The system nodes' lists are not interned.
                writer.writeInt(-1)
                writer.writeRecords(node.acl)
            }
            writer.writeLong(node.czxid)
            writer.writeLong(node.mzxid)
            writer.writeLong(node.ctime)
            writer.writeLong(node.mtime)
            writer.writeInt(node.version)
            writer.writeInt(node.cversion)
            writer.writeInt(node.aversion)
            writer.writeLong(node.ephemeralOwner)
            writer.writeLong(node.pzxid)
            writer.patchInt(Int32(writer.bytes.count - start - 4), at: start)
            if writer.bytes.count >= chunkBytes {
                try emit(writer.bytes)
                writer = JuteWriter(capacity: chunkBytes + 4096)
            }
        }
        if !writer.bytes.isEmpty { try emit(writer.bytes) }
    }

    public struct Restored: Sendable {
        public var tree: DataTree
        public var sessions: [Int64: Int]
    }

    /// Rebuilds a tree from a snapshot of `totalBytes` bytes; `read(n)` must
    /// return exactly n bytes or throw. The file is consumed in chunks of
    /// `chunkBytes` and records are parsed in place, so a million nodes cost a
    /// few hundred reads, not three allocations each.
    public static func decode(totalBytes: Int, read: (Int) throws -> [UInt8]) throws -> Restored {
        var source = ChunkedSource(remaining: totalBytes)
        var header = try source.take(read, 4 + 8 + 4)
        let version = try header.readInt()
        guard version == formatVersion || version == fullACLFormatVersion else {
            throw JuteError.invalidValue("snapshot format version \(version)")
        }
        let aclsByIndex = version == formatVersion
        let zxid = try header.readLong()
        let sessionCount = try header.readInt()
        guard sessionCount >= 0 else { throw JuteError.negativeLength(sessionCount) }
        var sessions: [Int64: Int] = [:]
        for _ in 0..<sessionCount {
            var session = try source.take(read, 12)
            let id = try session.readLong()
            sessions[id] = Int(try session.readInt())
        }
        var aclLists: [[ACL]] = []
        if aclsByIndex {
            var lengthReader = try source.take(read, 4)
            let tableLength = try lengthReader.readInt()
            guard tableLength >= 4, Int(tableLength) <= 64 * 1024 * 1024 else { throw JuteError.invalidValue("ACL table length \(tableLength)") }
            var table = try source.take(read, Int(tableLength))
            let listCount = try table.readInt()
            guard listCount >= 0 else { throw JuteError.negativeLength(listCount) }
            for _ in 0..<listCount { aclLists.append(try table.readRecords(ACL.self) ?? []) }
        }
        var aclUsers = [Int](repeating: 0, count: aclLists.count)
        var countReader = try source.take(read, 8)
        let nodeCount = try countReader.readLong()
        guard nodeCount >= 0 else { throw JuteError.invalidValue("node count \(nodeCount)") }
        var restorer = DataTree.Restorer(expectedCount: Int(min(nodeCount, 1 << 24)))
        for _ in 0..<nodeCount {
            var lengthReader = try source.take(read, 4)
            let length = try lengthReader.readInt()
            guard length > 0, Int(length) <= 64 * 1024 * 1024 else { throw JuteError.invalidValue("node record length \(length)") }
            var record = try source.take(read, Int(length))
            let path = try record.readNonNullString()
            var node = Znode()
            node.data = try record.readBuffer()
            if aclsByIndex {
                let index = try record.readInt()
                if index == -1 {
                    node.acl = restorer.internACL(try record.readRecords(ACL.self) ?? [])
                } else {
                    guard index >= 0, Int(index) < aclLists.count else { throw JuteError.invalidValue("ACL index \(index) of \(aclLists.count)") }
                    // Every node of a list shares the table's instance; the
                    // interner counts them once at the end.
                    node.acl = aclLists[Int(index)]
                    aclUsers[Int(index)] += 1
                }
            } else {
                node.acl = restorer.internACL(try record.readRecords(ACL.self) ?? [])
            }
            node.czxid = try record.readLong()
            node.mzxid = try record.readLong()
            node.ctime = try record.readLong()
            node.mtime = try record.readLong()
            node.version = try record.readInt()
            node.cversion = try record.readInt()
            node.aversion = try record.readInt()
            node.ephemeralOwner = try record.readLong()
            node.pzxid = try record.readLong()
            restorer.add(path: path, node: node)
        }
        for (index, list) in aclLists.enumerated() where aclUsers[index] > 0 {
            _ = restorer.internACL(list, users: aclUsers[index])
        }
        return Restored(tree: restorer.finish(lastProcessedZxid: zxid), sessions: sessions)
    }

    /// Hands out readers over consecutive byte ranges of a stream, refilling a
    /// large buffer only when a range runs past it.
    private struct ChunkedSource {
        var remaining: Int
        var buffer: [UInt8] = []
        var position = 0

        mutating func take(_ read: (Int) throws -> [UInt8], _ count: Int) throws -> JuteReader {
            if buffer.count - position < count {
                let carried = Array(buffer[position...])
                let wanted = min(remaining, max(chunkBytes * 4, count - carried.count))
                guard carried.count + wanted >= count else {
                    throw JuteError.truncated(needed: count, available: carried.count + wanted)
                }
                buffer = carried + (try read(wanted))
                remaining -= wanted
                position = 0
            }
            let reader = JuteReader(window: buffer, start: position, count: count)
            position += count
            return reader
        }
    }
}
