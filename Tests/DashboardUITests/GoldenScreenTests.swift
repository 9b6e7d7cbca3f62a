import EnsembleModel
import Foundation
import Testing
@testable import DashboardUI

/// Whole screens as text against golden files (Golden/*.txt). Regenerate after
/// an intended change with `ZKDASH_UPDATE_GOLDEN=1 swift test --filter GoldenScreenTests`
/// and review the diff.
struct GoldenScreenTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func check(_ name: String, _ screen: CellBuffer) throws {
        let url = goldenDirectory.appendingPathComponent("\(name).txt")
        let text = screen.text() + "\n"
        if ProcessInfo.processInfo.environment["ZKDASH_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: goldenDirectory, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if expected != text {
            Issue.record("screen \(name) differs from Golden/\(name).txt:\n--- expected\n\(expected)--- actual\n\(text)")
        }
    }

    static let sizes = [(80, 24), (160, 45)]

    @Test(arguments: [DashboardView.ensemble, .election, .events])
    func views(_ view: DashboardView) throws {
        for (columns, rows) in Self.sizes {
            var state = SampleCluster.state(SampleCluster.afterFailover(), columns: columns, rows: rows)
            state.view = view
            try Self.check("\(view)-\(columns)x\(rows)", Dashboard.render(state))
        }
    }

    @Test func healthyEnsembleWithSecondNodeSelected() throws {
        var state = SampleCluster.state(SampleCluster.healthy(), columns: 80, rows: 24)
        _ = Dashboard.reduce(&state, .key(.down))
        try Self.check("ensemble-healthy-80x24", Dashboard.render(state))
    }

    @Test func help() throws {
        for (columns, rows) in Self.sizes {
            var state = SampleCluster.state(SampleCluster.healthy(), columns: columns, rows: rows)
            _ = Dashboard.reduce(&state, .key(.character("?")))
            try Self.check("help-\(columns)x\(rows)", Dashboard.render(state))
        }
    }

    @Test func tooSmall() throws {
        let state = SampleCluster.state(SampleCluster.healthy(), columns: 50, rows: 10)
        try Self.check("too-small-50x10", Dashboard.render(state))
    }

    @Test func beforeTheFirstPoll() throws {
        var state = SampleCluster.state(ClusterModel(members: SampleCluster.members), columns: 80, rows: 24)
        state.lastPollMs = 0
        try Self.check("first-frame-80x24", Dashboard.render(state))
    }
}
