import EnsembleMonitor
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
        #expect(screen.contains("s1      LOOKING     s3         0x100000008 1      3"))
        #expect(screen.contains("s1 ← s2: vote s2 zxid 0x100000007 epoch 1 round 3 (LOOKING) 40 ms ago"))
        #expect(screen.contains("s1 ← s4: no vote (observer) zxid 0x100000008 epoch 1 round 3 (LOOKING) 7 ms ago"))
        #expect(screen.contains("s3 won after 412 ms, 2 round(s)"))
        #expect(!screen.contains("Apache reports only"))
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
            NodeSample(answers: [.srvr: .failure(.connectionRefused)]),
        ]))
        var state = SampleCluster.state(model, columns: 100, rows: 30)
        state.view = .election
        let screen = Dashboard.render(state).text()
        #expect(screen.contains("s3 won after 12–33 ms, 1 round(s) · seen by s1 s2"))
        #expect(screen.contains("s2 won after 9 ms, 2 round(s) · seen by s1 s2"))
        #expect(screen.components(separatedBy: "won after").count == 3)
    }
}
