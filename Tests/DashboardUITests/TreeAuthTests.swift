import Testing
@testable import DashboardUI

/// A node this session may not read: the detail pane says so, names the ACL
/// and the session's identities, and `a` adds a digest identity and reads again.
@Suite struct TreeAuthTests {
    static func protectedTree() -> FakeTree {
        var tree = FakeTree.sample()
        tree.nodes["/app/config"]!.acl = [TreeACLEntry(perms: 31, scheme: "digest", id: "bob:x")]
        tree.digestPasswords = ["bob": "secret"]
        return tree
    }

    static func detail(_ state: TreeState) -> [String] {
        TreeRenderer.detailLines(state, width: 100).map(\.text)
    }

    /// Opens /app and selects /app/config.
    static func onConfig(_ tree: inout FakeTree) -> TreeState {
        var state = TreeState()
        tree.run(&state, state.activate(nowMs: 0))
        state.press([.down, .enter, .down], tree: &tree)
        #expect(state.selectedPath == "/app/config")
        return state
    }

    @Test func anUnreadableNodeSaysWhyAndWhoIsAsking() {
        var tree = Self.protectedTree()
        let state = Self.onConfig(&tree)
        #expect(Self.detail(state) == [
            "/app/config",
            "NoAuth: this session may not read it",
            "ACL digest:bob:x cdrwa",
            "session ip:127.0.0.1",
            "a: add a digest identity (user:password), then it is read again",
        ])
    }

    @Test func addingTheRightIdentityReadsTheNodeAgainAndNeverShowsThePassword() {
        var tree = Self.protectedTree()
        var state = Self.onConfig(&tree)
        state.press([.character("a")], tree: &tree)
        state.type("bob:secret", tree: &tree)
        let status = state.statusLine()
        #expect(status.contains("add digest identity (user:password): bob:••••••"), "\(status)")
        #expect(!status.contains("secret"))
        state.press([.enter], tree: &tree)
        #expect(tree.log.contains(.addAuth(scheme: "digest", credentials: Array("bob:secret".utf8))))
        #expect(state.message == "added digest:bob; reading again…")
        #expect(state.detail?.path == "/app/config" && state.detailError == nil)
        #expect(state.dataLines.joined().contains("\"a\""))
        #expect(Self.detail(state).contains("session ip:127.0.0.1, digest:bob"))
    }

    @Test func aWrongPasswordIsTakenButTheNodeStaysClosed() {
        var tree = Self.protectedTree()
        var state = Self.onConfig(&tree)
        state.press([.character("a")], tree: &tree)
        state.type("digest:bob:nope", tree: &tree)
        state.press([.enter], tree: &tree)
        #expect(Self.detail(state).contains("NoAuth: this session may not read it"))
        #expect(Self.detail(state).contains("session ip:127.0.0.1, digest:bob (wrong password)"))
    }

    @Test func aIsAllowedReadOnlyAndRefusesTextWithoutAPassword() {
        var tree = Self.protectedTree()
        var state = Self.onConfig(&tree)
        state.press([.character("a")], tree: &tree, readOnly: true)
        #expect(state.prompt == .addAuth)
        state.type("bob", tree: &tree)
        state.press([.enter], tree: &tree)
        #expect(state.message == "a: type user:password (a digest identity)" && state.messageIsError)
        #expect(!tree.log.contains { if case .addAuth = $0 { true } else { false } })
        state.press([.character("a"), .escape], tree: &tree)
        #expect(state.prompt == nil && state.message == "cancelled")
    }

    @Test func aServerWithoutWhoAmISaysSo() {
        var tree = FakeTree.sample()
        tree.hasWhoAmI = false
        var state = TreeState()
        tree.run(&state, state.activate(nowMs: 0))
        #expect(Self.detail(state).contains("session: whoAmI is not supported by this server (ZooKeeper 3.7+)"))
    }
}
