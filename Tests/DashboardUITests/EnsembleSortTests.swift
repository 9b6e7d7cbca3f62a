import EnsembleModel
import Testing
@testable import DashboardUI

/// `<` / `>` sort the Ensemble table by a column, `!` reverses; the
/// selection stays on its node.
@Suite struct EnsembleSortTests {
    static func titles() -> [String] { EnsembleView.columns.map(\.title) }

    @Test func sortingMovesRowsNotTheSelectedNode() {
        var state = SampleCluster.state(SampleCluster.healthy(), columns: 160, rows: 45)
        #expect(state.ensembleRows == state.cluster.rows, "sid order at first")
        _ = Dashboard.reduce(&state, .key(.down))
        let selected = state.selectedNodeIndex
        // > four times: SID, ADDRESS, STATE, ZXID.
        for _ in 0..<4 { _ = Dashboard.reduce(&state, .key(.character(">"))) }
        #expect(state.ensembleSort == EnsembleSort(column: 3, descending: false))
        #expect(state.message == "sorted by ZXID ascending (< > column, ! reverse)")
        let zxids = state.ensembleRows.map { state.cluster.nodes[$0].zxid?.rawValue ?? .max }
        #expect(zxids == zxids.sorted())
        #expect(state.selectedNodeIndex == selected, "the selection followed its node")
        _ = Dashboard.reduce(&state, .key(.character("!")))
        let reversed = state.ensembleRows.map { state.cluster.nodes[$0].zxid?.rawValue ?? 0 }
        #expect(reversed == reversed.sorted(by: >))
        #expect(Dashboard.render(state).text().contains("ZXID▼"))
        #expect(state.selectedNodeIndex == selected)
        // < back past the first column returns to sid order.
        for _ in 0..<4 { _ = Dashboard.reduce(&state, .key(.character("<"))) }
        #expect(state.ensembleSort == nil && state.message == "sid order" && state.ensembleRows == state.cluster.rows)
        _ = Dashboard.reduce(&state, .key(.character("!")))
        #expect(state.message == "!: sort by a column first (< >)")
    }

    @Test func nodesWithoutTheFigureSortLast() {
        var nodes = [NodeStatus]()
        for sid in [3, 1, 2] {
            var node = NodeStatus(address: NodeAddress(host: "127.0.0.1", clientPort: 2180 + sid), state: .following)
            node.sid = sid
            node.znodes = sid == 2 ? nil : Int64(10 * sid)
            nodes.append(node)
        }
        let key = EnsembleView.columns[EnsembleView.columns.firstIndex { $0.title == "ZNODES" }!].sortKey
        #expect(nodes.map(key) == [.number(30), .number(10), .missing])
        #expect(EnsembleView.SortKey.number(1) < .missing && EnsembleView.SortKey.text("a") < .missing)
    }
}
