import ZooKeeperProtocol

/// Rebuilding state at start: a snapshot (or an empty tree) plus every logged
/// txn after it, applied in zxid order through the same apply path as live txns.
public struct RecoveredState: Sendable {
    public var tree: DataTree
    /// Session id → timeout in ms, for sessions alive at the last txn.
    public var sessions: [Int64: Int]
    public var replayedTxnCount = 0

    public init(tree: DataTree = DataTree(), sessions: [Int64: Int] = [:]) {
        self.tree = tree
        self.sessions = sessions
    }

    /// Applies one logged txn. Entries at or below the tree's zxid (already in
    /// the snapshot) are skipped.
    public mutating func replay(zxid: Int64, payload: [UInt8]) throws {
        guard zxid > tree.lastProcessedZxid else { return }
        let entry = try TxnEntry(juteBytes: payload, maxBufferBytes: Int.max)
        guard entry.header.zxid == zxid else {
            throw JuteError.invalidValue("log entry zxid 0x\(hex(zxid)) holds a txn for 0x\(hex(entry.header.zxid))")
        }
        switch entry.body {
        case .createSession(let txn): sessions[entry.header.clientId] = Int(txn.timeOut)
        case .closeSession: sessions[entry.header.clientId] = nil
        default: break
        }
        _ = tree.apply(entry.header, entry.body)
        replayedTxnCount += 1
    }
}
