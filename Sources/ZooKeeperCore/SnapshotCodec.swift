import ZooKeeperProtocol

/// Snapshot contents: the applied zxid, the live sessions and every node.
/// Each node is a length-prefixed jute record so a reader can stream the file
/// with bounded memory. Child lists are not stored; they are rebuilt from paths.
///
/// Format 2 (written now) stores each node's ACL list as an index into a
/// table of the distinct lists, written after the nodes (Apache's aclRef and
/// ACL cache): a snapshot is the same size per znode as Apache's, where a
/// full list per node (format 1, still read) cost 19 bytes more for the
/// usual world:anyone.
public enum SnapshotCodec {
    static let formatVersion: Int32 = 2
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
        writer.writeLong(Int64(tree.nodes.count))
        var aclIndex: [[ACL]: Int32] = [:]
        var aclLists: [[ACL]] = []
        for (path, node) in tree.nodes {
            let start = writer.bytes.count
            writer.writeInt(0)
            writer.writeString(path)
            writer.writeBuffer(node.data)
            if let index = aclIndex[node.acl] {
                writer.writeInt(index)
            } else {
                let index = Int32(aclLists.count)
                aclIndex[node.acl] = index
                aclLists.append(node.acl)
                writer.writeInt(index)
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
        // The ACL table: one length-prefixed record of the distinct lists.
        let tableStart = writer.bytes.count
        writer.writeInt(0)
        writer.writeInt(Int32(aclLists.count))
        for list in aclLists { writer.writeRecords(list) }
        writer.patchInt(Int32(writer.bytes.count - tableStart - 4), at: tableStart)
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
        var countReader = try source.take(read, 8)
        let nodeCount = try countReader.readLong()
        guard nodeCount >= 0 else { throw JuteError.invalidValue("node count \(nodeCount)") }
        var entries: [(String, Znode)] = []
        entries.reserveCapacity(Int(min(nodeCount, 1 << 24)))
        /// Format 2: each node's index into the ACL table that follows the nodes.
        var aclIndexes: [Int32] = []
        if aclsByIndex { aclIndexes.reserveCapacity(Int(min(nodeCount, 1 << 24))) }
        for _ in 0..<nodeCount {
            var lengthReader = try source.take(read, 4)
            let length = try lengthReader.readInt()
            guard length > 0, Int(length) <= 64 * 1024 * 1024 else { throw JuteError.invalidValue("node record length \(length)") }
            var record = try source.take(read, Int(length))
            let path = try record.readNonNullString()
            var node = Znode()
            node.data = try record.readBuffer()
            if aclsByIndex {
                aclIndexes.append(try record.readInt())
            } else {
                node.acl = try record.readRecords(ACL.self) ?? []
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
            entries.append((path, node))
        }
        if aclsByIndex {
            var lengthReader = try source.take(read, 4)
            let tableLength = try lengthReader.readInt()
            guard tableLength >= 4, Int(tableLength) <= 64 * 1024 * 1024 else { throw JuteError.invalidValue("ACL table length \(tableLength)") }
            var table = try source.take(read, Int(tableLength))
            let listCount = try table.readInt()
            guard listCount >= 0 else { throw JuteError.negativeLength(listCount) }
            var lists: [[ACL]] = []
            for _ in 0..<listCount { lists.append(try table.readRecords(ACL.self) ?? []) }
            for (position, index) in aclIndexes.enumerated() {
                guard index >= 0, Int(index) < lists.count else { throw JuteError.invalidValue("ACL index \(index) of \(lists.count)") }
                entries[position].1.acl = lists[Int(index)]
            }
        }
        return Restored(tree: DataTree(restoring: entries, lastProcessedZxid: zxid), sessions: sessions)
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
