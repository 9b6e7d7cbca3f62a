import GrowthGuard
import Testing
@testable import QuorumCore

/// Guards against the bug class that cost a 3-node ensemble 10× its write
/// throughput: per-txn work that grows with what the machines hold (a
/// history copied whole on every commit because its buffer was shared).
///
/// Each test drives the production machines through the production holder
/// (`ZabRole`, which `QuorumPeer` uses) for 200k txns — twice the leader's
/// history bound, so eviction runs too — and compares the per-txn time of the
/// last 10k txns with the first 10k. Flat code stays near 1×; the copying
/// bug was over 100× by then. The bound is generous because these shared
/// machines are noisy; the buffer-copy count is exact.
@Suite struct CostGrowthGuardTests {
    static let totalTxns = 200_000
    /// Chunks of 1k txns; the first and the last 10k compared.
    static let guardian = GrowthGuard(chunk: 1_000, window: 10_000)
    static let payload = [UInt8](repeating: 0x61, count: 100)

    @Test func leaderCommitCostIsFlatAsHistoryGrows() throws {
        let settings = ZabSettings(myid: 1, voters: [1, 2, 3], tickMs: 100, initLimitTicks: 10, syncLimitTicks: 5)
        var role = ZabRole.leading(ZabLeader(settings: settings, acceptedEpoch: 0, currentEpoch: 0, lastZxid: 0,
                                             history: [], historyFloorZxid: 0, nowMs: 0))
        // Follower 2 joins, acks the epoch and NEWLEADER: broadcast.
        _ = role.withLeader { $0.receive(.learnerInfo(sid: 2, acceptedEpoch: 0, isObserver: false), from: 2, nowMs: 0) }
        _ = role.withLeader { $0.receive(.ackEpoch(currentEpoch: 0, lastZxid: 0), from: 2, nowMs: 0) }
        _ = role.withLeader { $0.receive(.ack(zxid: Zxid.make(epoch: 1, counter: 0)), from: 2, nowMs: 0) }
        try #require(role.leader?.phase == .broadcast)

        var committed = 0
        let result = Self.guardian.measure(total: Self.totalTxns) { counter in
            let zxid = Zxid.make(epoch: 1, counter: Int64(counter))
            _ = role.withLeader { $0.propose(ZabTxn(zxid: zxid, payload: Self.payload)) }
            _ = role.withLeader { $0.localSynced(upTo: zxid) }
            let out = role.withLeader { $0.receive(.ack(zxid: zxid), from: 2, nowMs: 0) } ?? []
            committed += out.filter { if case .commit = $0 { true } else { false } }.count
        }
        print("GROWTH_LEADER_COMMIT: \(result)")
        #expect(!result.abortedEarly && committed == Self.totalTxns, "every txn commits once")
        let leader = try #require(role.leader)
        #expect(leader.historyCount == settings.maxHistory, "the history is bounded")
        #expect(leader.historyBufferCopies == 0, "the leader's history was copied \(leader.historyBufferCopies) times")
        #expect(result.growth <= Self.guardian.allowedGrowth, "leader per-txn cost: \(result)")
    }

    @Test func learnerLogAndApplyCostIsFlat() throws {
        var settings = ZabSettings(myid: 2, voters: [1, 2, 3], tickMs: 100, initLimitTicks: 10, syncLimitTicks: 5)
        settings.myid = 2
        var role = ZabRole.learning(ZabLearner(settings: settings, leader: 1, isObserver: false, acceptedEpoch: 0,
                                               currentEpoch: 0, lastZxid: 0, nowMs: 0))
        _ = role.withLearner { $0.connected(nowMs: 0) }
        _ = role.withLearner { $0.receive(.leaderInfo(newEpoch: 1), nowMs: 0) }
        _ = role.withLearner { $0.receive(.diff(zxid: 0), nowMs: 0) }
        _ = role.withLearner { $0.receive(.newLeader(zxid: Zxid.make(epoch: 1, counter: 0)), nowMs: 0) }
        _ = role.withLearner { $0.receive(.upToDate, nowMs: 0) }
        try #require(role.learner?.phase == .broadcast)

        var applied = 0
        let result = Self.guardian.measure(total: Self.totalTxns) { counter in
            let zxid = Zxid.make(epoch: 1, counter: Int64(counter))
            _ = role.withLearner { $0.receive(.proposal(ZabTxn(zxid: zxid, payload: Self.payload)), nowMs: 0) }
            _ = role.withLearner { $0.logSynced(upTo: zxid) }
            let out = role.withLearner { $0.receive(.commit(zxid: zxid), nowMs: 0) } ?? []
            applied += out.filter { if case .apply = $0 { true } else { false } }.count
        }
        print("GROWTH_LEARNER_LOG_APPLY: \(result)")
        #expect(!result.abortedEarly && applied == Self.totalTxns)
        #expect(result.growth <= Self.guardian.allowedGrowth, "learner per-txn cost: \(result)")
    }

    @Test func historyNeverCopiesWhenOwnedAndCopiesOnceWhenShared() {
        var history = TxnHistory(capacity: 3, floorZxid: 0)
        for zxid in 1...5 { history.append(ZabTxn(zxid: Int64(zxid), payload: [])) }
        #expect(history.bufferCopies == 0)
        #expect(history.count == 3 && history.floorZxid == 2 && history.first?.zxid == 3)
        #expect(history.txns(above: 3).map(\.zxid) == [4, 5])
        #expect(history.newest(atOrBelow: 4)?.zxid == 4)
        #expect(history.newest(atOrBelow: 2) == nil)
        let shared = history
        history.append(ZabTxn(zxid: 6, payload: []))
        history.append(ZabTxn(zxid: 7, payload: []))
        #expect(history.bufferCopies == 1, "one copy on the first change after sharing, then owned again")
        #expect(shared.txns(above: 0).map(\.zxid) == [3, 4, 5], "the other value keeps what it had")
        #expect(history.txns(above: 0).map(\.zxid) == [5, 6, 7])
    }
}
