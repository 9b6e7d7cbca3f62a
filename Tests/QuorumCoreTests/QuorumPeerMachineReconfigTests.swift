import Testing
@testable import QuorumCore

/// What a reconfiguration changes in the shipped quorum member: its own role
/// when a committed reconfig removes it or changes its type, nothing when it
/// merely syncs a configuration that does not name it yet, and the election's
/// need for both quorums while a reconfig is logged but not activated.
struct QuorumPeerMachineReconfigTests {
    /// A 3-voter simulated ensemble (plus observers) with a serving leader.
    static func stable(observers: Int = 0) -> (EnsembleSim, leader: Int) {
        var options = SimOptions()
        options.observers = observers
        return QuorumPeerMachineTests.stableEnsemble(options)
    }

    /// Apache 3.8 keeps a removed follower as a non-voting follower that serves.
    @Test func aFollowerRemovedByACommittedReconfigGoesOnAsANonVotingFollower() throws {
        let (sim, leader) = Self.stable()
        let follower = try #require(sim.ids.first { $0 != leader })
        var machine = try #require(sim.node(follower).machine)
        let link = try #require(machine.leaderLink)
        let remaining = Set(sim.ids.filter { $0 != follower })
        let effects = machine.membershipChanged(members: remaining, voters: remaining, byReconfigTxn: true, nowMs: sim.now)
        #expect(!effects.contains(.leaveRole))
        #expect(machine.leaderLink == link)
        #expect(machine.role.learner?.isObserver == false)
        #expect(!machine.isObserver, "srvr says follower, as Apache's")
        #expect(!machine.election.settings.isVoter)
    }

    /// The removed leader looks again once the reconfig commits, and then
    /// follows (not observes) the leader the remaining voters elect.
    @Test func aRemovedLeaderLooksAgainAndFollowsWithoutAVote() throws {
        let (sim, leader) = Self.stable()
        var machine = try #require(sim.node(leader).machine)
        let remaining = Set(sim.ids.filter { $0 != leader })
        let effects = machine.membershipChanged(members: remaining, voters: remaining, byReconfigTxn: true, nowMs: sim.now)
        #expect(effects.contains(.leaveRole))
        #expect(effects.last == .restoreState)
        _ = machine.stateRestored(appliedZxid: 0, history: [], historyFloorZxid: 0, nowMs: sim.now + 1)
        let newLeader = try #require(remaining.max())
        var decided: [PeerEffect] = []
        for sid in remaining.sorted() {
            let state: PeerState = sid == newLeader ? .leading : .following
            decided += machine.electionReceived(Notification(from: sid, vote: Vote(leader: newLeader, zxid: 0, peerEpoch: 2),
                                                             round: 1, state: state), nowMs: sim.now + 2)
        }
        #expect(decided.contains { if case .decided(.following, leader: newLeader, _, _) = $0 { true } else { false } })
        #expect(machine.role.learner?.isObserver == false)
    }

    /// Apache's designated leader: when the reconfig removes our leader, the
    /// next election starts by proposing the lowest voter of the new set.
    @Test func aFollowerWhoseLeaderWasRemovedProposesTheDesignatedLeader() throws {
        let (sim, leader) = Self.stable()
        let remaining = Set(sim.ids.filter { $0 != leader })
        let follower = try #require(remaining.max())
        var machine = try #require(sim.node(follower).machine)
        let link = try #require(machine.leaderLink)
        _ = machine.membershipChanged(members: remaining, voters: remaining, byReconfigTxn: true, nowMs: sim.now)
        #expect(machine.designatedLeader == remaining.min())
        _ = machine.leaderLinkClosed(link, nowMs: sim.now + 1)
        _ = machine.stateRestored(appliedZxid: 0, history: [], historyFloorZxid: 0, nowMs: sim.now + 2)
        #expect(machine.election.proposal.leader == remaining.min(), "proposes s\(remaining.min()!), not itself")
        #expect(machine.designatedLeader == nil, "only for that election")
        // The designated voter, looking in a newer round, proposes itself with the same zxid:
        // we move to its round still proposing it, not ourselves (our higher sid would beat it,
        // and the other voter would then follow us: the CPU-busy interop run saw that).
        let designated = try #require(remaining.min())
        let ownVote = machine.election.proposal
        let effects = machine.electionReceived(
            Notification(from: designated, vote: Vote(leader: designated, zxid: ownVote.zxid, peerEpoch: ownVote.peerEpoch),
                         round: machine.election.round + 3, state: .looking), nowMs: sim.now + 3)
        #expect(machine.election.proposal.leader == designated, "a newer round keeps the designated leader")
        #expect(!effects.contains { if case .decided(.leading, _, _, _) = $0 { true } else { false } })
    }

    @Test func aLearnerSyncingAConfigurationWithoutItselfStaysANonVotingLearner() throws {
        let (sim, leader) = Self.stable()
        let follower = try #require(sim.ids.first { $0 != leader })
        var machine = try #require(sim.node(follower).machine)
        let others = Set(sim.ids.filter { $0 != follower })
        let effects = machine.membershipChanged(members: others, voters: others, byReconfigTxn: false, nowMs: sim.now)
        #expect(!effects.contains(.leaveRole))
        #expect(machine.role.learner != nil)
    }

    @Test func anObserverMadeAParticipantLooksAgainAndVotes() throws {
        let (sim, _) = Self.stable(observers: 1)
        let observer = try #require(sim.ids.max())
        var machine = try #require(sim.node(observer).machine)
        #expect(machine.role.learner?.isObserver == true)
        let everyone = Set(sim.ids)
        let effects = machine.membershipChanged(members: everyone, voters: everyone, byReconfigTxn: true, nowMs: sim.now)
        #expect(effects.contains(.leaveRole))
        #expect(effects.last == .restoreState)
        #expect(machine.election.settings.isVoter)
        #expect(machine.election.settings.voters == everyone)
    }

    @Test func aLeaderMadeAnObserverStepsDown() throws {
        let (sim, leader) = Self.stable()
        var machine = try #require(sim.node(leader).machine)
        let voters = Set(sim.ids.filter { $0 != leader })
        let effects = machine.membershipChanged(members: Set(sim.ids), voters: voters, byReconfigTxn: true, nowMs: sim.now)
        #expect(effects.contains(.leaveRole))
        #expect(machine.role.leader == nil)
    }

    /// Apache's hasAllQuorums: s1 and s2 agree, a quorum of {1, 2, 3}, but
    /// the logged reconfig to {1, 4, 5} needs one of s4 / s5 as well.
    @Test func anElectionWithALoggedReconfigNeedsAQuorumOfBothVoterSets() {
        var election = FastLeaderElection(settings: .init(myid: 1, voters: [1, 2, 3]))
        election.setVoters([1, 2, 3], proposed: [1, 4, 5])
        var decided: [FastLeaderElection.Directive] = election.start(lastZxid: 5, currentEpoch: 1, nowMs: 0)
        #expect(decided.contains(.send(to: 4, election.currentNotification)), "the proposed voters hear the vote too")
        let ownVote = Vote(leader: 1, zxid: 5, peerEpoch: 1)
        decided = election.receive(Notification(from: 2, vote: ownVote, round: 1, state: .looking), nowMs: 1)
        decided += election.tick(nowMs: 1_000)
        #expect(election.state == .looking, "no quorum of the proposed voters yet")
        decided = election.receive(Notification(from: 4, vote: ownVote, round: 1, state: .looking), nowMs: 1_001)
        decided += election.tick(nowMs: 2_000)
        #expect(election.state == .leading)
        #expect(decided.contains { if case .decided(.leading, _, _) = $0 { true } else { false } })
    }
}
