import EnsembleModel
import Testing
@testable import QuorumCore

/// The `vote` word as the server will write it, read back by the monitor's parser.
struct ElectionRecorderTests {
    @Test func rendersWhatTheMonitorReads() throws {
        var recorder = ElectionRecorder()
        recorder.started(round: 3, nowMs: 1_000)
        let vote3 = Vote(leader: 3, zxid: 0x1_0000_0008, peerEpoch: 1)
        recorder.received(Notification(from: 1, vote: vote3, round: 3, state: .looking), round: 3, nowMs: 1_010)
        recorder.received(Notification(from: 2, vote: Vote(leader: 2, zxid: 0x1_0000_0007, peerEpoch: 1), round: 3, state: .looking),
                          round: 3, nowMs: 1_020)
        recorder.decided(winner: 3, round: 4, nowMs: 1_412)
        let text = recorder.render(state: .leading, round: 4, vote: vote3, nowMs: 1_500)
        let telemetry = try #require(ElectionTelemetry.parse(text).report)
        #expect(telemetry.state == .leading && telemetry.round == 4)
        #expect(telemetry.currentVote?.leader == 3 && telemetry.currentVote?.zxid == Zxid(epoch: 1, counter: 8))
        #expect(telemetry.received.map(\.from) == [1, 2])
        #expect(telemetry.received[1].vote.leader == 2 && telemetry.received[1].ageMs == 480)
        let election = try #require(telemetry.elections.first)
        #expect(telemetry.elections.count == 1)
        #expect(election.startMs == 1_000 && election.durationMs == 412 && election.rounds == 2 && election.winner == 3)
    }

    @Test func aNewRoundForgetsOldVotesAndHistoryIsBounded() {
        var recorder = ElectionRecorder(historyCapacity: 2)
        let vote = Vote(leader: 1, zxid: 0, peerEpoch: 0)
        recorder.started(round: 1, nowMs: 0)
        recorder.received(Notification(from: 2, vote: vote, round: 1, state: .looking), round: 1, nowMs: 1)
        recorder.received(Notification(from: 3, vote: vote, round: 2, state: .looking), round: 2, nowMs: 2)
        #expect(recorder.received.keys.sorted() == [3])
        for i in 0..<3 {
            recorder.started(round: UInt64(10 + i), nowMs: Int64(100 * i))
            recorder.decided(winner: i, round: UInt64(10 + i), nowMs: Int64(100 * i + 5))
        }
        #expect(recorder.elections.map(\.winner) == [1, 2])
    }
}
