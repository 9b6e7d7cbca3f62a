@_exported import EnsembleModel
import Foundation
import NIOCore
import NIOPosix

/// The monitor as the commands use it: the pure model plus the poller, one
/// `pollRound()` at a time. Each round asks every member concurrently and
/// applies the answers; when discovery added members, they are polled at once
/// so the first answer already shows the whole ensemble.
public actor EnsembleMonitor {
    public private(set) var model: ClusterModel
    private let poller: EnsemblePoller

    public init(members: [Member], settings: MonitorSettings, pollerSettings: PollerSettings) {
        model = ClusterModel(members: members, settings: settings)
        poller = EnsemblePoller(settings: pollerSettings)
    }

    /// Polls once (twice if discovery found new members); returns the new events.
    @discardableResult
    public func pollRound() async -> [MonitorEvent] {
        var events = await pollOnce()
        if model.hasUnpolledMembers { events += await pollOnce() }
        return events
    }

    private func pollOnce() async -> [MonitorEvent] {
        let startedMs = Self.wallClockMs()
        let requests = model.pollRequests()
        let samples = await poller.poll(requests, memberCount: model.members.count)
        return model.apply(PollRound(timeMs: startedMs, completedMs: Self.wallClockMs(), samples: samples))
    }

    /// `cons` from every node each round, or not (the Clients view).
    public func setWantsConnectionDetail(_ wanted: Bool) {
        model.setWantsConnectionDetail(wanted)
    }

    /// Wall-clock milliseconds since 1970 (event timestamps are read by people).
    public static func wallClockMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}
