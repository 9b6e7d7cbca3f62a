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

    /// An election in progress seen through zkdash telemetry: only the LOOKING
    /// node's votes of its current round, the elections the winners recorded.
    @Test func electionInProgress() throws {
        let looking = """
            state=LOOKING
            round=4
            vote leader=3 zxid=0x200000005 epoch=2 round=4
            received from=1 leader=3 zxid=0x200000005 epoch=2 round=4 state=LOOKING age_ms=12
            received from=2 leader=2 zxid=0x200000004 epoch=2 round=3 state=LOOKING age_ms=9000
            election start_ms=1763789990000 duration_ms=212 rounds=1 winner=3

            """
        let following = """
            state=FOLLOWING
            round=3
            vote leader=3 zxid=0x200000005 epoch=2 round=3
            received from=3 leader=3 zxid=0x200000005 epoch=2 round=3 state=LEADING age_ms=82861
            election start_ms=1763789990000 duration_ms=230 rounds=1 winner=3
            election start_ms=1763790004000 duration_ms=6 rounds=1 winner=3

            """
        let notServing = FourLetterReply.notServingText + "\n"
        var model = ClusterModel(members: Array(SampleCluster.members.prefix(3)))
        model.apply(PollRound(timeMs: 1_763_790_010_000, samples: [
            NodeSample(answers: [.srvr: .success(SampleCluster.srvr(mode: "follower", zxid: "0x200000005", received: 10)),
                                 .conf: .success(SampleCluster.conf(sid: 1)), .vote: .success(following)]),
            NodeSample(answers: [.srvr: .failure(.connectionRefused), .conf: .failure(.connectionRefused)]),
            NodeSample(answers: [.srvr: .success(notServing), .conf: .success(SampleCluster.conf(sid: 3)), .vote: .success(looking)]),
        ]))
        for (columns, rows) in Self.sizes {
            var state = SampleCluster.state(model, columns: columns, rows: rows)
            state.view = .election
            try Self.check("election-in-progress-\(columns)x\(rows)", Dashboard.render(state))
        }
    }

    /// `localhost` and `127.0.0.1` for one node: one row; the detail names the alias.
    @Test func oneRowPerNode() throws {
        var members = Array(SampleCluster.members.prefix(3))
        members.insert(Member(address: NodeAddress(host: "localhost", clientPort: members[0].address.clientPort)), at: 1)
        var model = ClusterModel(members: members)
        var alias = SampleCluster.sample(sid: 1, mode: "follower", zxid: "0x100000064", received: 10)
        alias.resolvedKey = "127.0.0.1|\(members[0].address.clientPort)"
        model.apply(PollRound(timeMs: 1_763_790_010_000, samples: [
            alias, alias, SampleCluster.sample(sid: 2, mode: "leader", zxid: "0x100000065", received: 10),
            SampleCluster.sample(sid: 3, mode: "follower", zxid: "0x100000001", received: 10),
        ]))
        for (columns, rows) in Self.sizes {
            let state = SampleCluster.state(model, columns: columns, rows: rows)
            try Self.check("ensemble-aliases-\(columns)x\(rows)", Dashboard.render(state))
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
