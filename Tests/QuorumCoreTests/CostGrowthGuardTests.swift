import GrowthGuard
import Testing
@testable import QuorumCore

/// Guards against the bug class that cost a 3-node ensemble 10× its write
/// throughput: per-txn work that grows with what the machines hold (a
/// history copied whole on every commit because its buffer was shared).
///
/// Each test drives the production machines through the production holder
/// (`ZabRole`, which `QuorumPeer` uses) for 60k txns — three times the
/// leader's history bound (20k here, 100k in production), so eviction runs
/// too — and compares the per-txn time of the last 5k txns with the first 5k.
/// Flat code stays near 1×; the copying bug was 8× by then. The bound is
/// generous because these shared machines are noisy (and a run over the
/// bound is measured again, up to three times); the buffer-copy count is exact. Serialized, and sized to stay cheap: the suites that run beside
/// it have deadlines.
@Suite(.serialized) struct CostGrowthGuardTests {
    static let totalTxns = 60_000
    static let historyBound = 20_000
    /// Chunks of 500 txns; the first and the last 5k compared.
    static let guardian = GrowthGuard(chunk: 500, window: 5_000)
    static let payload = [UInt8](repeating: 0x61, count: 100)

    @Test func leaderCommitCostIsFlatAsHistoryGrows() async throws {
        let settings = ZabSettings(myid: 1, voters: [1, 2, 3], tickMs: 100, initLimitTicks: 10, syncLimitTicks: 5,
                                   maxHistory: Self.historyBound)
        let run = await GrowthGuard.offCooperativePool(attempts: 3, allowedGrowth: Self.guardian.allowedGrowth, growth: { $0.result?.growth }) { () -> (broadcast: Bool, result: GrowthGuard.Result?, committed: Int, history: Int, copies: Int) in
            var role = ZabRole.leading(ZabLeader(settings: settings, acceptedEpoch: 0, currentEpoch: 0, lastZxid: 0,
                                                 history: [], historyFloorZxid: 0, nowMs: 0))
            // Follower 2 joins, acks the epoch and NEWLEADER: broadcast.
            _ = role.withLeader { $0.receive(.learnerInfo(sid: 2, acceptedEpoch: 0, isObserver: false), from: 2, nowMs: 0) }
            _ = role.withLeader { $0.receive(.ackEpoch(currentEpoch: 0, lastZxid: 0), from: 2, nowMs: 0) }
            _ = role.withLeader { $0.receive(.ack(zxid: Zxid.make(epoch: 1, counter: 0)), from: 2, nowMs: 0) }
            guard role.leader?.phase == .broadcast else { return (false, nil, 0, 0, 0) }
            var committed = 0
            let result = Self.guardian.measure(total: Self.totalTxns) { counter in
                let zxid = Zxid.make(epoch: 1, counter: Int64(counter))
                _ = role.withLeader { $0.propose(ZabTxn(zxid: zxid, payload: Self.payload)) }
                _ = role.withLeader { $0.localSynced(upTo: zxid) }
                let out = role.withLeader { $0.receive(.ack(zxid: zxid), from: 2, nowMs: 0) } ?? []
                committed += out.filter { if case .commit = $0 { true } else { false } }.count
            }
            return (true, result, committed, role.leader?.historyCount ?? -1, role.leader?.historyBufferCopies ?? -1)
        }
        try #require(run.broadcast)
        let result = try #require(run.result)
        print("GROWTH_LEADER_COMMIT: \(result)")
        #expect(!result.abortedEarly && run.committed == Self.totalTxns, "every txn commits once")
        #expect(run.history == settings.maxHistory, "the history is bounded")
        #expect(run.copies == 0, "the leader's history was copied \(run.copies) times")
        #expect(result.growth <= Self.guardian.allowedGrowth, "leader per-txn cost: \(result)")
    }

    @Test func learnerLogAndApplyCostIsFlat() async throws {
        let settings = ZabSettings(myid: 2, voters: [1, 2, 3], tickMs: 100, initLimitTicks: 10, syncLimitTicks: 5)
        let run = await GrowthGuard.offCooperativePool(attempts: 3, allowedGrowth: Self.guardian.allowedGrowth, growth: { $0.result?.growth }) { () -> (broadcast: Bool, result: GrowthGuard.Result?, applied: Int) in
            var role = ZabRole.learning(ZabLearner(settings: settings, leader: 1, isObserver: false, acceptedEpoch: 0,
                                                   currentEpoch: 0, lastZxid: 0, nowMs: 0))
            _ = role.withLearner { $0.connected(nowMs: 0) }
            _ = role.withLearner { $0.receive(.leaderInfo(newEpoch: 1), nowMs: 0) }
            _ = role.withLearner { $0.receive(.diff(zxid: 0), nowMs: 0) }
            _ = role.withLearner { $0.receive(.newLeader(zxid: Zxid.make(epoch: 1, counter: 0)), nowMs: 0) }
            _ = role.withLearner { $0.receive(.upToDate, nowMs: 0) }
            guard role.learner?.phase == .broadcast else { return (false, nil, 0) }
            var applied = 0
            let result = Self.guardian.measure(total: Self.totalTxns) { counter in
                let zxid = Zxid.make(epoch: 1, counter: Int64(counter))
                _ = role.withLearner { $0.receive(.proposal(ZabTxn(zxid: zxid, payload: Self.payload)), nowMs: 0) }
                _ = role.withLearner { $0.logSynced(upTo: zxid) }
                let out = role.withLearner { $0.receive(.commit(zxid: zxid), nowMs: 0) } ?? []
                applied += out.filter { if case .apply = $0 { true } else { false } }.count
            }
            return (true, result, applied)
        }
        try #require(run.broadcast)
        let result = try #require(run.result)
        print("GROWTH_LEARNER_LOG_APPLY: \(result)")
        #expect(!result.abortedEarly && run.applied == Self.totalTxns)
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
