import Foundation
import QuorumCore
import ZooKeeperAdmin
import ZooKeeperCore
import ZooKeeperStorage

/// Dynamic membership (issue 17): where the membership comes from, what
/// /zookeeper/config says, what the leader's prep knows for `reconfig`, and
/// what a reconfig changes when it is logged and when it commits.
extension QuorumPeer {
    /// The membership last activated here: zoo.cfg's `server.N` lines, or
    /// the dynamic config file it points at (written on every activation,
    /// with the version in its name). A newer one in the recovered log is a
    /// reconfig not known to have committed (`noteRestoredMembership`).
    static func startingMembership(config: ServerConfig) -> QuorumMembership {
        QuorumMembership(members: config.servers, version: config.membershipVersion)
    }

    static func treeMembership(_ tree: DataTree) -> QuorumMembership? {
        guard let data = tree.node(DataTree.configPath)?.data else { return nil }
        return QuorumMembership.parse(String(decoding: data, as: UTF8.self))
    }

    /// /zookeeper/config lists the members, as on Apache quorum members. With
    /// `reconfigEnabled`, a static membership gets Apache's version: the
    /// zxid the epoch it is first served in starts at. A newer membership in
    /// the tree (synced from the leader, or restored from our log) is never
    /// overwritten: a server that serves adopts it (`adoptNewer`; a leader's
    /// whole log commits as it starts, so for a leader it counts as a
    /// committed reconfig), a restore leaves it to `noteRestoredMembership`.
    func installMembership(epoch: Int64? = nil, adoptNewer: Bool = true) {
        if let stored = Self.treeMembership(runner.core.tree), stored.version > membership.version {
            guard adoptNewer else { return }
            activate(stored, byReconfigTxn: machine.role.leader != nil)
        }
        let servedEpoch = epoch ?? machine.currentEpoch
        if config.reconfigEnabled, membership.version == 0, servedEpoch > 0 {
            membership.version = servedEpoch << 32
            persist(membership)
        }
        let text = Array(membership.text.utf8)
        if config.reconfigEnabled { machine.setConfigData(text) }
        // A reconfigured node keeps the stat its txn gave it.
        if runner.core.tree.node(DataTree.configPath)?.data != text {
            runner.core.installQuorumConfig(text, nowMs: nowMs)
        }
        refreshReconfigView()
    }

    /// A committed reconfig txn was applied here: its membership is now in force.
    func adopt(_ text: String) {
        guard let next = QuorumMembership.parse(text) else {
            logger.error("reconfig: /zookeeper/config does not read as a membership; keeping the old one")
            return
        }
        activate(next, byReconfigTxn: true)
    }

    private func activate(_ next: QuorumMembership, byReconfigTxn: Bool) {
        let before = membership.sids.sorted().map { "s\($0)" }.joined(separator: " ")
        membership = next
        persist(next)
        if config.reconfigEnabled { machine.setConfigData(Array(next.text.utf8)) }
        for entry in next.members { members[entry.sid] = entry }
        for sid in members.keys where !next.sids.contains(sid) && sid != myid { members[sid] = nil }
        logger.info("reconfig: configuration 0x\(String(next.version, radix: 16)) in force: \(next.sids.sorted().map { "s\($0)" }.joined(separator: " ")) (was \(before))")
        if !next.sids.contains(myid) {
            logger.warning(byReconfigTxn
                ? "reconfig: s\(myid) is not in configuration 0x\(String(next.version, radix: 16)); it goes on as a non-voting follower"
                : "reconfig: s\(myid) is not in configuration 0x\(String(next.version, radix: 16)) yet; it takes part as a non-voting learner")
        }
        if byReconfigTxn { machine.designateLeader(amongNewVoters: next.voters) }
        // After the effects of the commit being applied now (the leader's
        // commits to its learners among them): a role change closes links.
        loop.execute { [self] in
            perform(machine.membershipChanged(members: next.sids, voters: next.voters, byReconfigTxn: byReconfigTxn, nowMs: nowMs))
            refreshReconfigView()
        }
        refreshReconfigView()
    }

    /// A peer's membership came with the leader's NEWLEADER or a peer's
    /// election notification (as Apache's quorum verifier does): newer than
    /// ours, it is in force here. A server joining by reconfig then lists the
    /// ensemble it joins, without itself, until the reconfig that adds it; a
    /// server that was down while the voters changed learns whom to elect with.
    func peerSentMembership(_ bytes: [UInt8]) {
        guard config.reconfigEnabled, let sent = QuorumMembership.parse(String(decoding: bytes, as: UTF8.self)),
              sent.version > membership.version else { return }
        activate(sent, byReconfigTxn: false)
        // The tree shows it too (a DIFF does not carry the leader's local /zookeeper/config).
        let text = Array(sent.text.utf8)
        if runner.core.tree.node(DataTree.configPath)?.data != text { runner.core.installQuorumConfig(text, nowMs: nowMs) }
    }

    /// Apache's dynamic config file for an activated membership, and zoo.cfg
    /// pointed at it: a restart starts from the membership in force, never
    /// from a reconfig it only logged. A failure is logged, as Apache does:
    /// the membership stays in force in memory and in the tree.
    func persist(_ active: QuorumMembership) {
        guard config.reconfigEnabled, let configPath = config.configFilePath else { return }
        let dynamicPath = DynamicConfigText.fileName(configPath: configPath, version: active.version)
        do {
            try DurableFile.replace(dynamicPath, with: Array(DynamicConfigText.dynamicFile(active).utf8))
            let current = try String(contentsOfFile: configPath, encoding: .utf8)
            let eraseClient = active.members.first { $0.sid == myid }?.clientPort != nil
            let edited = DynamicConfigText.staticFile(editing: current, dynamicPath: dynamicPath, eraseClientInfo: eraseClient)
            if edited != current { try DurableFile.replace(configPath, with: Array(edited.utf8)) }
        } catch {
            logger.error("reconfig: cannot write \(dynamicPath) or point \(configPath) at it: \(error)")
        }
    }

    /// A txn entered our log (proposed by us as leader, or logged as a
    /// learner): a reconfig one changes who counts until it activates.
    func reconfigLogged(_ payload: [UInt8]) -> Set<Int>? {
        guard config.reconfigEnabled, let next = ReconfigTxn.membership(inLogPayload: payload) else { return nil }
        logger.info("reconfig: configuration 0x\(String(next.version, radix: 16)) logged, voters \(next.voters.sorted().map { "s\($0)" }.joined(separator: " ")); both quorums count until it commits")
        return next.voters
    }

    /// After a restore the tree holds every logged txn: a newer membership
    /// there is a reconfig we logged and do not know committed (none: a
    /// truncation dropped the one we had logged).
    func noteRestoredMembership() {
        guard config.reconfigEnabled else { return }
        guard let stored = Self.treeMembership(runner.core.tree), stored.version > membership.version else {
            machine.reconfigLogged(voters: nil)
            return
        }
        machine.reconfigLogged(voters: stored.voters)
        for entry in stored.members where members[entry.sid] == nil { members[entry.sid] = entry }
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
