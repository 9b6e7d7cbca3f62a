import Testing
@testable import DashboardUI

/// The tree view through the dashboard's reducer and renderer (view 2).
@Suite("Tree view: inside the dashboard")
struct TreeDashboardTests {
    /// Runs effects' tree commands against the fake tree, feeding answers back as inputs.
    func run(_ state: inout DashboardState, _ effects: [DashboardEffect], _ tree: inout FakeTree) {
        var queue = effects
        while !queue.isEmpty {
            guard case .tree(let command) = queue.removeFirst() else { continue }
            for input in tree.answer(command) { queue += Dashboard.reduce(&state, .tree(input)) }
        }
    }

    @Test func viewTwoLoadsTheTreeAndKeysReachIt() {
        var tree = FakeTree.sample()
        var state = SampleCluster.state(SampleCluster.healthy(), columns: 160, rows: 45)
        state.tree.viewportRows = TreeLayout.treeRows(for: state.size)
        let effects = Dashboard.reduce(&state, .key(.character("2")))
        #expect(effects == [.tree(.listChildren(path: "/")), .tree(.loadNode(path: "/")), .tree(.watchers(path: "/")), .tree(.whoAmI)])
        run(&state, effects, &tree)
        run(&state, Dashboard.reduce(&state, .key(.down)), &tree)
        run(&state, Dashboard.reduce(&state, .key(.enter)), &tree)
        #expect(state.tree.rowCount == 7)
        // While the filter is typed, q is text, not quit.
        run(&state, Dashboard.reduce(&state, .key(.character("f"))), &tree)
        let typed = Dashboard.reduce(&state, .key(.character("q")))
        #expect(!typed.contains(.quit))
        #expect(state.tree.filter == "q")
        run(&state, Dashboard.reduce(&state, .key(.escape)), &tree)
        // Read-only comes from the dashboard's state.
        state.readOnly = true
        #expect(Dashboard.reduce(&state, .key(.character("d"))) == [])
        #expect(state.tree.message == "read-only (--read-only)")
        let screen = Dashboard.render(state).text()
        #expect(screen.contains("▾ app (3)"))
        #expect(screen.contains("read-only (--read-only)"))
        // A click on a row of the body selects it.
        run(&state, Dashboard.reduce(&state, .mouse(MouseEvent(kind: .click, x: 4, y: Layout.bodyTop + 2))), &tree)
        #expect(state.tree.selectedPath == "/app/config")
        // Enter on a leaf does not draw it as an open branch.
        run(&state, Dashboard.reduce(&state, .key(.enter)), &tree)
        let afterEnter = Dashboard.render(state).text()
        #expect(!afterEnter.contains("▾ config"), "a leaf shows no open marker:\n\(afterEnter)")
        #expect(afterEnter.contains("  config"))
    }

    /// A refused SASL login of the Tree view's session is logged to Events
    /// once per failure spell, not once per retry.
    @Test func aRefusedTreeLoginGoesToEventsOnce() {
        var state = SampleCluster.state(SampleCluster.healthy(), columns: 160, rows: 45)
        let refused = TreeInput.connection("not connected: SASL login as alice failed: the server refused it", resync: false)
        for _ in 0..<3 { _ = Dashboard.reduce(&state, .tree(refused)) }
        let logged = state.shellEvents.values
        #expect(logged.map { $0.text } == ["Tree view: not connected: SASL login as alice failed: the server refused it"])
        #expect(logged.first?.isProblem == true)
        _ = Dashboard.reduce(&state, .tree(.connection("connected to 127.0.0.1:2181, session 0x1", resync: true)))
        _ = Dashboard.reduce(&state, .tree(refused))
        _ = Dashboard.reduce(&state, .tree(.authFailed("digest:bob: AuthFailed")))
        #expect(state.shellEvents.values.count == 3)
        #expect(state.shellEvents.values.last?.text == "Tree view: a: digest:bob: AuthFailed")
    }
}
