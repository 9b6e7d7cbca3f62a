import DashboardUI
import EnsembleModel
import Foundation
import Testing
@testable import TerminalUI

/// Full-frame cost at 200×60 on a 7-node ensemble: `Dashboard.render` plus the
/// frame diff (the curses writes are not included). Prints RENDER_200x60_MS=.
@Suite struct RenderBenchmarkTests {
    static let members: [Member] = (1...7).map { Member(address: NodeAddress(host: "127.0.0.1", clientPort: 2180 + $0)) }

    static func sample(sid: Int, leader: Bool, received: Int) -> NodeSample {
        let mode = leader ? "leader" : (sid > 5 ? "observer" : "follower")
        var conf = "tickTime=2000\ndataDir=/d\nclientPort=\(2180 + sid)\nserverId=\(sid)\n"
        for n in 1...7 {
            conf += "server.\(n)=127.0.0.1:\(2887 + n):\(3887 + n):\(n > 5 ? "observer" : "participant");127.0.0.1:\(2180 + n)\n"
        }
        let srvr = """
        Zookeeper version: 3.8.0-abc, built on 2024-12-29 17:54 UTC
        Latency min/avg/max: 0/0.\(sid)/7
        Received: \(received)
        Sent: \(received)
        Connections: \(sid)
        Outstanding: 0
        Zxid: 0x1000\(String(format: "%05x", received))
        Mode: \(mode)
        Node count: 420

        """
        return NodeSample(answers: [
            .srvr: .success(srvr),
            .conf: .success(conf),
            .mntr: .success("zk_version\t3.8.0\nzk_server_state\t\(mode)\nzk_watch_count\t\(sid * 3)\nzk_ephemerals_count\t2\n"),
        ], durationMs: 2)
    }

    static func model(rounds: Int) -> ClusterModel {
        var model = ClusterModel(members: members)
        for round in 0..<rounds {
            model.apply(PollRound(timeMs: 1_763_790_000_000 + Int64(round) * 1000, samples: (1...7).map {
                sample(sid: $0, leader: $0 == 3, received: 100 + round * 37 * $0)
            }))
        }
        return model
    }

    @Test func fullFrameAt200x60() {
        var state = DashboardState(size: ScreenSize(columns: 200, rows: 60), cluster: Self.model(rounds: 120), targetDescription: "7 servers")
        state.nowMs = 1_763_790_120_000
        var previous: CellBuffer?
        var times: [Double] = []
        var writes = 0
        for run in 0..<200 {
            // Each frame differs (clock and selection move) so the diff has work to do.
            state.nowMs += 1000
            state.ensembleSelection = run % 7
            let start = DispatchTime.now().uptimeNanoseconds
            let frame = Dashboard.render(state)
            writes += FrameDiff.runs(from: previous, to: frame).count
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            previous = frame
        }
        times.sort()
        let median = times[times.count / 2]
        print(String(format: "RENDER_200x60_MS=%.3f (p90 %.3f, max %.3f; %d runs written over 200 frames)",
                     median, times[times.count * 9 / 10], times.last!, writes))
        #expect(writes > 0)
        #expect(previous?.text().contains("LEADING") == true)
    }
}
