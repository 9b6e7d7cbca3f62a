import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// multi: all-or-nothing, per-op results, one zxid.
@Suite struct ServerCoreMultiTests {
    private func createOp(_ path: String, _ data: String = "", mode: CreateMode = .persistent) -> MultiOp {
        .create(CreateRequest(path: path, data: Array(data.utf8), mode: mode))
    }

    @Test func successfulMultiAppliesEverythingAtOneZxid() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.call(c, .create("/old", "x"))
        let multi = MultiRequest(ops: [
            createOp("/m", "1"),
            createOp("/m/a"),
            .setData(SetDataRequest(path: "/m", data: Array("2".utf8), version: 0)),
            .check(CheckVersionRequest(path: "/m", version: 1)),
            .delete(DeleteRequest(path: "/old", version: 0)),
            .createContainer(CreateRequest(path: "/box", mode: .container)),
        ])
        let sent = harness.send(c, .multi(multi))
        #expect(sent.appendedZxids == [3])
        let reply = try #require(harness.sync().reply(to: c, xid: 2))
        #expect(reply.err == .ok)
        #expect(reply.header.zxid == 3)
        let results = try reply.decode(MultiResponse.self).results
        #expect(results.count == 6)
        #expect(results[0] == .create(path: "/m"))
        #expect(results[1] == .create(path: "/m/a"))
        let mStat = try #require(harness.core.tree.node("/m")).stat
        let boxStat = try #require(harness.core.tree.node("/box")).stat
        // setData's stat reflects the earlier ops of the multi (one child).
        if case .setData(let stat) = results[2] {
            #expect(stat.version == 1)
            #expect(stat.mzxid == 3)
            #expect(stat.numChildren == 1)
        } else {
            Issue.record("expected setData, got \(results[2])")
        }
        #expect(results[3] == .check)
        #expect(results[4] == .delete)
        #expect(results[5] == .create2(path: "/box", stat: boxStat))
        #expect(mStat.czxid == 3 && mStat.mzxid == 3)
        #expect(harness.core.tree.node("/old") == nil)
        #expect(harness.core.tree.node("/box")?.kind == .container)
    }

    /// Apache: ops before the failure report 0, the failing op its code, later
    /// ops RuntimeInconsistency (-2); the ReplyHeader err stays 0.
    @Test func failedMultiChangesNothingAndReportsEveryOp() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let multi = MultiRequest(ops: [createOp("/m"), createOp("/m"), createOp("/n")])
        let sent = harness.send(c, .multi(multi))
        #expect(sent.appendedZxids == [2], "a failed multi still takes a zxid")
        let entry = try TxnEntry(juteBytes: try #require(harness.log.last).payload)
        #expect(entry.header.type == OpCode.multi.rawValue)
        if case .multi(let bodies) = entry.body {
            #expect(bodies.count == 3)
            #expect(bodies.dropFirst() == [.error(ErrorTxn(err: -110)), .error(ErrorTxn(err: -2))])
        } else {
            Issue.record("expected a multi txn, got \(entry.body)")
        }

        let reply = try #require(harness.sync().reply(to: c, xid: 1))
        #expect(reply.err == .ok)
        #expect(reply.header.zxid == 2)
        let results = try reply.decode(MultiResponse.self).results
        #expect(results == [.error(code: 0), .error(code: ErrorCode.nodeExists.rawValue), .error(code: ErrorCode.runtimeInconsistency.rawValue)])
        #expect(harness.core.tree.node("/m") == nil)
        #expect(harness.core.tree.node("/n") == nil)
        #expect(harness.core.tree.lastProcessedZxid == 2)
    }

    @Test(arguments: [
        (MultiOp.check(CheckVersionRequest(path: "/a", version: 9)), ErrorCode.badVersion),
        (MultiOp.check(CheckVersionRequest(path: "/nope", version: -1)), ErrorCode.noNode),
        (MultiOp.delete(DeleteRequest(path: "/a/kid", version: 3)), ErrorCode.badVersion),
        (MultiOp.delete(DeleteRequest(path: "/a", version: -1)), ErrorCode.notEmpty),
        (MultiOp.setData(SetDataRequest(path: "/nope", data: [], version: -1)), ErrorCode.noNode),
        (MultiOp.create(CreateRequest(path: "/a/kid", mode: .persistent)), ErrorCode.nodeExists),
        (MultiOp.create(CreateRequest(path: "bad", mode: .persistent)), ErrorCode.badArguments),
    ])
    func failingOpInTheMiddle(_ failing: MultiOp, _ code: ErrorCode) throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.call(c, .create("/a"))
        _ = harness.call(c, .create("/a/kid"))
        let before = harness.core.tree.nodes
        let multi = MultiRequest(ops: [createOp("/x"), .setData(SetDataRequest(path: "/a", data: [1], version: -1)), failing, createOp("/y")])
        let results = try harness.request(c, .multi(multi)).decode(MultiResponse.self).results
        #expect(results == [.error(code: 0), .error(code: 0), .error(code: code.rawValue), .error(code: -2)])
        #expect(harness.core.tree.nodes == before)
    }

    /// A failed multi rolls back its pending changes: later pipelined writes
    /// do not see nodes it would have created.
    @Test func failedMultiRollsBackPendingChanges() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.send(c, .multi(MultiRequest(ops: [createOp("/m"), .setData(SetDataRequest(path: "/nope", data: [], version: -1))])))
        _ = harness.send(c, .create("/m/x"))
        _ = harness.send(c, .create("/m"))
        let replies = harness.sync().replies(to: c)
        #expect(replies.count == 3)
        #expect(replies[1].err == .noNode)
        #expect(replies[2].err == .ok)
        #expect(harness.core.pending.isEmpty)
    }

    /// Ops inside a multi see the earlier ops of the same multi.
    @Test func opsSeeEarlierOpsOfTheSameMulti() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let multi = MultiRequest(ops: [
            createOp("/p"),
            createOp("/p/s-", mode: .persistentSequential),
            createOp("/p/s-", mode: .persistentSequential),
            .delete(DeleteRequest(path: "/p/s-0000000000", version: 0)),
        ])
        let results = try harness.request(c, .multi(multi)).decode(MultiResponse.self).results
        #expect(results == [.create(path: "/p"), .create(path: "/p/s-0000000000"), .create(path: "/p/s-0000000001"), .delete])
        #expect(harness.core.tree.node("/p")?.children.count == 1)
    }

    /// Apache's MultiOperationRecord turns create2 ops into Op.create, so they
    /// answer with a plain CreateResult.
    @Test func create2InsideMultiAnswersLikeCreate() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let multi = MultiRequest(ops: [.create2(CreateRequest(path: "/a", mode: .persistent))])
        let results = try harness.request(c, .multi(multi)).decode(MultiResponse.self).results
        #expect(results == [.create(path: "/a")])
    }

    @Test func emptyMulti() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let reply = harness.request(c, .multi(MultiRequest(ops: [])))
        #expect(reply.err == .ok)
        #expect(try reply.decode(MultiResponse.self).results.isEmpty)
    }

    @Test func multiFiresTheWatchesOfEveryOp() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let watcher = harness.newSession().connection
        _ = harness.call(c, .create("/a"))
        _ = harness.request(watcher, .getData("/a", watch: true))
        _ = harness.request(watcher, .getChildren("/", watch: true))
        _ = harness.request(watcher, .exists("/b", watch: true))
        let outputs = harness.call(c, .multi(MultiRequest(ops: [
            .setData(SetDataRequest(path: "/a", data: [1], version: -1)),
            createOp("/b"),
        ])))
        #expect(outputs.events(for: watcher) == [
            WatcherEvent(type: .nodeDataChanged, path: "/a"),
            WatcherEvent(type: .nodeCreated, path: "/b"),
            WatcherEvent(type: .nodeChildrenChanged, path: "/"),
        ])
    }

    @Test func failedMultiFiresNothing() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let watcher = harness.newSession().connection
        _ = harness.request(watcher, .exists("/b", watch: true))
        let outputs = harness.call(c, .multi(MultiRequest(ops: [createOp("/b"), createOp("/nope/x")])))
        #expect(outputs.events(for: watcher).isEmpty)
    }
}
