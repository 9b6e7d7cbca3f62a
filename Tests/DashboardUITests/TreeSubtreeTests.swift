import Testing
@testable import DashboardUI

/// `s` (measure), `D` (delete a subtree), `C` / `M` (copy, move) in the Tree view.
@Suite struct TreeSubtreeTests {
    static func onApp(_ tree: inout FakeTree) -> TreeState {
        var state = TreeState()
        tree.run(&state, state.activate(nowMs: 0))
        state.press([.down], tree: &tree)
        #expect(state.selectedPath == "/app")
        return state
    }

    @Test func sMeasuresTheSubtreeAndTheDetailShowsIt() {
        var tree = FakeTree.sample()
        var state = Self.onApp(&tree)
        state.press([.character("s")], tree: &tree)
        // /app, config, locks, the lock, workers: 5 nodes; the two JSON values' bytes.
        #expect(state.message == "/app: 5 nodes, 44 bytes")
        #expect(TreeRenderer.detailLines(state, width: 100).map(\.text).contains("subtree 5 nodes, 44 bytes"))
        #expect(SubtreeSize(nodes: 1, bytes: 2150).text == "1 node, 2.0 KB")
        #expect(SubtreeSize(nodes: 3, bytes: 5_500_000).text == "3 nodes, 5.2 MB")
    }

    @Test func DCountsFirstThenAsksThenDeletesEverythingBelow() {
        var tree = FakeTree.sample()
        var state = Self.onApp(&tree)
        state.press([.character("D")], tree: &tree)
        guard case .confirm(let question, let command)? = state.prompt else {
            Issue.record("no confirmation: \(String(describing: state.prompt))")
            return
        }
        #expect(question == "delete /app and the 4 nodes below it (5 nodes, 44 bytes)? y/n")
        #expect(command == .deleteTree(path: "/app"))
        state.press([.character("y")], tree: &tree)
        #expect(state.message == "deleted /app and the 4 nodes below it")
        #expect(!state.visiblePaths.contains("/app") && tree.nodes["/app/locks"] == nil)
    }

    @Test func nothingIsDeletedOrCopiedReadOnlyOrAtTheRoot() {
        var tree = FakeTree.sample()
        var state = Self.onApp(&tree)
        for key in ["D", "C", "M"] {
            state.press([.character(Character(key))], tree: &tree, readOnly: true)
            #expect(state.message == "read-only (--read-only)" && state.prompt == nil)
        }
        state.press([.home, .character("D")], tree: &tree)
        #expect(state.message == "/ cannot be deleted")
        // n at the y/n question cancels.
        state.press([.down, .character("D"), .character("n")], tree: &tree)
        #expect(state.message == "cancelled" && tree.nodes["/app"] != nil)
    }

    @Test func CCopiesToATypedPathAndMMoves() {
        var tree = FakeTree.sample()
        var state = Self.onApp(&tree)
        state.press([.character("C")], tree: &tree)
        #expect(state.prompt == .copyTo(from: "/app", move: false) && state.field.text == "/app-copy")
        state.press([.enter], tree: &tree)
        #expect(state.prompt == .confirm(question: "copy /app to /app-copy? y/n",
                                         command: .copyTree(from: "/app", to: "/app-copy", move: false)))
        state.press([.character("y")], tree: &tree)
        #expect(state.message == "copied /app to /app-copy (5 nodes)")
        #expect(tree.nodes["/app-copy/locks/lock-0000000007"] != nil && tree.nodes["/app"] != nil)
        #expect(state.visiblePaths.contains("/app-copy"))

        state.press([.character("M"), .control("u")], tree: &tree)
        state.type("/app/inside", tree: &tree)
        state.press([.enter], tree: &tree)
        #expect(state.message == "M: /app/inside is inside /app")
        state.press([.character("M"), .control("u")], tree: &tree)
        state.type("/moved", tree: &tree)
        state.press([.enter, .character("y")], tree: &tree)
        #expect(tree.nodes["/app"] == nil && tree.nodes["/moved/config"] != nil)
    }
}

/// A lock recipe's parent names the session that holds it: the lowest sequential child's owner.
@Suite struct TreeLockHolderTests {
    @Test func theLowestSequentialChildHoldsTheLock() {
        var tree = FakeTree.sample()
        tree.add("/app/locks/lock-0000000003", ephemeralOwner: 0x1000_0abc_0009)
        var state = TreeState()
        tree.run(&state, state.activate(nowMs: 0))
        state.press([.down, .enter, .down, .down], tree: &tree)
        #expect(state.selectedPath == "/app/locks")
        state.press([.enter], tree: &tree)
        let lines = TreeRenderer.detailLines(state, width: 100).map(\.text)
        #expect(lines.contains("lock held by lock-0000000003 (session 0x10000abc0009, 1 waiting)"), "\(lines)")
        state.press([.home], tree: &tree)
        #expect(!TreeRenderer.detailLines(state, width: 100).map(\.text).contains { $0.hasPrefix("lock held") })
    }
}

/// `E`: the data in the user's editor, the result confirmed before it is set.
@Suite struct TreeEditorTests {
    @Test func EAsksTheShellThenConfirmsWhatCameBack() {
        var state = SampleCluster.state(SampleCluster.healthy(), columns: 160, rows: 45)
        _ = Dashboard.reduce(&state, .key(.character("2")))
        state.tree.selectedPath = "/app"
        state.tree.detail = NodeDetail(path: "/app", data: Array("a=1".utf8), stat: TreeStat(version: 4), acl: [])
        #expect(Dashboard.reduce(&state, .key(.character("E"))) == [.editInEditor(path: "/app", data: Array("a=1".utf8), version: 4)])
        _ = Dashboard.reduce(&state, .tree(.edited(path: "/app", data: Array("a=2\n".utf8), version: 4)))
        #expect(state.tree.prompt == .confirm(question: "set /app (version 4) to 4 bytes? y/n",
                                              command: .setData(path: "/app", data: Array("a=2\n".utf8), version: 4)))
        _ = Dashboard.reduce(&state, .key(.character("n")))
        _ = Dashboard.reduce(&state, .tree(.edited(path: "/app", data: Array("a=1".utf8), version: 4)))
        #expect(state.tree.prompt == nil && state.tree.message == "E: /app unchanged")
        state.tree.selectedPath = "/app"    // no rows in this state: a tree input settles the selection on "/"
        state.tree.detail = NodeDetail(path: "/app", data: [0xFF, 0x00], stat: TreeStat(), acl: [])
        #expect(Dashboard.reduce(&state, .key(.character("E"))).isEmpty)
        #expect(state.message == "E: /app: binary data (2 bytes) cannot be edited as text")
        state.readOnly = true
        #expect(Dashboard.reduce(&state, .key(.character("E"))).isEmpty && state.message == "read-only (--read-only)")
    }
}
