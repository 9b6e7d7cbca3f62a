/// Dynamic reconfiguration (Apache's ZOOKEEPER-107) in the quorum member:
/// what a logged reconfig changes before it is known to commit (elections
/// need a quorum of both voter sets), and what its activation changes (the
/// voters, the members, this server's own role).
///
/// The shell reports both: a reconfig txn seen in the log (proposed by this
/// leader through `proposed(_:reconfiguringTo:)`, logged by this learner or
/// found in the log on restore through `reconfigLogged`), its activation (the
/// txn applied as committed) through `designateLeader` and
/// `membershipChanged`.
extension QuorumPeerMachine {
    /// A reconfig txn making `voters` the voters is in our log, not yet known
    /// to have committed: until it activates, an election needs a quorum of
    /// both the voters in force and these, as does a leader we become. Nil:
    /// the log holds none any more (a restore or truncation found none).
    public mutating func reconfigLogged(voters: Set<Int>?) {
        reconfigSeen(voters: voters)
    }

    /// The membership text a leader sends with NEWLEADER (Apache's quorum
    /// verifier bytes): what learners adopt when it is newer than theirs.
    public mutating func setConfigData(_ data: [UInt8]) {
        settings.zab.configData = data
        election.setConfig(data)
        _ = role.withLeader {
            $0.setConfigData(data)
            return []
        }
    }

    /// A committed reconfig makes `voters` the voters: if our leader is not
    /// among them it steps down, and our next election proposes the
    /// designated leader. The shell calls this as the txn applies, before a
    /// closing leader link can start that election (`membershipChanged`
    /// itself may come a loop turn later).
    public mutating func designateLeader(amongNewVoters voters: Set<Int>) {
        guard voters.contains(myid), let learner = role.learner, !voters.contains(learner.leader) else { return }
        designatedLeader = voters.min()
    }

    mutating func reconfigSeen(voters: Set<Int>?) {
        proposedVoters = voters == settings.zab.voters ? nil : voters
        election.setVoters(settings.zab.voters, proposed: proposedVoters)
    }

    /// A configuration is now in force. `byReconfigTxn`: this server applied
    /// the committed reconfig txn (Apache's COMMITANDACTIVATE); otherwise it
    /// found a newer configuration in the state it synced or restored.
    ///
    /// As Apache 3.8 (measured: tests/interop/test_reconfig_voters.py):
    /// - A server outside the configuration (removed by it, or joining and not
    ///   added yet) goes on as a non-voting follower: it serves clients and
    ///   its acks do not count. A leader removed by it leads on, not counted,
    ///   until the txn that removed it commits (its followers get the commit),
    ///   then looks again and follows the leader the remaining voters elect:
    ///   the designated one (`designateLeader`), in one round.
    /// - A member whose role changed (observer to participant or back) looks
    ///   again and rejoins in its new role; a leader made an observer steps
    ///   down.
    public mutating func membershipChanged(members: Set<Int>, voters: Set<Int>, byReconfigTxn: Bool, nowMs: Int64) -> [PeerEffect] {
        precondition(members.isSuperset(of: voters), "every voter is a member")
        var out: [PeerEffect] = []
        let wasMember = settings.members.contains(myid)
        settings.members = members
        settings.zab.voters = voters
        proposedVoters = nil
        election.setVoters(voters, proposed: nil, nonVoterFollows: !members.contains(myid))
        _ = role.withLeader {
            $0.setVoters(voters)
            return []
        }
        guard !isStopped else { return out }
        if !members.contains(myid) {
            guard byReconfigTxn, wasMember else { return out }
            out.append(.log(.warning, "s\(myid) was removed from the ensemble by reconfig: it goes on as a non-voting follower"))
            if role.leader != nil { lookAgain(reason: "reconfig removed s\(myid), the leader", nowMs: nowMs, into: &out) }
            return out
        }
        let isVoterNow = voters.contains(myid)
        // Our leader is not a voter of the configuration it committed: it
        // steps down. As Apache's designated leader, the lowest voter of the
        // new configuration is proposed first by everyone who applied the
        // reconfig, so they agree at once (a designated voter that lags is
        // stopped by ZAB's discovery, and an ordinary election follows).
        if byReconfigTxn { designateLeader(amongNewVoters: voters) }
        switch role {
        case .leading where !isVoterNow:
            lookAgain(reason: "reconfig made s\(myid) an observer", nowMs: nowMs, into: &out)
        case .learning(let learner) where learner.isObserver == isVoterNow:
            lookAgain(reason: "reconfig made s\(myid) \(isVoterNow ? "a participant" : "an observer")", nowMs: nowMs, into: &out)
        default:
            break
        }
        return out
    }
}
