import ZooKeeperAdmin
import ZooKeeperProtocol

/// What the leader's prep needs to answer a `reconfig` request (Apache's
/// quorum verifier and `isQuorumSynced`), kept current by the quorum shell.
/// Nil on learners (they forward writes) and on standalone servers.
public struct ReconfigView: Sendable, Equatable {
    /// The membership in force.
    public var membership: QuorumMembership
    /// A reconfig was prepped and is not applied yet (ReconfigInProgress).
    public var inProgress = false
    /// Voters connected and synced to this leader, the leader included: the
    /// new configuration needs a quorum of its voters among them.
    public var syncedVoters: Set<Int>

    public init(membership: QuorumMembership, syncedVoters: Set<Int>) {
        self.membership = membership
        self.syncedVoters = syncedVoters
    }
}

extension RequestPrep {
    /// Apache 3.8's prep of `reconfig`, in its order: enabled, session,
    /// a quorum leader, no reconfig in progress, the `fromConfig` version, the
    /// new membership (BadArguments), a synced quorum of its voters
    /// (NewConfigNoQuorum), then WRITE on /zookeeper/config (only super, by its
    /// default ACL). The txn is a setData of /zookeeper/config to the new
    /// membership, versioned by this txn's zxid, with stat version -1.
    mutating func prepReconfig(_ request: ReconfigRequest, caller: Caller, zxid: Int64) throws(ErrorCode) -> TxnBody {
        guard reconfigEnabled else { throw .reconfigDisabled }
        try checkSession(caller)
        guard let view = reconfig else { throw .unimplemented }
        guard !view.inProgress else { throw .reconfigInProgress }
        if request.curConfigId != -1, request.curConfigId != view.membership.version { throw .badVersion }
        let next: [ServerEntry]
        do {
            next = try ReconfigPlan.nextMembers(
                current: view.membership.members, joining: request.joiningServers, leaving: request.leavingServers,
                newMembers: request.newMembers, standaloneEnabled: standaloneEnabled)
        } catch {
            switch error {
            case .badArguments: throw .badArguments
            case .notANumber: throw .marshallingError
            }
        }
        let nextMembership = QuorumMembership(members: next, version: zxid)
        // zkdash changes observers live; a change of the voters (who they are
        // or where they listen) needs commits under both quorums, not built yet.
        let voterEntries = { (members: [ServerEntry]) in members.filter { $0.role == .participant } }
        guard voterEntries(next) == voterEntries(view.membership.members) else { throw .unimplemented }
        guard nextMembership.voters.intersection(view.syncedVoters).count > nextMembership.voters.count / 2 else {
            throw .newConfigNoQuorum
        }
        var node = try existing(DataTree.configPath)
        try checkACL(node, .write, caller)
        node.version = -1
        record(DataTree.configPath, zxid: zxid, view: node)
        return .setData(SetDataTxn(path: DataTree.configPath, data: Array(nextMembership.text.utf8), version: -1))
    }
}
