import Testing
@testable import DashboardUI

/// `/` finds nodes anywhere in what the tree has listed, n / N go on, and a
/// search that finds nothing says what it searched (issue 13 item 6).
@Suite("Tree view: search")
struct TreeSearchTests {
    /// The sample with /app and /app/locks listed, then /app collapsed: its
    /// children are known but not on screen. /zookeeper was never opened.
    func collapsedSample(_ tree: inout FakeTree) -> TreeState {
        var state = TreeState()
        state.viewportRows = 20
        tree.run(&state, state.activate(nowMs: 1000))
        state.press([.down, .enter, .enter, .down, .enter, .character("h"), .character("h"), .character("h")], tree: &tree)
        #expect(state.visiblePaths == ["/", "/app", "/brokers", "/zookeeper"])
        return state
    }

    @Test func findsNodesInsideCollapsedBranches() {
        var tree = FakeTree.sample()
        var state = collapsedSample(&tree)
        state.press([.character("/")], tree: &tree)
        state.type("lock-", tree: &tree)
        // Found while typing: its branch opened, the row selected.
        #expect(state.selectedPath == "/app/locks/lock-0000000007")
        #expect(state.nodes["/app"]?.expanded == true)
        #expect(state.statusLine().hasPrefix("/lock-▏  1 of 1"))
        state.press([.enter], tree: &tree)
        #expect(state.message == "'lock-': match 1 of 1 · n next, N previous")
        // Nothing new was read for that: the branch was listed already.
        #expect(state.searchQuery == "lock-")
    }

    @Test func matchesFullPathsEndingInTheName() {
        var tree = FakeTree.sample()
        var state = collapsedSample(&tree)
        #expect(state.searchMatches("app/con") == ["/app/config"])
        #expect(state.searchMatches("O") == ["/app/config", "/app/locks", "/app/locks/lock-0000000007", "/app/workers",
                                             "/brokers", "/zookeeper"])
        // A match in a parent's name does not make every child a match.
        #expect(state.searchMatches("/app/") == [])
        #expect(state.searchMatches("ks/lock") == ["/app/locks/lock-0000000007"])
        state.press([.character("/")], tree: &tree)
        state.type("APP/CON", tree: &tree)
        state.press([.enter], tree: &tree)
        #expect(state.selectedPath == "/app/config")
    }

    @Test func nAndNGoThroughTheMatchesAndWrap() {
        var tree = FakeTree.sample()
        var state = collapsedSample(&tree)
        state.press([.character("/")], tree: &tree)
        state.type("er", tree: &tree)
        state.press([.enter], tree: &tree)
        #expect(state.selectedPath == "/app/workers")
        #expect(state.message == "'er': match 1 of 3 · n next, N previous")
        state.press([.character("n")], tree: &tree)
        #expect(state.selectedPath == "/brokers")
        state.press([.character("n")], tree: &tree)
        #expect(state.selectedPath == "/zookeeper")
        #expect(state.message == "'er': match 3 of 3 · n next, N previous")
        state.press([.character("n")], tree: &tree)
        #expect(state.selectedPath == "/app/workers")
        #expect(state.message == "'er': match 1 of 3 (from the top) · n next, N previous")
        state.press([.character("N")], tree: &tree)
        #expect(state.selectedPath == "/zookeeper")
        #expect(state.message?.contains("(from the bottom)") == true)
        state.press([.character("N")], tree: &tree)
        #expect(state.selectedPath == "/brokers")
    }

    @Test func enterSearchesTheBranchesNeverOpened() {
        var tree = FakeTree.sample()
        var state = collapsedSample(&tree)
        state.press([.down, .character("/")], tree: &tree)
        #expect(state.selectedPath == "/brokers")
        // /zookeeper/quota exists but /zookeeper was never listed.
        state.type("quota", tree: &tree)
        #expect(state.selectedPath == "/brokers")
        #expect(state.statusLine() == "/quota▏  no match among 8 loaded nodes; Enter searches the rest")
        tree.log.removeAll()
        state.press([.enter], tree: &tree)
        // Shallowest first: /brokers and /zookeeper were listed, and quota found.
        let listed = tree.log.filter { if case .listChildren = $0 { true } else { false } }
        #expect(Array(listed.prefix(2)) == [.listChildren(path: "/brokers"), .listChildren(path: "/zookeeper")])
        #expect(listed.count <= DeepSearch.concurrency)
        #expect(state.selectedPath == "/zookeeper/quota")
        #expect(state.message == "'quota': found after listing 2 more nodes · match 1 of 1 · n next, N previous")
        state.press([.character("n")], tree: &tree)
        #expect(state.message == "'quota': match 1 of 1 (from the top) · n next, N previous")
    }

    @Test func noMatchAnywhereSaysTheWholeTreeWasSearched() {
        var tree = FakeTree.sample()
        var state = collapsedSample(&tree)
        let before = state.selectedPath
        state.press([.character("/")], tree: &tree)
        state.type("nothing", tree: &tree)
        state.press([.enter], tree: &tree)
        #expect(state.message == "no match for 'nothing' in the whole tree (9 nodes)")
        #expect(state.selectedPath == before)
        state.press([.character("n")], tree: &tree)
        #expect(state.message == "no match for 'nothing' among 9 loaded nodes; / and Enter search the branches never opened")
        var fresh = TreeState()
        _ = fresh.handle(.character("n"), readOnly: false, nowMs: 0)
        #expect(fresh.message == "no search yet: / searches node paths")
    }

    @Test func escapeReturnsToWhereTheSearchStarted() {
        var tree = FakeTree.sample()
        var state = collapsedSample(&tree)
        state.press([.down, .character("/")], tree: &tree)
        state.type("conf", tree: &tree)
        #expect(state.selectedPath == "/app/config")
        state.press([.escape], tree: &tree)
        #expect(state.prompt == nil)
        #expect(state.selectedPath == "/brokers")
        #expect(state.searchQuery == "")
    }

    @Test func aMatchHiddenByTheFilterClearsIt() {
        var tree = FakeTree.sample()
        var state = collapsedSample(&tree)
        state.press([.character("f")], tree: &tree)
        state.type("zoo", tree: &tree)
        state.press([.enter, .character("/")], tree: &tree)
        state.type("brok", tree: &tree)
        #expect(state.selectedPath == "/brokers")
        #expect(state.filter == "")
    }
}
