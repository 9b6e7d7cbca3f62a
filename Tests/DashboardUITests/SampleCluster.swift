import EnsembleModel
@testable import DashboardUI

/// A three-voter ensemble plus an observer, built from Apache-format answers,
/// polled `rounds` times so sparklines and rates have values.
enum SampleCluster {
    static let members: [Member] = (1...4).map { Member(address: NodeAddress(host: "127.0.0.1", clientPort: 2180 + $0)) }

    static func srvr(mode: String, zxid: String, received: Int, latencyAvg: String = "0.5") -> String {
        """
        Zookeeper version: 3.8.0-abc, built on 2024-12-29 17:54 UTC
        Latency min/avg/max: 0/\(latencyAvg)/7
        Received: \(received)
        Sent: \(received)
        Connections: 3
        Outstanding: 0
        Zxid: \(zxid)
        Mode: \(mode)
        Node count: 42

        """
    }

    static func conf(sid: Int) -> String {
        var text = "tickTime=2000\ndataDir=/d\nclientPort=\(2180 + sid)\nserverId=\(sid)\n"
        for n in 1...3 { text += "server.\(n)=127.0.0.1:\(2887 + n):\(3887 + n):participant;127.0.0.1:\(2180 + n)\n" }
        text += "server.4=127.0.0.1:2892:3892:observer;127.0.0.1:2184\n"
        return text
    }

    static func sample(sid: Int, mode: String, zxid: String, received: Int) -> NodeSample {
        NodeSample(answers: [
            .srvr: .success(srvr(mode: mode, zxid: zxid, received: received)),
            .conf: .success(conf(sid: sid)),
            .mntr: .success("zk_version\t3.8.0\nzk_server_state\t\(mode)\nzk_watch_count\t\(sid * 3)\nzk_ephemerals_count\t2\n"),
        ], durationMs: 2)
    }

    /// Healthy: s2 leads epoch 1; s3 lags 1,200 txns.
    static func healthy(rounds: Int = 5) -> ClusterModel {
        var model = ClusterModel(members: members)
        for round in 0..<rounds {
            let r = round * 40
            model.apply(PollRound(timeMs: 1_763_790_000_000 + Int64(round) * 1000, samples: [
                sample(sid: 1, mode: "follower", zxid: "0x100001388", received: 100 + r),
                sample(sid: 2, mode: "leader", zxid: "0x100001388", received: 300 + r * 3),
                sample(sid: 3, mode: "follower", zxid: "0x100000ed8", received: 50 + r / 2),
                sample(sid: 4, mode: "observer", zxid: "0x100001388", received: 20 + r / 4),
            ]))
        }
        return model
    }

    /// After `healthy`: s2 killed, then s3 elected in epoch 2.
    static func afterFailover() -> ClusterModel {
        var model = healthy()
        let notServing = FourLetterReply.notServingText + "\n"
        let down = NodeSample(answers: [.srvr: .failure(.connectionRefused)])
        model.apply(PollRound(timeMs: 1_763_790_005_000, samples: [
            NodeSample(answers: [.srvr: .success(notServing)]), down, NodeSample(answers: [.srvr: .success(notServing)]),
            NodeSample(answers: [.srvr: .success(notServing)]),
        ]))
        model.apply(PollRound(timeMs: 1_763_790_006_000, samples: [
            sample(sid: 1, mode: "follower", zxid: "0x200000000", received: 400),
            down,
            sample(sid: 3, mode: "leader", zxid: "0x200000000", received: 500),
            sample(sid: 4, mode: "observer", zxid: "0x200000000", received: 90),
        ]))
        return model
    }

    static func state(_ model: ClusterModel, columns: Int, rows: Int) -> DashboardState {
        var state = DashboardState(size: ScreenSize(columns: columns, rows: rows), cluster: model, targetDescription: "4 servers")
        state.lastPollMs = model.eventLog.events.last?.timeMs ?? 1_763_790_004_000
        state.nowMs = state.lastPollMs
        state.themeCount = 4
        return state
    }
}
