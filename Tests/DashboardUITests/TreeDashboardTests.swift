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
}
