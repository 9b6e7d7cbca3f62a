import Testing
@testable import ZooKeeperAdmin

@Suite struct WhitelistTests {
    @Test func defaultAllowsOnlySrvr() {
        let w = FourLetterWordWhitelist.default
        #expect(w.words == [.srvr])
        #expect(w.allows("srvr"))
        #expect(!w.allows("ruok"))
        #expect(!w.allowsAll)
    }

    @Test func itemsAreTrimmedAndEmptyOnesSkipped() {
        let w = FourLetterWordWhitelist(parsing: " ruok , ,mntr,\tconf ,")
        #expect(w.words == [.ruok, .mntr, .conf, .srvr])
        #expect(w.unknownWords.isEmpty)
    }

    @Test func starEnablesEverything() {
        let w = FourLetterWordWhitelist(parsing: "ruok, * ,bogus")
        #expect(w.allowsAll)
        #expect(w.words == Set(FourLetterWord.allCases))
        // Apache stops reading at "*", so later items are never looked at.
        #expect(w.unknownWords.isEmpty)
    }

    @Test func srvrIsAlwaysEnabled() {
        #expect(FourLetterWordWhitelist(parsing: "ruok").allows(.srvr))
    }

    @Test func unknownAndWrongCaseWordsNeverMatch() {
        let w = FourLetterWordWhitelist(parsing: "RUOK,xyzw,stat")
        #expect(w.unknownWords == ["RUOK", "xyzw"])
        #expect(!w.allows("ruok"))
        #expect(!w.allows("RUOK"))
        #expect(w.allows("stat"))
    }
}
