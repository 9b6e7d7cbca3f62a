import Testing
import ZooKeeperAdmin
@testable import EnsembleModel

/// Events in causal order, with no false alarm (issue 13 item 4): the first
/// line records the initial states, an election is logged exactly when the
/// leader or its epoch changed, quorum "regained" only after it was lost.
struct EventOrderTests {
    typealias T = ClusterModelTests
    static let members = Array(ClusterModelTests.ensemble.prefix(3))
    static let notServing = FourLetterReply.notServingText + "\n"

    static func round(_ timeMs: Int64, completedMs: Int64? = nil, _ modes: [String?], epoch: Int = 1) -> PollRound {
        PollRound(timeMs: timeMs, completedMs: completedMs, samples: modes.enumerated().map { index, mode in
            guard let mode else { return T.refused }
            if mode == "-" { return T.node(sid: index + 1, srvr: notServing) }
            return T.node(sid: index + 1, srvr: T.srvr(mode: mode, zxid: "0x\(epoch)00000000"))
        })
    }

    @Test func theOldLeadersFallComesBeforeTheNewLeader() {
        var model = ClusterModel(members: Self.members)
        model.apply(Self.round(0, ["follower", "follower", "leader"]))
        // One round sees both: s3 down and s1 leading in a new epoch.
        let events = model.apply(Self.round(1_000, ["leader", "follower", nil], epoch: 2)).map(\.text)
        #expect(events == [
            "s3 LEADING → DOWN (connection refused)",
            "s1 FOLLOWING → LEADING",
            "s1 elected (epoch 2)",
        ], "\(events)")
    }

    @Test func theLeadersFallComesBeforeItsFollowersLeavingService() {
        var model = ClusterModel(members: Self.members)
        model.apply(Self.round(0, ["follower", "follower", "leader"]))
        let events = model.apply(Self.round(1_000, ["-", "-", nil])).map(\.text)
        #expect(events == [
            "s3 LEADING → DOWN (connection refused)",
            "s1 FOLLOWING → NOT SERVING",
            "s2 FOLLOWING → NOT SERVING",
            "quorum lost: no leader (0 of 3 voters serving)",
        ], "\(events)")
    }

    @Test func eventsCarryTheTimeTheRoundCompleted() {
        var model = ClusterModel(members: Self.members)
        model.apply(Self.round(0, ["follower", "follower", "leader"]))
        // A resume at 1_500 ms answered in a round that started at 1_000: the
        // change is stamped 2_100, after its cause.
        let events = model.apply(Self.round(1_000, completedMs: 2_100, ["follower", nil, "leader"]))
        #expect(events.map(\.timeMs) == [2_100])
    }

    @Test func aDemoStartingIsNotARecovery() {
        var model = ClusterModel(members: Self.members)
        let first = model.apply(Self.round(0, [nil, nil, nil]))
        #expect(first.map(\.text) == [
            "watching 3 node(s): 127.0.0.1:24723 DOWN, 127.0.0.1:24104 DOWN, 127.0.0.1:24218 DOWN · no leader · NO QUORUM: no node answers",
        ])
        model.apply(Self.round(1_000, ["-", "-", "-"]))
        let up = model.apply(Self.round(2_000, ["follower", "leader", "follower"])).map(\.text)
        #expect(up.contains("s2 elected (epoch 1) — no leader seen for 2,000 ms"), "\(up)")
        #expect(up.contains("quorum formed: 3 of 3 voters serving"), "\(up)")
        #expect(!up.contains { $0.hasPrefix("quorum regained") })
        #expect(up.firstIndex { $0.hasPrefix("s2 elected") }! < up.firstIndex { $0.hasPrefix("quorum formed") }!)
        #expect(up.firstIndex { $0.hasPrefix("s1 NOT SERVING → FOLLOWING") }! < up.firstIndex { $0.hasPrefix("s2 elected") }!)
    }

    @Test func aLeaderBackInTheSameEpochWasNotElected() {
        var model = ClusterModel(members: Self.members)
        model.apply(Self.round(0, ["follower", "follower", "leader"]))
        // Paused past a poll's deadline, resumed before the followers gave up.
        model.apply(Self.round(1_000, ["follower", "follower", nil]))
        let back = model.apply(Self.round(2_000, ["follower", "follower", "leader"]))
        #expect(!back.contains { $0.kind == .election }, "\(back.map(\.text))")
        #expect(back.map(\.text).contains("s3 DOWN → LEADING"))
    }

    @Test func aFollowerRejoiningIsNoElection() {
        var model = ClusterModel(members: Self.members)
        model.apply(Self.round(0, ["follower", "follower", "leader"]))
        model.apply(Self.round(1_000, [nil, "follower", "leader"]))
        model.apply(Self.round(2_000, ["-", "follower", "leader"]))
        let rejoined = model.apply(Self.round(3_000, ["follower", "follower", "leader"]))
        #expect(rejoined.map(\.text) == ["s1 NOT SERVING → FOLLOWING"])
        #expect(!model.eventLog.events.contains { $0.kind == .election || $0.kind == .quorum })
    }

    @Test func theElectionBeforeTheMonitorStartedIsReplayedFromTheLeadersRecord() {
        var model = ClusterModel(members: Self.members)
        var leader = T.node(sid: 2, srvr: T.srvr(mode: "leader", zxid: "0x100000000"))
        leader.answers[.vote] = .success("""
            state=LEADING
            round=1
            vote leader=2 zxid=0x0 epoch=0 round=1
            election start_ms=500 duration_ms=412 rounds=2 winner=2

            """)
        let events = model.apply(PollRound(timeMs: 5_000, completedMs: 5_010, samples: [
            T.node(sid: 1, srvr: T.srvr(mode: "follower", zxid: "0x100000000")), leader,
            T.node(sid: 3, srvr: T.srvr(mode: "follower", zxid: "0x100000000")),
        ]))
        #expect(events.map(\.text) == [
            "s2 elected (epoch 1) after 412 ms, 2 round(s), before the monitor started",
            "watching 3 node(s): s1 FOLLOWING, s2 LEADING, s3 FOLLOWING · leader s2 (epoch 1) · QUORUM OK",
        ])
        #expect(events.map(\.timeMs) == [912, 5_010])
    }
}

/// The problem text names the real cause (found by the truth checker): a
/// listed leader that stopped answering is not "a leader not in the list".
struct LeaderlessProblemTests {
    typealias T = ClusterModelTests

    static func follower(sid: Int, follows leader: Int) -> NodeSample {
        var sample = T.node(sid: sid, srvr: T.srvr(mode: "follower", zxid: "0x100000005"))
        sample.answers[.vote] = .success("state=FOLLOWING\nround=1\nvote leader=\(leader) zxid=0x100000005 epoch=1 round=1\n")
        return sample
    }

    @Test func aPausedListedLeaderIsNamed() {
        var model = ClusterModel(members: EventOrderTests.members)
        model.apply(EventOrderTests.round(0, ["follower", "leader", "follower"]))
        model.apply(PollRound(timeMs: 500, samples: [
            Self.follower(sid: 1, follows: 2), NodeSample(answers: [.srvr: .failure(.timedOut(afterMs: 1000))]),
            Self.follower(sid: 3, follows: 2),
        ]))
        model.apply(PollRound(timeMs: 1_000, samples: [
            Self.follower(sid: 1, follows: 2), NodeSample(answers: [.srvr: .failure(.timedOut(afterMs: 1000))]),
            Self.follower(sid: 3, follows: 2),
        ]))
        #expect(model.summary.problem == "no leader: s2, which s1 s3 follow, is DOWN (no answer within 1 s)")
    }

    @Test func unknownVotesWithEveryMemberListedIsNotAMissingMember() {
        // The fixture's membership: three voters and an observer, all listed.
        var model = ClusterModel(members: T.ensemble)
        model.apply(PollRound(timeMs: 0, samples: [
            T.node(sid: 1, srvr: T.srvr(mode: "follower", zxid: "0x100000005")), T.refused,
            T.node(sid: 3, srvr: T.srvr(mode: "follower", zxid: "0x100000005")),
            T.node(sid: 4, srvr: T.srvr(mode: "observer", zxid: "0x100000005")),
        ]))
        #expect(model.summary.problem?.hasPrefix("no leader (2 of 3 voters serving") == true, "\(model.summary.problem ?? "")")
    }

    @Test func aLeaderOutsideTheListIsSaid() {
        var model = ClusterModel(members: Array(EventOrderTests.members.prefix(1)))
        model.apply(PollRound(timeMs: 0, samples: [Self.follower(sid: 1, follows: 3)]))
        #expect(model.summary.problem?.contains("a follower's leader is not in the list") == true)
    }
}
