import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

@Suite struct TxnApplyTests {
    private func header(_ zxid: Int64, session: Int64 = 0x42, type: OpCode, time: Int64 = 500) -> TxnHeader {
        TxnHeader(clientId: session, cxid: 1, zxid: zxid, time: time, type: type.rawValue)
    }

    @Test func createTxnAppliesAndTriggers() {
        var tree = DataTree()
        let outcome = tree.apply(header(1, type: .create), .create(CreateTxn(path: "/a", data: [1], acl: ACL.openUnsafe, ephemeral: false, parentCVersion: 1)))
        #expect(outcome.err == .ok)
        #expect(outcome.path == "/a")
        #expect(outcome.stat?.czxid == 1)
        #expect(outcome.stat?.ctime == 500)
        #expect(outcome.triggers == DataTree.createTriggers("/a"))
        #expect(tree.lastProcessedZxid == 1)
    }

    @Test func ephemeralCreateIsOwnedByTheHeaderSession() {
        var tree = DataTree()
        _ = tree.apply(header(1, session: 0x77, type: .create), .create(CreateTxn(path: "/e", ephemeral: true, parentCVersion: 1)))
        #expect(tree.node("/e")?.ephemeralOwner == 0x77)
        #expect(tree.ephemerals[0x77] == ["/e"])
    }

    @Test func errorTxnChangesNothingButAdvancesZxid() {
        var tree = DataTree()
        let before = tree.nodes
        let outcome = tree.apply(header(5, type: .error), .error(ErrorTxn(err: ErrorCode.nodeExists.rawValue)))
        #expect(outcome.err == .nodeExists)
        #expect(outcome.triggers.isEmpty)
        #expect(tree.nodes == before)
        #expect(tree.lastProcessedZxid == 5)
    }

    @Test func lastProcessedZxidNeverGoesBack() {
        var tree = DataTree()
        _ = tree.apply(header(9, type: .error), .error(ErrorTxn(err: 0)))
        _ = tree.apply(header(3, type: .error), .error(ErrorTxn(err: 0)))
        #expect(tree.lastProcessedZxid == 9)
    }

    @Test func closeSessionDeletesTheSessionsEphemerals() {
        var tree = DataTree()
        _ = tree.apply(header(1, session: 7, type: .create), .create(CreateTxn(path: "/e1", ephemeral: true, parentCVersion: 1)))
        _ = tree.apply(header(2, session: 7, type: .create), .create(CreateTxn(path: "/e2", ephemeral: true, parentCVersion: 2)))
        _ = tree.apply(header(3, session: 8, type: .create), .create(CreateTxn(path: "/other", ephemeral: true, parentCVersion: 3)))
        // The txn lists only /e1; /e2 still goes because the session owns it.
        let outcome = tree.apply(header(4, session: 7, type: .closeSession), .closeSession(CloseSessionTxn(paths2Delete: ["/e1"])))
        #expect(tree.node("/e1") == nil)
        #expect(tree.node("/e2") == nil)
        #expect(tree.node("/other") != nil)
        #expect(tree.ephemerals[7] == nil)
        #expect(outcome.triggers.filter { $0.type == .nodeDeleted && $0.target == .data }.map(\.path) == ["/e1", "/e2"])
        #expect(tree.node("/")?.pzxid == 4)
    }

    @Test func closeSessionWithoutBodyStillDeletesEphemerals() {
        var tree = DataTree()
        _ = tree.apply(header(1, session: 7, type: .create), .create(CreateTxn(path: "/e", ephemeral: true, parentCVersion: 1)))
        _ = tree.apply(header(2, session: 7, type: .closeSession), .closeSession(nil))
        #expect(tree.node("/e") == nil)
    }

    @Test func successfulMultiAppliesEveryOp() {
        var tree = DataTree()
        _ = tree.apply(header(1, type: .create), .create(CreateTxn(path: "/x", data: [], parentCVersion: 1)))
        let outcome = tree.apply(header(2, type: .multi), .multi([
            .create(CreateTxn(path: "/a", data: [1], parentCVersion: 2)),
            .create2(CreateTxn(path: "/a/b", data: [], parentCVersion: 1)),
            .setData(SetDataTxn(path: "/a", data: [2, 3], version: 1)),
            .check(CheckVersionTxn(path: "/a", version: 1)),
            .delete(DeleteTxn(path: "/x")),
        ]))
        #expect(outcome.err == .ok)
        let results = outcome.multiResults ?? []
        #expect(results.count == 5)
        #expect(results[0] == .create(path: "/a"))
        if case .create2(let path, let stat) = results[1] {
            #expect(path == "/a/b")
            #expect(stat.czxid == 2)
        } else {
            Issue.record("expected create2, got \(results[1])")
        }
        if case .setData(let stat) = results[2] {
            #expect(stat.version == 1)
            #expect(stat.dataLength == 2)
        } else {
            Issue.record("expected setData, got \(results[2])")
        }
        #expect(results[3] == .check)
        #expect(results[4] == .delete)
        #expect(tree.node("/x") == nil)
        #expect(tree.node("/a")?.data == [2, 3])
        // Every op of the multi carries the multi's zxid.
        #expect(tree.node("/a/b")?.czxid == 2)
        #expect(tree.node("/a")?.mzxid == 2)
    }

    /// Apache's failed multi (as prep logs it: the ops before the failure as
    /// real txns, then ErrorTxns): 0 for the ops before the failure, the
    /// failing code, -2 (RuntimeInconsistency) after; the tree is untouched.
    @Test func failedMultiReportsPerOpErrorsAndChangesNothing() {
        var tree = DataTree()
        let before = tree.nodes
        let outcome = tree.apply(header(1, type: .multi), .multi([
            .create(CreateTxn(path: "/a", parentCVersion: 1)),
            .error(ErrorTxn(err: ErrorCode.noNode.rawValue)),
            .error(ErrorTxn(err: ErrorCode.runtimeInconsistency.rawValue)),
        ]))
        #expect(outcome.multiResults == [.error(code: 0), .error(code: -101), .error(code: -2)])
        #expect(outcome.triggers.isEmpty)
        #expect(tree.nodes == before)
        #expect(tree.lastProcessedZxid == 1)
    }
}
