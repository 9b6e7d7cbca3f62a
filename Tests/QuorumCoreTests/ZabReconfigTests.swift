import Testing
@testable import QuorumCore

/// Voter changes in ZAB (Apache's ZOOKEEPER-107): a reconfig txn and what
/// follows it commit only under a quorum of the old voters and of the new;
/// from its commit on, the new voters alone count. Driven through the
/// production `ZabLeader` and `ZabLearner` (ZabBench).
struct ZabReconfigTests {
    static func zxid(_ counter: Int64) -> Int64 { Zxid.make(epoch: 1, counter: counter) }

    /// s4 syncs as a non-voting follower (its acks do not count), then a
    /// reconfig makes it a voter: the reconfig txn needs 3 of the new 4.
    @Test func aJoiningVoterCountsFromTheReconfigOnAndTheNewQuorumIsNeeded() {
        var bench = ZabBench(voters: [1, 2, 3], leader: 1)
        bench.join(2)
        bench.join(4)
        bench.deliver()
        #expect(bench.leader.phase == .broadcast)
        #expect(bench.leader.syncedFollowers == [2, 4], "a participant outside the voters is fed as a follower")
        // Before any reconfig, s4's ack is not part of a quorum: s1 + s4 is not 2 of {1, 2, 3}.
        bench.propose(counter: 1)
        bench.deliver()
        bench.flush(1)
        bench.flush(4)
        bench.deliver()
        #expect(bench.nodes[1]!.applied.isEmpty, "a non-voting follower's disk does not make a quorum")
        bench.flush(2)
        bench.deliver()
        #expect(bench.nodes[4]!.applied == [Self.zxid(1)])

        bench.propose(counter: 2, reconfiguringTo: [1, 2, 3, 4])
        bench.deliver()
        bench.flush(1)
        bench.flush(2)
        bench.deliver()
        #expect(bench.nodes[1]!.applied == [Self.zxid(1)], "2 of the old 3 but only 2 of the new 4: not committed")
        #expect(bench.leader.pendingReconfig?.voters == [1, 2, 3, 4])
        bench.flush(4)
        bench.deliver()
        #expect(bench.nodes[1]!.applied == [Self.zxid(1), Self.zxid(2)])
        #expect(bench.leader.settings.voters == [1, 2, 3, 4])
        #expect(bench.leader.pendingReconfig == nil)

        // Activated: s1 + s2 is no longer a quorum (3 of 4 needed); s4 counts.
        bench.propose(counter: 3)
        bench.deliver()
        bench.flush(1)
        bench.flush(2)
        bench.deliver()
        #expect(bench.nodes[1]!.applied.count == 2)
        bench.flush(4)
        bench.deliver()
        #expect(bench.nodes[1]!.applied.last == Self.zxid(3))
    }

    /// Removing s3 from {1, 2, 3}: the reconfig needs both s1 and s2 (all of
    /// the new voters), whatever s3 acks.
    @Test func removingAVoterNeedsTheRemainingVotersForTheReconfigTxn() {
        var bench = ZabBench(voters: [1, 2, 3], leader: 1)
        bench.join(2)
        bench.join(3)
        bench.deliver()
        bench.propose(counter: 1, reconfiguringTo: [1, 2])
        bench.deliver()
        bench.flush(1)
        bench.flush(3)
        bench.deliver()
        #expect(bench.nodes[1]!.applied.isEmpty, "s1 + s3 is a quorum of the old voters only")
        bench.flush(2)
        bench.deliver()
        #expect(bench.nodes[1]!.applied == [Self.zxid(1)])
        #expect(bench.leader.settings.voters == [1, 2])
        // s3 is gone from the count: s1 + s3 no longer commits anything.
        bench.propose(counter: 2)
        bench.deliver()
        bench.flush(1)
        bench.flush(3)
        bench.deliver()
        #expect(bench.nodes[1]!.applied == [Self.zxid(1)])
    }

    /// A leader removed by the reconfig leads on, not counted, until the txn
    /// that removes it commits (its learners get that commit).
    @Test func aRemovedLeaderIsNotCountedOnceTheReconfigCommits() {
        var bench = ZabBench(voters: [1, 2, 3], leader: 1)
        bench.join(2)
        bench.join(3)
        bench.deliver()
        bench.propose(counter: 1, reconfiguringTo: [2, 3])
        bench.deliver()
        bench.flush(1)
        bench.flush(2)
        bench.deliver()
        #expect(bench.nodes[1]!.applied.isEmpty, "the new voters s2 and s3 must both have it")
        bench.flush(3)
        bench.deliver()
        #expect(bench.nodes[2]!.applied == [Self.zxid(1)] && bench.nodes[3]!.applied == [Self.zxid(1)])
        bench.propose(counter: 2)
        bench.deliver()
        bench.flush(1)
        bench.flush(2)
        bench.deliver()
        #expect(bench.nodes[1]!.applied == [Self.zxid(1)], "the leader's own disk no longer counts")
        bench.flush(3)
        bench.deliver()
        #expect(bench.nodes[1]!.applied == [Self.zxid(1), Self.zxid(2)])
    }

    /// A new leader whose log ends in a reconfig it has not seen commit needs
    /// a quorum of both configurations to establish its epoch, then the
    /// reconfig is in force.
    @Test func aLeaderWithALoggedReconfigNeedsBothQuorumsToStart() {
        var bench = ZabBench(voters: [1, 2, 3], leader: 1)
        bench.leader = ZabLeader(settings: bench.settings, acceptedEpoch: 0, currentEpoch: 0, lastZxid: 0, history: [],
                                 historyFloorZxid: 0, proposedVoters: [1, 4, 5], nowMs: 0)
        bench.join(2)
        bench.deliver()
        #expect(bench.leader.phase == .discovery, "s1 + s2: a quorum of {1, 2, 3} but not of {1, 4, 5}")
        bench.join(4)
        bench.deliver()
        #expect(bench.leader.phase == .broadcast)
        #expect(bench.leader.settings.voters == [1, 4, 5])
        #expect(bench.leader.pendingReconfig == nil)
    }
}
