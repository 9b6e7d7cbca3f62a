import Testing
@testable import DashboardUI

/// `g`: go to a full path, listing the branches on the way that were never opened.
@Suite struct TreeGotoTests {
    static func started(_ tree: inout FakeTree) -> TreeState {
        var state = TreeState()
        tree.run(&state, state.activate(nowMs: 0))
        return state
    }

    @Test func aDeepPathIsReachedThroughBranchesNeverOpened() {
        var tree = FakeTree.sample()
        var state = Self.started(&tree)
        #expect(state.nodes["/app"]?.children == nil, "not listed yet")
        state.press([.character("g")], tree: &tree)
        #expect(state.prompt == .goto && state.field.text == "/", "prefilled with the selected path")
        state.press([.control("u")], tree: &tree)
        state.type("/app/locks/lock-0000000007/", tree: &tree)
        state.press([.enter], tree: &tree)
        #expect(state.selectedPath == "/app/locks/lock-0000000007")
        #expect(state.message == "at /app/locks/lock-0000000007")
        #expect(state.visiblePaths.contains("/app/locks/lock-0000000007"))
        #expect(tree.log.contains(.listChildren(path: "/app")) && tree.log.contains(.listChildren(path: "/app/locks")))
        #expect(state.detail?.path == "/app/locks/lock-0000000007")
    }

    @Test func aMissingNodeIsNamedWithTheParentThatLacksIt() {
        var tree = FakeTree.sample()
        var state = Self.started(&tree)
        state.press([.character("g"), .control("u")], tree: &tree)
        state.type("/app/nope/deeper", tree: &tree)
        state.press([.enter], tree: &tree)
        #expect(state.message == "g: /app/nope/deeper: no such znode (/app has no child nope)" && state.messageIsError)
        #expect(state.pendingGoto == nil && state.selectedPath == "/")
    }

    @Test func onlyFullPathsAreAccepted() {
        var tree = FakeTree.sample()
        var state = Self.started(&tree)
        state.press([.character("g"), .control("u")], tree: &tree)
        state.type("app", tree: &tree)
        state.press([.enter], tree: &tree)
        #expect(state.message == "g: a full path, starting with /")
        // Home still goes to the first row.
        state.press([.down, .home], tree: &tree)
        #expect(state.selectedIndex == 0)
    }
}
