import Foundation
import QuorumCore
import ZooKeeperAdmin
import ZooKeeperCore

/// Dynamic membership (issue 17): where the membership comes from, what
/// /zookeeper/config says, what the leader's prep knows for `reconfig`, and
/// what a committed reconfig changes.
extension QuorumPeer {
    /// zoo.cfg's `server.N` lines at version 0, unless the recovered tree holds
    /// a versioned membership (a reconfig, or Apache's first-leader stamp):
    /// that one is in force, as Apache's dynamic config file would be.
    static func startingMembership(config: ServerConfig, tree: DataTree) -> QuorumMembership {
        let configured = QuorumMembership(members: config.servers, version: 0)
        guard let data = tree.node(DataTree.configPath)?.data,
              let stored = QuorumMembership.parse(String(decoding: data, as: UTF8.self)), stored.version > 0 else { return configured }
        return stored
    }

    /// /zookeeper/config lists the members, as on Apache quorum members. With
    /// `reconfigEnabled`, a static membership gets Apache's version: the
    /// zxid the epoch it is first served in starts at.
    func installMembership(epoch: Int64? = nil) {
        let servedEpoch = epoch ?? machine.currentEpoch
        if config.reconfigEnabled, membership.version == 0, servedEpoch > 0 {
            membership.version = servedEpoch << 32
        }
        let text = Array(membership.text.utf8)
        // A reconfigured node keeps the stat its txn gave it.
        if runner.core.tree.node(DataTree.configPath)?.data != text {
            runner.core.installQuorumConfig(text, nowMs: nowMs)
        }
        refreshReconfigView()
    }

    /// A reconfig txn was applied here: its membership is now in force.
    func adopt(_ text: String) {
        guard let next = QuorumMembership.parse(text) else {
            logger.error("reconfig: /zookeeper/config does not read as a membership; keeping the old one")
            return
        }
        let before = membership.sids.sorted().map { "s\($0)" }.joined(separator: " ")
        membership = next
        members = Dictionary(uniqueKeysWithValues: next.members.map { ($0.sid, $0) })
        logger.info("reconfig: configuration 0x\(String(next.version, radix: 16)) in force: \(next.sids.sorted().map { "s\($0)" }.joined(separator: " ")) (was \(before))")
        if !next.sids.contains(myid) {
            logger.warning("reconfig: s\(myid) is not in configuration 0x\(String(next.version, radix: 16)); it leaves the ensemble")
        }
        perform(machine.membershipChanged(members: next.sids, nowMs: nowMs))
        refreshReconfigView()
    }

    /// The leader's prep sees the membership in force and which voters are
    /// synced (for NewConfigNoQuorum); learners have no view.
    func refreshReconfigView() {
        guard config.reconfigEnabled else { return }
        guard let leader = machine.role.leader, runner.core.isServing else {
            if runner.core.reconfig != nil { runner.core.reconfig = nil }
            return
        }
        let synced = Set(leader.syncedFollowers).union([myid])
        if var view = runner.core.reconfig {
            guard view.syncedVoters != synced || (!view.inProgress && view.membership != membership) else { return }
            view.syncedVoters = synced
            if !view.inProgress { view.membership = membership }
            runner.core.reconfig = view
        } else {
            runner.core.reconfig = ReconfigView(membership: membership, syncedVoters: synced)
        }
    }
}
