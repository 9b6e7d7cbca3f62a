@testable import QuorumCore

/// Dynamic reconfiguration in the simulated shell, as QuorumPeer+Membership
/// does it around the same machine: a reconfig txn's payload names its voters
/// (`reconfig:1,2,4`, its zxid is the configuration's version); the shell
/// reports it logged (`reconfigLogged`), activated when applied as committed
/// (`membershipChanged`, deferred past the effects being performed, as the
/// real shell defers it to the next loop turn), adopted from the leader's
/// NEWLEADER or a synced state. The activated configuration is persisted
/// (`SimDisk.activeConfig`, the real server's dynamic config file); a restart
/// or restore that finds a newer one in its log reports it logged, not active.
///
/// Every node stays a member: a voter removed becomes an observer, an
/// observer added becomes a voter, so reconfigs exercise role changes.
extension EnsembleSim {
    struct SimConfig: Equatable {
        var version: Int64
        var voters: Set<Int>
    }

    static let reconfigPrefix = "reconfig:"

    static func reconfigVoters(_ txn: ZabTxn) -> Set<Int>? {
        let text = String(decoding: txn.payload, as: UTF8.self)
        guard text.hasPrefix(reconfigPrefix) else { return nil }
        return Set(text.dropFirst(reconfigPrefix.count).split(separator: ",").compactMap { Int($0) })
    }

    /// Like /zookeeper/config, its last line is `version=<hex>` (what the
    /// election machine reads).
    static func encode(_ config: SimConfig) -> [UInt8] {
        Array("voters=\(config.voters.sorted().map(String.init).joined(separator: ","))\nversion=\(String(config.version, radix: 16))".utf8)
    }

    static func decodeConfig(_ bytes: [UInt8]) -> SimConfig? {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        guard lines.count == 2, lines[0].hasPrefix("voters="), let version = ConfigVersion.of(bytes) else { return nil }
        return SimConfig(version: version, voters: Set(lines[0].dropFirst("voters=".count).split(separator: ",").compactMap { Int($0) }))
    }

    /// The newest configuration in a node's applied state (snapshot + log).
    func newestConfig(in tree: [ZabTxn]) -> SimConfig? {
        for txn in tree.reversed() {
            if let voters = Self.reconfigVoters(txn) { return SimConfig(version: txn.zxid, voters: voters) }
        }
        return nil
    }

    func activeConfig(_ node: SimNode) -> SimConfig {
        node.disk.activeConfig ?? SimConfig(version: 0, voters: initialVoters)
    }

    // MARK: Proposing

    /// The serving leader proposes a reconfig to `newVoters`, if no other is
    /// pending and a synced quorum of the new voters is there (the core's
    /// NewConfigNoQuorum check; a reconfig without it could never commit).
    @discardableResult
    func proposeReconfig(at node: SimNode, voters newVoters: Set<Int>) -> ZabTxn? {
        guard node.isServingLeader, let zab = node.leaderMachine, let epoch = zab.newEpoch, zab.pendingReconfig == nil,
              newVoters != zab.settings.voters else { return nil }
        let synced = Set(zab.syncedFollowers).union([node.sid])
        guard newVoters.intersection(synced).count > newVoters.count / 2 else { return nil }
        let last = zab.lastProposedZxid
        let counter = Zxid.epoch(last) == epoch ? Zxid.counter(last) + 1 : 1
        let payload = Self.reconfigPrefix + newVoters.sorted().map(String.init).joined(separator: ",")
        let txn = ZabTxn(zxid: Zxid.make(epoch: epoch, counter: counter), payload: Array(payload.utf8))
        node.disk.log.append(txn)
        scheduleFsync(node)
        stats.proposed += 1
        stats.reconfigs += 1
        say("s\(node.sid) proposes reconfig \(Zxid.hex(txn.zxid)): voters \(newVoters.sorted())")
        recordQuorums(of: txn, at: node, reconfiguringTo: newVoters)
        step(node) { [now] in $0.proposed(txn, reconfiguringTo: newVoters, nowMs: now) }
        return txn
    }

    /// For the checker: the voter sets whose quorum must hold `txn` durably
    /// before it commits — the configuration it is proposed under. A reconfig
    /// txn is proposed under the old voters and the new; a txn after it in the
    /// log, under the new ones (any later leader holds the reconfig).
    func recordQuorums(of txn: ZabTxn, at node: SimNode, reconfiguringTo newVoters: Set<Int>? = nil) {
        guard let zab = node.leaderMachine else { return }
        let sets: [Set<Int>]
        if let newVoters {
            sets = [zab.settings.voters, newVoters]
        } else {
            sets = [zab.pendingReconfig?.voters ?? zab.settings.voters]
        }
        proposalQuorums[txn.zxid] = (txn, sets)
    }

    /// Checks a txn the leader commits: a quorum of every voter set it was
    /// proposed under has it on disk.
    func checkCommitQuorums(_ txn: ZabTxn, by sid: Int) {
        guard let (proposed, sets) = proposalQuorums.removeValue(forKey: txn.zxid), proposed == txn else { return }
        for voters in sets {
            let holding = voters.filter { holdsDurably(node($0), txn) }
            if holding.count <= voters.count / 2 {
                checker.fail("t=\(now) s\(sid) commits \(SimChecker.describe(txn)) held on disk by \(holding.sorted()) only, "
                             + "not a quorum of voters \(voters.sorted()) it was proposed under")
            }
        }
    }

    /// Binary search: logs and snapshots are in zxid order.
    private func holdsDurably(_ node: SimNode, _ txn: ZabTxn) -> Bool {
        let disk = node.disk
        func find(_ txns: ArraySlice<ZabTxn>) -> Bool {
            var low = txns.startIndex
            var high = txns.endIndex
            while low < high {
                let mid = (low + high) / 2
                if txns[mid].zxid < txn.zxid { low = mid + 1 } else { high = mid }
            }
            return low < txns.endIndex && txns[low] == txn
        }
        if txn.zxid <= disk.snapshotZxid { return find(disk.snapshot[...]) }
        return find(disk.log[..<disk.durable])
    }

    // MARK: The shell's side

    /// A txn entered this node's log.
    func noteLogged(_ node: SimNode, _ txn: ZabTxn) {
        guard let voters = Self.reconfigVoters(txn) else { return }
        step(node) { machine in
            machine.reconfigLogged(voters: voters)
            return []
        }
    }

    /// A node applied `txn` as committed (a learner's apply, the leader's commit).
    func noteCommitted(_ node: SimNode, _ txn: ZabTxn) {
        guard let voters = Self.reconfigVoters(txn) else { return }
        activateLater(node, SimConfig(version: txn.zxid, voters: voters), byReconfigTxn: true)
    }

    /// The state a node serves from (a new leader's whole log, a learner's
    /// synced state) may hold a newer configuration than the active one.
    func noteServing(_ node: SimNode, asLeader: Bool) {
        guard let newest = newestConfig(in: node.tree), newest.version > activeConfig(node).version else { return }
        activateLater(node, newest, byReconfigTxn: asLeader)
    }

    /// The leader's configuration from its NEWLEADER.
    func noteLeaderConfig(_ node: SimNode, _ bytes: [UInt8]) {
        guard let sent = Self.decodeConfig(bytes), sent.version > activeConfig(node).version else { return }
        activateLater(node, sent, byReconfigTxn: false)
    }

    /// After a start, reload or truncation: a configuration in the log newer
    /// than the active one was logged, not known committed.
    func noteRestored(_ node: SimNode) {
        guard options.reconfig else { return }
        let newest = newestConfig(in: node.tree)
        let pending = newest.flatMap { $0.version > activeConfig(node).version ? $0.voters : nil }
        step(node) { machine in
            machine.reconfigLogged(voters: pending)
            return []
        }
    }

    private func activateLater(_ node: SimNode, _ config: SimConfig, byReconfigTxn: Bool) {
        schedule(.activate(node.sid, incarnation: node.incarnation, config: config, byReconfigTxn: byReconfigTxn), at: now)
    }

    func activate(_ node: SimNode, _ config: SimConfig, byReconfigTxn: Bool) {
        guard config.version > activeConfig(node).version || (config.version == activeConfig(node).version && config != activeConfig(node)) else { return }
        node.disk.activeConfig = config
        node.isObserver = !config.voters.contains(node.sid)
        say("s\(node.sid) activates configuration \(Zxid.hex(config.version)): voters \(config.voters.sorted())")
        step(node) { [now, ids] machine in
            machine.setConfigData(Self.encode(config))
            return machine.membershipChanged(members: Set(ids), voters: config.voters, byReconfigTxn: byReconfigTxn, nowMs: now)
        }
    }

    /// What the ensemble counts as its voters: the newest configuration a
    /// leader committed (the checker's view, for `stableLeader`).
    func committedVotersChanged(_ config: SimConfig) {
        guard config.version > committedConfig.version else { return }
        committedConfig = config
    }
}
