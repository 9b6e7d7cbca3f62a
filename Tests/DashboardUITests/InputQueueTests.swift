import EnsembleModel
import Testing
@testable import DashboardUI

/// The dashboard's inbox is bounded and says what it dropped (issue 14: every
/// queue gets a bound and a defined behaviour at the bound).
struct InputQueueTests {
    static func round(_ timeMs: Int64) -> DashboardInput {
        .cluster(ClusterModel(members: []), newEvents: [MonitorEvent(timeMs: timeMs, kind: .state, text: "e\(timeMs)")])
    }

    static func demoEvent(_ n: Int) -> DashboardInput {
        .demo(.event(DemoEvent(timeMs: Int64(n), kind: .client, text: "client \(n)")))
    }

    @Test func pollRoundsCoalesceKeepingEveryNewEvent() {
        var queue = InputQueue(capacity: 8)
        for time in 0..<1000 { queue.post(Self.round(Int64(time))) }
        #expect(queue.count == 1)
        guard case .cluster(_, let events) = queue.drain().first else {
            Issue.record("no round")
            return
        }
        #expect(events.count == 1000 && events.first?.text == "e0" && events.last?.text == "e999")
        #expect(queue.drain().isEmpty)
    }

    @Test func treeFloodBecomesOneResync() {
        var queue = InputQueue(capacity: 8)
        queue.post(Self.round(1))
        for n in 0..<100 { queue.post(.tree(.changed(path: "/n\(n)", kind: .dataChanged))) }
        #expect(queue.count <= 8)
        let items = queue.drain()
        #expect(items.contains { if case .cluster = $0 { true } else { false } })
        #expect(items.contains { if case .tree(.connection(_, resync: true)) = $0 { true } else { false } })
        #expect(queue.droppedCount > 0)
    }

    @Test func demoNewsPastTheBoundIsCountedNotSilentlyLost() {
        var queue = InputQueue(capacity: 8)
        for n in 0..<50 { queue.post(Self.demoEvent(n)) }
        let items = queue.drain()
        #expect(items.count <= 8)
        let texts = items.compactMap { item -> String? in
            if case .demo(.event(let event)) = item { return event.text } else { return nil }
        }
        #expect(texts.contains { $0.hasSuffix("demo event(s) dropped: the dashboard fell behind") })
        // The newest news is kept.
        #expect(texts.contains("client 49"))
    }
}
