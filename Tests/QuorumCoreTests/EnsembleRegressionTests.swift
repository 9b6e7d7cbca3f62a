import Testing
@testable import QuorumCore

/// Bugs the ensemble simulation found, pinned at the level of one machine.
struct EnsembleRegressionTests {
    /// The leader and two followers decided in round 4, a third follower
    /// joined the same leader from round 3: a looking server must count all
    /// four (Apache compares out-of-election votes by leader and epoch only),
    /// or with 7 voters it can never join.
    @Test func lookersJoinFollowersOfDifferentRounds() {
        var looker = FastLeaderElection(settings: .init(myid: 1, voters: Set(1...7)))
        for _ in 1...5 { _ = looker.start(lastZxid: 0x2_0000_0009, currentEpoch: 2, nowMs: 0) }
        let vote = Vote(leader: 3, zxid: 0x2_0000_001f, peerEpoch: 3)
        var out = looker.receive(Notification(from: 3, vote: vote, round: 4, state: .leading), nowMs: 10)
        out += looker.receive(Notification(from: 2, vote: vote, round: 4, state: .following), nowMs: 11)
        out += looker.receive(Notification(from: 6, vote: vote, round: 4, state: .following), nowMs: 12)
        #expect(out.isEmpty && looker.state == .looking, "3 of 7 are no quorum")
        // Same leader and epoch, another round and election zxid.
        let later = Vote(leader: 3, zxid: 0x2_0000_0010, peerEpoch: 3)
        out = looker.receive(Notification(from: 5, vote: later, round: 3, state: .following), nowMs: 13)
        #expect(out == [.decided(state: .following, vote: later, round: 3)])
        #expect(looker.state == .following && looker.proposal.leader == 3)
    }

    /// A follower that still announces the epoch it was elected in does not
    /// count for a leader that has since established a newer one.
    @Test func outOfElectionVotesMustAgreeOnTheEpoch() {
        var looker = FastLeaderElection(settings: .init(myid: 1, voters: [1, 2, 3, 4, 5]))
        _ = looker.start(lastZxid: 0, currentEpoch: 1, nowMs: 0)
        var out = looker.receive(Notification(from: 3, vote: Vote(leader: 3, zxid: 5, peerEpoch: 2), round: 2, state: .leading), nowMs: 1)
        out += looker.receive(Notification(from: 2, vote: Vote(leader: 3, zxid: 5, peerEpoch: 1), round: 1, state: .following), nowMs: 2)
        out += looker.receive(Notification(from: 4, vote: Vote(leader: 3, zxid: 5, peerEpoch: 2), round: 2, state: .following), nowMs: 3)
        #expect(out.isEmpty, "s2's vote names another epoch")
    }

    /// Apache's updateElectionVote: once ZAB established an epoch, the vote a
    /// decided server announces carries it.
    @Test func anEstablishedEpochIsAnnounced() {
        var follower = FastLeaderElection(settings: .init(myid: 2, voters: [1, 2, 3]))
        _ = follower.start(lastZxid: 7, currentEpoch: 1, nowMs: 0)
        follower.establish(epoch: 9)
        #expect(follower.proposal.peerEpoch == 1, "a looking server's vote is its own data")
        follower.settle(state: .following, vote: Vote(leader: 3, zxid: 7, peerEpoch: 1))
        follower.establish(epoch: 2)
        #expect(follower.currentNotification.vote == Vote(leader: 3, zxid: 7, peerEpoch: 2))
    }

    /// Voters answer a looking non-voter; the non-voter must not answer back
    /// in a newer round, and once it observes it answers (as every member
    /// does: a server that missed a reconfig learns the membership that way)
    /// but the looking voter does not answer a decided non-voter: otherwise
    /// the two answer each other for as long as the voter looks.
    @Test func aNonVoterDoesNotAnswerAnOlderRound() {
        var observer = FastLeaderElection(settings: .init(myid: 4, voters: [1, 2, 3]))
        _ = observer.start(lastZxid: 0, currentEpoch: 0, nowMs: 0)
        _ = observer.start(lastZxid: 0, currentEpoch: 0, nowMs: 0)
        var voter = FastLeaderElection(settings: .init(myid: 1, voters: [1, 2, 3]))
        _ = voter.start(lastZxid: 0, currentEpoch: 0, nowMs: 0)
        #expect(voter.receive(observer.currentNotification, nowMs: 1) == [.send(to: 4, voter.currentNotification)])
        #expect(observer.receive(voter.currentNotification, nowMs: 2).isEmpty)
        observer.settle(state: .observing, vote: Vote(leader: 3, zxid: 0, peerEpoch: 0))
        #expect(observer.receive(voter.currentNotification, nowMs: 3) == [.send(to: 1, observer.currentNotification)])
        #expect(voter.receive(observer.currentNotification, nowMs: 4).isEmpty, "the exchange ends here")
    }

    /// ZOOKEEPER-4643: a learner makes NEWLEADER's epoch current only once the
    /// synchronised history is on disk, right before acking. Persisted on
    /// receipt, a crash in between left a log missing committed txns under
    /// the newest epoch, whose vote then won and truncated them away.
    @Test func theNewEpochIsPersistedWithTheSyncedHistory() {
        var bench = ZabBench(voters: [1, 2, 3], leader: 3, logs: [3: [0x1_0000_0001, 0x1_0000_0002]], epochs: [3: 1])
        bench.join(1)
        bench.deliver()
        #expect(bench.nodes[1]!.log.count == 2 && bench.nodes[1]!.durable == 0)
        #expect(bench.nodes[1]!.acceptedEpoch == 2)
        #expect(bench.nodes[1]!.currentEpoch == 0, "the history is not on disk yet")
        #expect(bench.leader.phase == .synchronization)
        bench.flush(1)
        #expect(bench.nodes[1]!.currentEpoch == 2)
        bench.deliver()
        #expect(bench.leader.phase == .broadcast && bench.nodes[1]!.serving)
    }
}
