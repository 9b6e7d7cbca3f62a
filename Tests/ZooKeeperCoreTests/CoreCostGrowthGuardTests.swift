import GrowthGuard
import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// Guards that the server core's cost per operation does not grow with what
/// it holds: znodes in the tree, writes in flight, sessions. Each test times
/// chunks of operations as the held amount grows and compares the median
/// chunk of the last window with the first (a generous bound: these shared
/// machines are noisy; the bugs this guards against were 10–1000× by then).
///
/// Found this way and fixed: prep copied every pending change on each write
/// (O(writes in flight) per write), a multi copied them again to roll back,
/// and every tick scanned all sessions for expiry.
@Suite(.serialized) struct CoreCostGrowthGuardTests {
    static let value = [UInt8](repeating: 0x76, count: 100)

    /// A core with one established session on connection 1.
    static func coreWithSession(nowMs: Int64 = 1_700_000_000_000) -> ServerCore {
        var core = ServerCore(settings: ServerSettings(tickTimeMs: 2000), nowMs: nowMs)
        core.connectionOpened(1, remoteAddress: "127.0.0.1", remotePort: 40000, nowMs: nowMs)
        _ = core.receiveConnect(1, ConnectRequest(lastZxidSeen: 0, timeOut: 30_000), nowMs: nowMs)
        _ = core.synced(upTo: core.lastPreppedZxid, nowMs: nowMs)
        return core
    }

    static func create(_ path: String) -> ClientRequest {
        .create(CreateRequest(path: path, data: value, acl: ACL.openUnsafe, mode: .persistent))
    }

    /// 50k creates, 200 in flight at a time (as a pipelining client): a
    /// create at 50k znodes costs what it cost at 2.5k (the tree is a hash
    /// trie: O(log n) with a wide base).
    @Test func writeCostIsFlatAsTheTreeGrows() async throws {
        let run = await GrowthGuard.offCooperativePool(attempts: 3, allowedGrowth: 3, growth: { $0.result.growth }) { () -> (result: GrowthGuard.Result, nodes: Int) in
            var core = Self.coreWithSession()
            let nowMs: Int64 = 1_700_000_000_000
            _ = core.receive(1, RequestHeader(xid: 1, type: .create), Self.create("/t"), nowMs: nowMs)
            _ = core.synced(upTo: core.lastPreppedZxid, nowMs: nowMs)
            var xid: Int32 = 1
            let result = GrowthGuard(chunk: 250, window: 2_500).measure(total: 50_000) { counter in
                xid += 1
                _ = core.receive(1, RequestHeader(xid: xid, type: .create), Self.create("/t/n\(counter)"), nowMs: nowMs)
                if counter % 200 == 0 { _ = core.synced(upTo: core.lastPreppedZxid, nowMs: nowMs) }
            }
            return (result, core.tree.nodeCount)
        }
        print("GROWTH_CORE_CREATE_TREE: \(run.result)")
        #expect(!run.result.abortedEarly && run.nodes >= 50_000)
        #expect(run.result.growth <= 3, "per-create cost between 2.5k and 50k znodes: \(run.result)")
    }

    /// Writes kept in flight (a slow disk, a quorum that lags): prep must not
    /// pay for the writes still pending. 20k creates, none made durable.
    @Test func prepCostIsFlatAsWritesPileUpInFlight() async throws {
        let run = await GrowthGuard.offCooperativePool(attempts: 3, allowedGrowth: 3, growth: { $0.result.growth }) { () -> (result: GrowthGuard.Result, inFlight: Int, inFlightAfter: Int, applied: Bool) in
            var core = Self.coreWithSession()
            let nowMs: Int64 = 1_700_000_000_000
            var xid: Int32 = 0
            let result = GrowthGuard(chunk: 200, window: 2_000).measure(total: 20_000) { counter in
                xid += 1
                let request: ClientRequest = counter % 10 == 0
                    ? .multi(MultiRequest(ops: [.create(CreateRequest(path: "/m\(counter)", data: [], acl: ACL.openUnsafe, mode: .persistent))]))
                    : Self.create("/p\(counter)")
                _ = core.receive(1, RequestHeader(xid: xid, type: request.opCode), request, nowMs: nowMs)
            }
            let inFlight = core.inFlightCount
            // And they all complete, in order, once durable.
            _ = core.synced(upTo: core.lastPreppedZxid, nowMs: nowMs)
            return (result, inFlight, core.inFlightCount, core.tree.node("/p19999") != nil && core.tree.node("/m20000") != nil)
        }
        print("GROWTH_CORE_PREP_IN_FLIGHT: \(run.result)")
        try #require(!run.result.abortedEarly && run.inFlight == 20_000)
        #expect(run.result.growth <= 3, "per-write prep cost with up to 20k writes in flight: \(run.result)")
        #expect(run.inFlightAfter == 0 && run.applied)
    }

    /// A tick looks at the sessions that expire, not at every session: its
    /// cost with 50k idle sessions is that with a few hundred.
    @Test func tickCostIsFlatInTheNumberOfSessions() async throws {
        let run = await GrowthGuard.offCooperativePool(attempts: 3, allowedGrowth: 3, growth: { $0.result.growth }) { () -> (result: GrowthGuard.Result, sessions: Int) in
            let startMs: Int64 = 1_700_000_000_000
            var tracker = SessionTracker(tickTimeMs: 50, serverId: 1, startTimeMs: startMs)
            var nowMs = startMs
            var sessionId: Int64 = 1
            // 2,500 sessions that outlive the test at first, 2,500 more after every window.
            func addSessions() {
                for _ in 0..<2_500 {
                    tracker.add(id: sessionId, timeoutMs: 3_600_000, nowMs: nowMs)
                    sessionId += 1
                }
            }
            addSessions()
            let result = GrowthGuard(chunk: 500, window: 5_000).measure(total: 20 * 5_000, between: addSessions) { _ in
                nowMs += 50
                _ = tracker.expire(nowMs: nowMs)
            }
            return (result, tracker.count)
        }
        print("GROWTH_SESSION_TICK: \(run.result)")
        #expect(!run.result.abortedEarly && run.sessions == 21 * 2_500)
        #expect(run.result.growth <= 3, "per-tick cost from 2,500 to 50,000 sessions: \(run.result)")
    }

    @Test func expiryStillExpiresEveryDueSessionOnce() {
        let startMs: Int64 = 1_000_000
        var tracker = SessionTracker(tickTimeMs: 100, serverId: 1, startTimeMs: startMs)
        for id in 1...300 { tracker.add(id: Int64(id), timeoutMs: 1_000 + (id % 3) * 1_000, nowMs: startMs) }
        // Sessions divisible by 5 stay active.
        var expired: [Int64] = []
        for step in 1...60 {
            let now = startMs + Int64(step) * 100
            for id in stride(from: 5, through: 300, by: 5) { tracker.touch(Int64(id), nowMs: now) }
            expired += tracker.expire(nowMs: now).map(\.id)
        }
        #expect(expired.count == 240 && Set(expired).count == 240)
        #expect(expired.allSatisfy { $0 % 5 != 0 })
        #expect(tracker.expire(nowMs: startMs + 1_000_000).map(\.id) == Array(stride(from: 5, through: 300, by: 5)).map(Int64.init),
                "after a long gap every remaining session is due")
        // A closed session is never expired later.
        tracker.add(id: 1_000, timeoutMs: 500, nowMs: startMs + 1_000_000)
        tracker.markClosing(1_000)
        #expect(tracker.expire(nowMs: startMs + 2_000_000).isEmpty)
    }
}
