@testable import QuorumCore

/// ZAB's safety properties, checked while a simulated run goes on.
///
/// `committed` is the one global committed sequence: what each leader holds
/// when it starts serving (its whole log counts as committed in its epoch)
/// plus what it commits. Leaders may only extend it; every serving node's
/// applied sequence must be a prefix of it; a leader that starts serving must
/// already hold all of it (everything committed so far was durable on a
/// quorum that the new epoch's quorum intersects).
struct SimChecker {
    private(set) var committed: [ZabTxn] = []
    /// Who started serving as leader in each epoch.
    private(set) var leaderOfEpoch: [Int64: Int] = [:]
    /// Txns whose clients were answered: covered by a leader's `.commit(upTo:)`.
    private(set) var acknowledged: [ZabTxn] = []
    private(set) var violations: [String] = []

    mutating func fail(_ message: String) {
        violations.append(message)
    }

    /// A leader started serving `epoch` with `tree` as its applied state.
    mutating func leaderStartedServing(_ sid: Int, epoch: Int64, tree: [ZabTxn], verified: inout Int, nowMs: Int64) {
        if let other = leaderOfEpoch[epoch] {
            fail("t=\(nowMs) two leaders for epoch \(epoch): s\(other) and then s\(sid) started serving it")
        }
        leaderOfEpoch[epoch] = sid
        if tree.count < committed.count {
            let missing = committed[tree.count]
            fail("t=\(nowMs) s\(sid) serves epoch \(epoch) without committed \(Self.describe(missing)) (it has \(tree.count) of \(committed.count) committed txns)")
        }
        extend(by: sid, tree: tree, verified: &verified, nowMs: nowMs)
    }

    /// A leader applied committed txns: they join the global sequence.
    mutating func leaderCommitted(_ sid: Int, tree: [ZabTxn], newlyApplied: ArraySlice<ZabTxn>, verified: inout Int, nowMs: Int64) {
        acknowledged.append(contentsOf: newlyApplied)
        extend(by: sid, tree: tree, verified: &verified, nowMs: nowMs)
    }

    /// A serving learner's applied state: a prefix of what leaders committed.
    mutating func learnerApplied(_ sid: Int, tree: [ZabTxn], verified: inout Int, nowMs: Int64) {
        guard compare(sid, tree: tree, verified: &verified, nowMs: nowMs) else { return }
        if tree.count > committed.count {
            fail("t=\(nowMs) s\(sid) applied \(Self.describe(tree[committed.count])) that no leader committed")
        }
    }

    private mutating func extend(by sid: Int, tree: [ZabTxn], verified: inout Int, nowMs: Int64) {
        guard compare(sid, tree: tree, verified: &verified, nowMs: nowMs) else { return }
        if tree.count > committed.count {
            committed.append(contentsOf: tree[committed.count...])
            verified = tree.count
        }
    }

    /// Checks the part of `tree` not yet known to agree with `committed`;
    /// `verified` (kept per node, reset when its state is reloaded) makes the
    /// check incremental.
    private mutating func compare(_ sid: Int, tree: [ZabTxn], verified: inout Int, nowMs: Int64) -> Bool {
        let common = min(tree.count, committed.count)
        var index = min(verified, common)
        while index < common {
            guard tree[index] == committed[index] else {
                fail("t=\(nowMs) s\(sid) applied \(Self.describe(tree[index])) at position \(index + 1) "
                     + "where the committed sequence has \(Self.describe(committed[index]))")
                return false
            }
            index += 1
        }
        verified = common
        return true
    }

    static func describe(_ txn: ZabTxn) -> String {
        "\(Zxid.hex(txn.zxid)) \"\(String(decoding: txn.payload, as: UTF8.self))\""
    }
}
