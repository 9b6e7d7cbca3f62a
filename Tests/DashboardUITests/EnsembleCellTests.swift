import EnsembleModel
import Testing
@testable import DashboardUI

/// The Ensemble view's cells read the same on every row and every screen
/// (issue 13 item 5): lag on an absolute scale, zxids and latency as `status`
/// prints them.
struct EnsembleCellTests {
    static func node(lag: Int64?) -> NodeStatus {
        var node = NodeStatus(address: NodeAddress(host: "127.0.0.1", clientPort: 2181), state: .following)
        node.lagTxns = lag
        return node
    }

    @Test(arguments: [(Int64(0), "··· 0"), (1, "█·· 1"), (99, "█·· 99"), (100, "██· 100"), (999, "██· 999"), (1000, "███ 1000"),
                      (250_000, "███ 250.0k")])
    func lagBarIsAbsolute(lag: Int64, expected: String) {
        // A lone lag of 1 next to nodes at 0 used to draw a full bar.
        let model = ClusterModel(members: [])
        #expect(EnsembleView.lagCell(Self.node(lag: lag), model).0 == expected)
    }

    @Test func zxidAndLatencyMatchStatus() {
        var node = Self.node(lag: 0)
        node.zxid = Zxid(rawValue: 0x2_0000_2e1c)
        node.latencyMinMs = 0
        node.latencyAvgMs = 0
        node.latencyMaxMs = 6
        let model = ClusterModel(members: [])
        let zxid = EnsembleView.columns.first { $0.title == "ZXID" }!.cell(node, model, 0).0
        #expect(zxid == "0x200002e1c")
        #expect(zxid == node.zxid?.hex)
        let latency = EnsembleView.columns.first { $0.title == "LAT ms" }!.cell(node, model, 0).0
        #expect(latency == "0/0.0/6")
        #expect(latency == StatusTable.latencyText(node))
        node.latencyAvgMs = 3.7333
        #expect(StatusTable.latencyText(node) == "0/3.7/6")
    }
}
