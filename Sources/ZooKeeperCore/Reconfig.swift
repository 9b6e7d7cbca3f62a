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

/// Reconfig txns in the log: the quorum shell must know which txn changes
/// the voters (the leader counts its acks under both configurations, a
/// learner's election needs both quorums until it activates).
public enum ReconfigTxn {
    /// The membership a logged txn (TxnHeader + body, as the log and the
    /// quorum carry it) installs, or nil when it is not a reconfig txn. Reads
    /// only the header's type field for every other txn: this runs on each
    /// proposal.
    public static func membership(inLogPayload payload: [UInt8]) -> QuorumMembership? {
        // TxnHeader: clientId (8), cxid (4), zxid (8), time (8), then type.
        let typeOffset = 28
        guard payload.count >= typeOffset + 4 else { return nil }
        let type = payload[typeOffset..<typeOffset + 4].reduce(Int32(0)) { $0 << 8 | Int32($1) }
        guard type == OpCode.reconfig.rawValue else { return nil }
        var reader = JuteReader(payload)
        guard (try? TxnHeader(from: &reader)) != nil, let body = try? SetDataTxn(from: &reader),
              body.path == DataTree.configPath, let data = body.data else { return nil }
        return QuorumMembership.parse(String(decoding: data, as: UTF8.self))
    }
}
