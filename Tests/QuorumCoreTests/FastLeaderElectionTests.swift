import Testing
@testable import QuorumCore

/// A handful of election state machines on a loss-free in-memory network,
/// stepped by a fake clock: enough to play the seed documents' walkthroughs.
struct ElectionNetwork {
    var peers: [Int: FastLeaderElection] = [:]
    var running: Set<Int> = []
    var inFlight: [(to: Int, Notification)] = []
    var nowMs: Int64 = 0
    var decisions: [Int: (state: PeerState, leader: Int)] = [:]
    let voters: Set<Int>

    init(voters: Set<Int>) {
        self.voters = voters
        for sid in voters { peers[sid] = FastLeaderElection(settings: .init(myid: sid, voters: voters)) }
    }

    mutating func start(_ sid: Int, lastZxid: UInt64, epoch: UInt64) {
        running.insert(sid)
        decisions[sid] = nil
        apply(sid, peers[sid]!.start(lastZxid: lastZxid, currentEpoch: epoch, nowMs: nowMs))
    }

    mutating func stop(_ sid: Int) {
        running.remove(sid)
        decisions[sid] = nil
    }

    mutating func apply(_ sid: Int, _ directives: [FastLeaderElection.Directive]) {
        for directive in directives {
            switch directive {
            case .send(let to, let notification): inFlight.append((to, notification))
            case .decided(let state, let vote, _): decisions[sid] = (state, vote.leader)
            case .newerConfig: break
            }
        }
    }

    /// Delivers messages (dropping those to stopped servers) and advances the
    /// clock in 50 ms steps until nothing is in flight and nobody decides for 2 s.
    mutating func settle() {
        var quietSince = nowMs
        while nowMs - quietSince < 2000 {
            if !inFlight.isEmpty {
                let (to, notification) = inFlight.removeFirst()
                guard running.contains(to), running.contains(notification.from) else { continue }
                apply(to, peers[to]!.receive(notification, nowMs: nowMs))
                quietSince = nowMs
                continue
            }
            nowMs += 50
            for sid in running.sorted() {
                let before = decisions.count
                apply(sid, peers[sid]!.tick(nowMs: nowMs))
                if decisions.count != before { quietSince = nowMs }
            }
        }
    }

    func stateOf(_ sid: Int) -> PeerState? { decisions[sid]?.state }
}

struct FastLeaderElectionTests {
    /// Seed walkthrough 1: five servers started one after another, empty data.
    /// 1 and 2 stay LOOKING; when 3 starts all vote for 3 (the highest sid),
    /// 3 has 3 of 5 votes and leads; 4 and 5 find a leader and follow it.
    @Test func firstStartOfFiveServers() {
        var net = ElectionNetwork(voters: [1, 2, 3, 4, 5])
        net.start(1, lastZxid: 0, epoch: 0)
        net.settle()
        #expect(net.stateOf(1) == nil)  // still LOOKING: 1 vote of 3 needed
        net.start(2, lastZxid: 0, epoch: 0)
        net.settle()
        #expect(net.stateOf(1) == nil && net.stateOf(2) == nil)
        #expect(net.peers[1]!.proposal.leader == 2)  // 1 switched to 2
        net.start(3, lastZxid: 0, epoch: 0)
        net.settle()
        #expect(net.stateOf(3) == .leading)
        #expect(net.stateOf(1) == .following && net.stateOf(2) == .following)
        #expect(net.decisions[1]?.leader == 3 && net.decisions[2]?.leader == 3)
        net.start(4, lastZxid: 0, epoch: 0)
        net.settle()
        #expect(net.stateOf(4) == .following && net.decisions[4]?.leader == 3)
        net.start(5, lastZxid: 0, epoch: 0)
        net.settle()
        #expect(net.stateOf(5) == .following && net.decisions[5]?.leader == 3)
        // 3 kept leading: a latecomer with a higher sid does not take over.
        #expect(net.stateOf(3) == .leading)
    }

    /// Seed walkthrough 2: sids 1-5 with zxids 8,8,8,7,7, 3 leading; 3 and 5
    /// fail. 1, 2, 4 elect again: same epoch, so the highest zxid (1 and 2 have
    /// 8), then the highest sid: 2 leads.
    @Test func leaderAndOneFollowerFail() {
        var net = ElectionNetwork(voters: [1, 2, 3, 4, 5])
        let zxids: [Int: UInt64] = [1: 0x1_0000_0008, 2: 0x1_0000_0008, 3: 0x1_0000_0008, 4: 0x1_0000_0007, 5: 0x1_0000_0007]
        for sid in [1, 2, 4] { net.start(sid, lastZxid: zxids[sid]!, epoch: 1) }
        net.settle()
        #expect(net.stateOf(2) == .leading)
        #expect(net.stateOf(1) == .following && net.stateOf(4) == .following)
        #expect(net.decisions[4]?.leader == 2)
    }

    @Test func voteOrderIsEpochThenZxidThenSid() {
        let base = Vote(leader: 3, zxid: 10, peerEpoch: 2)
        #expect(Vote(leader: 1, zxid: 0, peerEpoch: 3).beats(base))
        #expect(Vote(leader: 1, zxid: 11, peerEpoch: 2).beats(base))
        #expect(Vote(leader: 4, zxid: 10, peerEpoch: 2).beats(base))
        #expect(!Vote(leader: 2, zxid: 10, peerEpoch: 2).beats(base))
        #expect(!base.beats(base))
    }

    @Test func aBetterVoteDuringFinalizeWaitWins() {
        // 1 and 2 agree on 2 (a quorum of 3), but 3's better vote arrives
        // within finalizeWait: nobody decides for 2.
        var one = FastLeaderElection(settings: .init(myid: 1, voters: [1, 2, 3]))
        _ = one.start(lastZxid: 5, currentEpoch: 1, nowMs: 0)
        _ = one.receive(Notification(from: 2, vote: Vote(leader: 2, zxid: 5, peerEpoch: 1), round: 1, state: .looking), nowMs: 10)
        #expect(one.tick(nowMs: 100).allSatisfy { if case .decided = $0 { false } else { true } })
        _ = one.receive(Notification(from: 3, vote: Vote(leader: 3, zxid: 5, peerEpoch: 1), round: 1, state: .looking), nowMs: 150)
        #expect(one.proposal.leader == 3)
        let later = one.tick(nowMs: 260)
        #expect(!later.contains(.decided(state: .following, vote: Vote(leader: 2, zxid: 5, peerEpoch: 1), round: 1)))
        _ = one.receive(Notification(from: 2, vote: Vote(leader: 3, zxid: 5, peerEpoch: 1), round: 1, state: .looking), nowMs: 300)
        #expect(one.tick(nowMs: 520).contains(.decided(state: .following, vote: Vote(leader: 3, zxid: 5, peerEpoch: 1), round: 1)))
    }

    @Test func olderRoundsAreAnsweredAndNewerRoundsAdopted() {
        var two = FastLeaderElection(settings: .init(myid: 2, voters: [1, 2, 3]))
        _ = two.start(lastZxid: 0, currentEpoch: 0, nowMs: 0)
        _ = two.start(lastZxid: 0, currentEpoch: 0, nowMs: 0)  // round 2
        let stale = Notification(from: 1, vote: Vote(leader: 1, zxid: 0, peerEpoch: 0), round: 1, state: .looking)
        #expect(two.receive(stale, nowMs: 1) == [.send(to: 1, two.currentNotification)])
        let newer = Notification(from: 3, vote: Vote(leader: 3, zxid: 0, peerEpoch: 0), round: 5, state: .looking)
        _ = two.receive(newer, nowMs: 2)
        #expect(two.round == 5 && two.proposal.leader == 3)
    }

    @Test func nonVotersNeverCount() {
        var one = FastLeaderElection(settings: .init(myid: 1, voters: [1, 2, 3]))
        _ = one.start(lastZxid: 0, currentEpoch: 0, nowMs: 0)
        // Observer 9 claims a great vote: answered, not counted.
        let observer = Notification(from: 9, vote: Vote(leader: 9, zxid: 99, peerEpoch: 9), round: 1, state: .looking)
        #expect(one.receive(observer, nowMs: 1) == [.send(to: 9, one.currentNotification)])
        #expect(one.proposal.leader == 1)
    }
}

/// zkdash's shortcut: no finalizeWait once every reachable voter sent the winning vote.
struct EarlyDecisionTests {
    static func settings(_ myid: Int) -> FastLeaderElection.Settings {
        var settings = FastLeaderElection.Settings(myid: myid, voters: [1, 2, 3])
        settings.decidesWhenAllReachableAgree = true
        return settings
    }

    @Test func failoverDecidesAtOnceWhenTheDeadLeaderIsKnownUnreachable() {
        var one = FastLeaderElection(settings: Self.settings(1))
        _ = one.start(lastZxid: 5, currentEpoch: 1, nowMs: 0)
        _ = one.setUnreachable([3])
        let out = one.receive(Notification(from: 2, vote: Vote(leader: 2, zxid: 5, peerEpoch: 1), round: 1, state: .looking), nowMs: 3)
        #expect(out.contains(.decided(state: .following, vote: Vote(leader: 2, zxid: 5, peerEpoch: 1), round: 1)))
        // It still told 2 about its changed vote before deciding.
        #expect(out.first == .send(to: 2, Notification(from: 1, vote: Vote(leader: 2, zxid: 5, peerEpoch: 1), round: 1, state: .looking)))
    }

    @Test func aVoterNotKnownUnreachableStillGetsFinalizeWait() {
        var one = FastLeaderElection(settings: Self.settings(1))
        _ = one.start(lastZxid: 5, currentEpoch: 1, nowMs: 0)
        let out = one.receive(Notification(from: 2, vote: Vote(leader: 2, zxid: 5, peerEpoch: 1), round: 1, state: .looking), nowMs: 3)
        #expect(!out.contains { if case .decided = $0 { true } else { false } })
        // Learning that 3 is gone ends the wait.
        #expect(one.setUnreachable([3]).contains(.decided(state: .following, vote: Vote(leader: 2, zxid: 5, peerEpoch: 1), round: 1)))
    }

    @Test func aDisagreeingReachableVoterKeepsTheWait() {
        var two = FastLeaderElection(settings: Self.settings(2))
        _ = two.start(lastZxid: 5, currentEpoch: 1, nowMs: 0)
        _ = two.receive(Notification(from: 1, vote: Vote(leader: 2, zxid: 5, peerEpoch: 1), round: 1, state: .looking), nowMs: 1)
        // 3 has not said anything yet: wait.
        #expect(two.state == .looking)
        let out = two.receive(Notification(from: 3, vote: Vote(leader: 3, zxid: 4, peerEpoch: 1), round: 1, state: .looking), nowMs: 2)
        #expect(!out.contains { if case .decided = $0 { true } else { false } })
        let agreed = two.receive(Notification(from: 3, vote: Vote(leader: 2, zxid: 5, peerEpoch: 1), round: 1, state: .looking), nowMs: 4)
        #expect(agreed.contains(.decided(state: .leading, vote: Vote(leader: 2, zxid: 5, peerEpoch: 1), round: 1)))
    }

    /// A server cut off for long has a resend interval of tens of seconds;
    /// healed (zkdash demo's partition), it announces its vote at once and
    /// its backoff starts again from the first interval.
    @Test func resendNowAnnouncesAtOnceAndResetsTheBackoff() {
        var lone = FastLeaderElection(settings: .init(myid: 1, voters: [1, 2, 3]))
        _ = lone.start(lastZxid: 7, currentEpoch: 1, nowMs: 0)
        var now: Int64 = 0
        var resends = 0
        while now < 60_000 {
            now += 100
            if !lone.tick(nowMs: now).isEmpty { resends += 1 }
        }
        // 200, 400, 800 ... doubled: only a handful of resends in a minute.
        #expect(resends < 10)
        let announced = lone.resendNow(nowMs: now)
        #expect(announced == [.send(to: 2, lone.currentNotification), .send(to: 3, lone.currentNotification)])
        #expect(lone.tick(nowMs: now + 100).isEmpty)
        #expect(lone.tick(nowMs: now + 200).count == 2)
        // Not looking: nothing to announce.
        var decided = FastLeaderElection(settings: .init(myid: 1, voters: [1, 2, 3]))
        decided.settle(state: .following, vote: Vote(leader: 2, zxid: 7, peerEpoch: 1))
        #expect(decided.resendNow(nowMs: 0).isEmpty)
    }
}
