import EnsembleModel
import Testing
@testable import DashboardUI

/// The Election view with zkdash's `vote` telemetry: votes in flight, how they
/// moved, and elections replayed from the servers' own records.
struct ElectionViewTests {
    @Test func telemetryShowsRoundsMovesAndElections() {
        let telemetry = """
            state=LOOKING
            round=3
            vote leader=3 zxid=0x100000008 epoch=1 round=3
            received from=1 leader=3 zxid=0x100000008 epoch=1 round=3 state=LOOKING age_ms=12
            received from=2 leader=2 zxid=0x100000007 epoch=1 round=3 state=LOOKING age_ms=40
            received from=4 leader=-9223372036854775808 zxid=0x100000008 epoch=1 round=3 state=LOOKING age_ms=7
            election start_ms=1763790000000 duration_ms=412 rounds=2 winner=3

            """
        let notServing = FourLetterReply.notServingText + "\n"
        var model = ClusterModel(members: Array(SampleCluster.members.prefix(3)))
        model.apply(PollRound(timeMs: 1_763_790_010_000, samples: [
            NodeSample(answers: [.srvr: .success(notServing), .conf: .success(SampleCluster.conf(sid: 1)), .vote: .success(telemetry)]),
            NodeSample(answers: [.srvr: .failure(.connectionRefused)]),
            NodeSample(answers: [.srvr: .failure(.connectionRefused)]),
        ]))
        var state = SampleCluster.state(model, columns: 100, rows: 30)
        state.view = .election
        let screen = Dashboard.render(state).text()
        #expect(screen.contains("VOTES (source: zkdash vote telemetry)"))
        #expect(screen.contains("s1             LOOKING     s3         0x100000008   1      3"))
        #expect(screen.contains("s1 ← s2: vote s2 zxid 0x100000007 epoch 1 round 3 (LOOKING) 40 ms ago"))
        #expect(screen.contains("s1 ← s4: no vote (observer) zxid 0x100000008 epoch 1 round 3 (LOOKING) 7 ms ago"))
        // s1's record of an election s3 won, with s3 not answering: nothing says
        // the leader changed (a rejoin records the same), so it is not listed.
        #expect(!screen.contains("s3 won after 412 ms"))
        #expect(!screen.contains("Apache reports only"))
    }

    /// A node cut off from its peers (zkdash demo's `N`) looks alone: it is
    /// in an election although it received nothing; "no node is LOOKING"
    /// would be false.
    @Test func aNodeLookingAloneIsNotReportedAsNoElection() {
        let alone = "state=LOOKING\nround=4\nvote leader=1 zxid=0x100000008 epoch=1 round=4\n"
        let notServing = FourLetterReply.notServingText + "\n"
        var model = ClusterModel(members: Array(SampleCluster.members.prefix(3)))
        model.apply(PollRound(timeMs: 1_763_790_010_000, samples: [
            NodeSample(answers: [.srvr: .success(notServing), .conf: .success(SampleCluster.conf(sid: 1)), .vote: .success(alone)]),
            NodeSample(answers: [.srvr: .failure(.connectionRefused)]),
            NodeSample(answers: [.srvr: .failure(.connectionRefused)]),
        ]))
        var state = SampleCluster.state(model, columns: 100, rows: 30)
        state.view = .election
        let screen = Dashboard.render(state).text()
        #expect(screen.contains("s1 LOOKING: no vote received from a peer this round"))
        #expect(!screen.contains("no node is LOOKING"))
    }

    @Test func eachElectionIsOneLineWhateverNumberOfMembersRecordedIt() {
        func telemetry(durationMs: Int, secondStartMs: Int64) -> String {
            """
            state=FOLLOWING
            round=2
            vote leader=3 zxid=0x100000008 epoch=1 round=2
            election start_ms=1763790000000 duration_ms=\(durationMs) rounds=1 winner=3
            election start_ms=\(secondStartMs) duration_ms=9 rounds=2 winner=2

            """
        }
        var model = ClusterModel(members: Array(SampleCluster.members.prefix(3)))
        let notServing = FourLetterReply.notServingText + "\n"
        model.apply(PollRound(timeMs: 1_763_790_010_000, samples: [
            NodeSample(answers: [.srvr: .success(notServing), .conf: .success(SampleCluster.conf(sid: 1)),
                                 .vote: .success(telemetry(durationMs: 12, secondStartMs: 1_763_790_005_000))]),
            NodeSample(answers: [.srvr: .success(notServing), .conf: .success(SampleCluster.conf(sid: 2)),
                                 .vote: .success(telemetry(durationMs: 33, secondStartMs: 1_763_790_005_004))]),
            NodeSample(answers: [.srvr: .success(notServing), .conf: .success(SampleCluster.conf(sid: 3)),
                                 .vote: .success(telemetry(durationMs: 20, secondStartMs: 1_763_790_005_010))]),
        ]))
        var state = SampleCluster.state(model, columns: 100, rows: 30)
        state.view = .election
        let screen = Dashboard.render(state).text()
        #expect(screen.contains("s3 won after 12–33 ms, 1 round(s) · seen by s1 s2 s3"))
        #expect(screen.contains("s2 won after 9 ms, 2 round(s) · seen by s1 s2 s3"))
        #expect(screen.components(separatedBy: "won after").count == 3)
    }

    /// A follower that restarts runs its own election, finds the leader in
    /// place and records it: not an election of the ensemble (issue 13 item 3).
    @Test func aRejoiningFollowersRecordIsNoElection() {
        func telemetry(_ state: String, elections: [String]) -> String {
            (["state=\(state)", "round=2", "vote leader=2 zxid=0x100000008 epoch=1 round=2"] + elections).joined(separator: "\n") + "\n"
        }
        let won = "election start_ms=1763790000000 duration_ms=30 rounds=1 winner=2"
        let rejoin = "election start_ms=1763790008000 duration_ms=5 rounds=1 winner=2"
        var model = ClusterModel(members: Array(SampleCluster.members.prefix(3)))
        model.apply(PollRound(timeMs: 1_763_790_010_000, samples: [
            NodeSample(answers: [.srvr: .success(SampleCluster.srvr(mode: "follower", zxid: "0x100000008", received: 10)), .conf: .success(SampleCluster.conf(sid: 1)),
                                 .vote: .success(telemetry("FOLLOWING", elections: [won, rejoin]))]),
            NodeSample(answers: [.srvr: .success(SampleCluster.srvr(mode: "leader", zxid: "0x100000008", received: 10)), .conf: .success(SampleCluster.conf(sid: 2)),
                                 .vote: .success(telemetry("LEADING", elections: [won]))]),
            NodeSample(answers: [.srvr: .success(SampleCluster.srvr(mode: "follower", zxid: "0x100000008", received: 10)), .conf: .success(SampleCluster.conf(sid: 3)),
                                 .vote: .success(telemetry("FOLLOWING", elections: [won]))]),
        ]))
        var state = SampleCluster.state(model, columns: 100, rows: 30)
        state.view = .election
        let screen = Dashboard.render(state).text()
        #expect(screen.components(separatedBy: "won after").count == 2, "\(screen)")
        #expect(screen.contains("s2 won after 30 ms"))
        #expect(!screen.contains("won after 5 ms"))
    }

    /// Votes a node received in an earlier election contradict its row; only a
    /// LOOKING node's votes of its current round are shown.
    @Test func onlyTheElectionInProgressShowsReceivedVotes() {
        let stale = """
            state=FOLLOWING
            round=3
            vote leader=3 zxid=0x100000008 epoch=1 round=3
            received from=2 leader=2 zxid=0x100000007 epoch=1 round=3 state=LOOKING age_ms=82861

            """
        let looking = """
            state=LOOKING
            round=4
            vote leader=2 zxid=0x100000008 epoch=1 round=4
            received from=1 leader=3 zxid=0x100000008 epoch=1 round=3 state=FOLLOWING age_ms=9000
            received from=3 leader=2 zxid=0x100000008 epoch=1 round=4 state=LOOKING age_ms=15

            """
        var model = ClusterModel(members: Array(SampleCluster.members.prefix(2)))
        model.apply(PollRound(timeMs: 1_763_790_010_000, samples: [
            NodeSample(answers: [.srvr: .success(SampleCluster.srvr(mode: "follower", zxid: "0x100000008", received: 10)), .conf: .success(SampleCluster.conf(sid: 1)),
                                 .vote: .success(stale)]),
            NodeSample(answers: [.srvr: .success(FourLetterReply.notServingText + "\n"), .conf: .success(SampleCluster.conf(sid: 2)),
                                 .vote: .success(looking)]),
        ]))
        var state = SampleCluster.state(model, columns: 100, rows: 30)
        state.view = .election
        let screen = Dashboard.render(state).text()
        #expect(!screen.contains("82861 ms ago"))
        #expect(!screen.contains("s2 ← s1"))
        #expect(screen.contains("s2 ← s3: vote s2 zxid 0x100000008 epoch 1 round 4 (LOOKING) 15 ms ago"))
    }

    /// Taller than the screen: scrolls, and says what is cut off.
    @Test func scrollsWithMarkersAt80x24() {
        var state = SampleCluster.state(SampleCluster.afterFailover(), columns: 80, rows: 14)
        state.view = .election
        let top = Dashboard.render(state).text()
        #expect(top.contains("more (j)"))
        #expect(!top.contains("more (k)"))
        for _ in 0..<40 { _ = Dashboard.reduce(&state, .key(.character("j"))) }
        let bottom = Dashboard.render(state).text()
        #expect(bottom.contains("more (k)"))
        #expect(!bottom.contains("more (j)"))
        #expect(bottom.contains("zkdash servers' vote telemetry."))
        _ = Dashboard.reduce(&state, .key(.character("g")))
        #expect(Dashboard.render(state).text() == top)
    }
}
