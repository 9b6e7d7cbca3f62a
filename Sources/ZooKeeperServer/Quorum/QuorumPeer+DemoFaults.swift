import NIOCore
import QuorumCore

/// The two faults `zkdash demo` can put on the nodes it started (DemoControl;
/// never on other processes): a partition from the peers and a slow disk.
extension QuorumPeer {
    /// `part`: every quorum and election connection closes and none is
    /// accepted or opened until `heal`, as if the network between this node
    /// and its peers were cut; the client port stays open. A leader loses its
    /// quorum and steps down; a follower loses its leader; both look alone
    /// until healed, then rejoin through an ordinary election.
    func setPartitioned(_ partitioned: Bool) {
        isPartitioned = partitioned
        if partitioned {
            logger.warning("zkdash demo: partitioned, quorum and election traffic cut both ways")
            for channel in links.values { channel.close(promise: nil) }
            for channel in electionOut.values { channel.close(promise: nil) }
            for channel in electionIn.values { channel.close(promise: nil) }
            latestNotification = [:]
        } else {
            logger.warning("zkdash demo: partition healed")
            perform(machine.networkHealed(nowMs: nowMs))
        }
    }

    /// Applies a txn the leader committed. With the demo's slow disk on, only
    /// once this node's own log holds it (`releaseHeldCommits`), so under load
    /// the node falls behind its leader and the dashboard shows lag. Apache's
    /// learners (and ours otherwise) apply a commit before their own fsync: a
    /// slow disk there only delays their acks, which the quorum does not need.
    func applyCommitted(_ txn: ZabTxn) {
        let slow = (runner.demoControl?.fsyncDelayMs ?? 0) > 0
        guard !heldCommits.isEmpty || (slow && txn.zxid > durableZxid) else {
            runner.perform { $0.applyCommitted(zxid: txn.zxid, payload: txn.payload, nowMs: nowMs) }
            return
        }
        heldCommits.append(txn)
        releaseHeldCommits()
    }

    /// The log reached `durableZxid`: the commits held back up to there apply,
    /// in order.
    func releaseHeldCommits() {
        var released = 0
        while released < heldCommits.count, heldCommits[released].zxid <= durableZxid {
            let txn = heldCommits[released]
            runner.perform { $0.applyCommitted(zxid: txn.zxid, payload: txn.payload, nowMs: nowMs) }
            released += 1
        }
        heldCommits.removeFirst(released)
    }
}
