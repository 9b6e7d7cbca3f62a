import Testing
@testable import ZooKeeperAdmin

/// A source that records which snapshots were asked for.
private final class FakeSource: FourLetterWordSource {
    var isServing = true
    var asked: [String] = []
    let stats = ServerStatsSnapshot(version: "3.8.0-zkdash", nodeCount: 4)

    func serverStats() -> ServerStatsSnapshot { asked.append("stats"); return stats }
    func connections() -> [ConnectionSnapshot] { asked.append("connections"); return [] }
    func monitor() -> MonitorSnapshot { asked.append("monitor"); return MonitorSnapshot(stats: stats) }
    func conf() -> ConfSnapshot {
        asked.append("conf")
        return ConfSnapshot(
            clientPort: 2181, dataDir: "/d", dataDirSizeBytes: 0, dataLogDir: "/d", dataLogSizeBytes: 0,
            tickTimeMs: 2000, maxClientCnxns: 60, minSessionTimeoutMs: 4000, maxSessionTimeoutMs: 40000)
    }
    func dump() -> DumpSnapshot {
        asked.append("dump")
        return DumpSnapshot(sessions: .init(buckets: []), ephemerals: [], connections: .init(buckets: []))
    }
    func watches() -> WatchSnapshot { asked.append("watches"); return WatchSnapshot(watches: []) }
    func environment() -> [EnvironmentEntry] { asked.append("environment"); return [EnvironmentEntry("k", "v")] }
    func directorySizes() -> (dataDirBytes: Int64, logDirBytes: Int64) { asked.append("dirs"); return (1, 2) }
}

@Suite struct FourLetterWordResponderTests {
    private let all = FourLetterWordWhitelist(parsing: "*")

    @Test func refusesWordsOutsideTheWhitelistWithoutAskingTheServer() {
        let source = FakeSource()
        let reply = FourLetterWords.respond(to: .dump, whitelist: .default, source: source)
        #expect(reply == FourLetterWordReply(text: "dump is not executed because it is not in the whitelist.\n"))
        #expect(source.asked.isEmpty)
    }

    @Test func srvrIsAlwaysAllowed() {
        let reply = FourLetterWords.respond(to: .srvr, whitelist: .default, source: FakeSource())
        #expect(reply.text.hasPrefix("Zookeeper version: 3.8.0-zkdash\n"))
    }

    @Test func notServingComesAfterTheWhitelist() {
        let source = FakeSource()
        source.isServing = false
        #expect(FourLetterWords.respond(to: .mntr, whitelist: all, source: source).text == FourLetterWords.notServing)
        #expect(FourLetterWords.respond(to: .isro, whitelist: all, source: source).text == "null")
        #expect(FourLetterWords.respond(to: .ruok, whitelist: all, source: source).text == "imok")
        #expect(FourLetterWords.respond(to: .envi, whitelist: all, source: source).text == "Environment:\nk=v\n")
        #expect(FourLetterWords.respond(to: .mntr, whitelist: .default, source: source).text
            == "mntr is not executed because it is not in the whitelist.\n")
        #expect(source.asked == ["environment"])
    }

    @Test func resetsCarryTheirEffect() {
        #expect(FourLetterWords.respond(to: .crst, whitelist: all, source: FakeSource())
            == FourLetterWordReply(text: "Connection stats reset.\n", effect: .resetConnectionStats))
        #expect(FourLetterWords.respond(to: .srst, whitelist: all, source: FakeSource())
            == FourLetterWordReply(text: "Server stats reset.\n", effect: .resetServerStats))
        #expect(FourLetterWords.respond(to: .stmk, whitelist: all, source: FakeSource(), stmkArgument: 2)
            == FourLetterWordReply(text: "2", effect: .setTraceMask(2)))
    }

    @Test func everyWordAnswersWhenServing() {
        for word in FourLetterWord.allCases {
            let reply = FourLetterWords.respond(to: word, whitelist: all, source: FakeSource())
            #expect(!reply.text.contains("not executed"), "\(word)")
            #expect(reply.text != FourLetterWords.notServing, "\(word)")
        }
        #expect(FourLetterWords.respond(to: .dirs, whitelist: all, source: FakeSource()).text
            == "datadir_size: 1\nlogdir_size: 2\n")
        #expect(FourLetterWords.respond(to: .gtmk, whitelist: all, source: FakeSource()).text == "306")
        #expect(FourLetterWords.respond(to: .hash, whitelist: all, source: FakeSource()).text == "")
    }
}
