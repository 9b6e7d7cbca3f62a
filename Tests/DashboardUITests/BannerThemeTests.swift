import EnsembleModel
import Testing
@testable import DashboardUI

/// The ensemble banner (row 2) keeps the banner's background in every cell,
/// whatever it says and whichever built-in theme draws it (issue 13 item 7).
@Suite("Banner: one background across the row")
struct BannerThemeTests {
    /// The banner's states: healthy, no quorum, a demo with the load on and
    /// off, before the first poll.
    static func screens() -> [(String, CellBuffer)] {
        var noQuorum = SampleCluster.state(SampleCluster.healthy(), columns: 80, rows: 24)
        let refused = NodeSample(answers: [.srvr: .failure(.connectionRefused)])
        noQuorum.cluster.apply(PollRound(timeMs: 1_763_790_009_000, samples: [refused, refused, refused, refused]))
        var loadOn = DemoKeyTests.demoState()
        loadOn.demo?.loadOn = true
        var firstPoll = SampleCluster.state(ClusterModel(members: SampleCluster.members), columns: 80, rows: 24)
        firstPoll.lastPollMs = 0
        return [
            ("healthy", Dashboard.render(SampleCluster.state(SampleCluster.healthy(), columns: 160, rows: 45))),
            ("failover", Dashboard.render(SampleCluster.state(SampleCluster.afterFailover(), columns: 80, rows: 24))),
            ("no quorum", Dashboard.render(noQuorum)),
            ("demo load off", Dashboard.render(DemoKeyTests.demoState())),
            ("demo load on", Dashboard.render(loadOn)),
            ("first poll", Dashboard.render(firstPoll)),
        ]
    }

    @Test(arguments: ThemeCatalog.builtInNames)
    func everyBannerCellHasTheBannerBackground(name: String) throws {
        let theme = try #require(ThemeCatalog.builtIn(name))
        for capability in [ColorCapability.none, .eight, .sixteen, .palette256] {
            let shown = theme.degraded(to: capability)
            let banner = shown.style(for: .banner)
            for (what, screen) in Self.screens() {
                for x in 0..<screen.size.columns {
                    let cell = screen[x, Layout.bannerRow]
                    let style = shown.style(for: cell.role)
                    #expect(style.background == banner.background && style.reverse == banner.reverse,
                            "\(name) at \(capability), \(what): column \(x) '\(cell.character)' is \(cell.role)")
                }
            }
        }
    }

    @Test func theBannerStillSaysWhatMatters() {
        let screens = Dictionary(uniqueKeysWithValues: Self.screens())
        let healthy = screens["healthy"]!
        let text = healthy.row(Layout.bannerRow)
        #expect(text.hasPrefix("leader s2 127.0.0.1:2182 · epoch 1"))
        #expect(text.hasSuffix("QUORUM OK"))
        // The leader's name and the verdict keep roles of their own, so themes colour them.
        let sidX = "leader ".count
        #expect(healthy[sidX, Layout.bannerRow].role == .bannerLeader)
        #expect(healthy[text.count - 1, Layout.bannerRow].role == .bannerOk)
        let alarm = screens["no quorum"]!
        #expect(alarm[0, Layout.bannerRow].role == .bannerAlarm)
    }
}
