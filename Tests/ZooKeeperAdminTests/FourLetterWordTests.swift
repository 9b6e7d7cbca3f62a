import Testing
import ZooKeeperProtocol
@testable import ZooKeeperAdmin

@Suite struct FourLetterWordTests {
    @Test func recognisesApacheWordsFromTheFirstFourBytes() {
        #expect(FourLetterWords.isFourLetterWord(Array("ruok".utf8)) == "ruok")
        #expect(FourLetterWord(first4: Array("mntr".utf8)) == .mntr)
        #expect(FourLetterWord.allCases.count == 19)  // Apache's 18 and zkdash's vote
        for word in FourLetterWord.allCases {
            #expect(FourLetterWord(first4: Array(word.rawValue.utf8)) == word)
        }
    }

    @Test func otherBytesAreAConnectRequestLength() {
        #expect(FourLetterWords.isFourLetterWord([0, 0, 0, 44]) == nil)
        #expect(FourLetterWords.isFourLetterWord(Array("RUOK".utf8)) == nil)
        #expect(FourLetterWords.isFourLetterWord(Array("abcd".utf8)) == nil)
        #expect(FourLetterWords.isFourLetterWord(Array("ruo".utf8)) == nil)
        #expect(FourLetterWords.isFourLetterWord([0xff, 0xf4, 0xff, 0xfd]) == nil)  // telnet close: not a command
    }

    @Test func notServingRepliesFollowEachApacheCommand() {
        #expect(FourLetterWords.notServingReply(for: .ruok) == nil)
        #expect(FourLetterWords.notServingReply(for: .envi) == nil)
        #expect(FourLetterWords.notServingReply(for: .gtmk) == nil)
        #expect(FourLetterWords.notServingReply(for: .isro) == "null")
        #expect(FourLetterWords.notServingReply(for: .hash) == "This ZooKeeper instance is not currently serving requests")
        for word: FourLetterWord in [.conf, .cons, .crst, .dirs, .dump, .mntr, .srst, .srvr, .stat, .wchc, .wchp, .wchs] {
            #expect(FourLetterWords.notServingReply(for: word) == FourLetterWords.notServing)
            #expect(word.requiresRunningServer)
        }
    }

    @Test func lastOperationNamesAreApaches() {
        #expect(ConnectionSnapshot.lastOperationName(for: .ping) == "PING")
        #expect(ConnectionSnapshot.lastOperationName(for: .getData) == "GETD")
        #expect(ConnectionSnapshot.lastOperationName(for: .create2) == "CREA")
        #expect(ConnectionSnapshot.lastOperationName(for: .getChildren2) == "GETC")
        #expect(ConnectionSnapshot.lastOperationName(for: .getAllChildrenNumber) == "GETACN")
        #expect(ConnectionSnapshot.lastOperationName(for: .whoAmI) == "HOMI")
        #expect(ConnectionSnapshot.lastOperationName(for: .auth) == "NA")
    }

    @Test func socketAddressesLookLikeJava() {
        #expect(ConnectionSnapshot.javaSocketAddress(host: "127.0.0.1", port: 54321) == "/127.0.0.1:54321")
        #expect(ConnectionSnapshot.javaSocketAddress(host: "0:0:0:0:0:0:0:1", port: 2181) == "/[0:0:0:0:0:0:0:1]:2181")
    }

    @Test func consPrintsInterestOpsInHexAndOmitsUnsetCxid() {
        let c = ConnectionSnapshot(
            remoteAddress: "/[0:0:0:0:0:0:0:1]:40000", interestOps: 13, queuedRequests: 2, packetsReceived: 3,
            packetsSent: 1, sessionId: -2, lastOperation: "SESS", establishedEpochMs: 5, sessionTimeoutMs: 30000)
        #expect(FourLetterWords.cons([c]) ==
            " /[0:0:0:0:0:0:0:1]:40000[d](queued=2,recved=3,sent=1,sid=0xfffffffffffffffe,lop=SESS,est=5,to=30000,"
            + "lzxid=0xffffffffffffffff,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)\n\n")
        #expect(FourLetterWords.cons([]) == "\n")
    }

    @Test func statShowsReadOnlyLine() {
        let stats = ServerStatsSnapshot(version: "v", mode: .readOnly)
        let text = FourLetterWords.stat(stats, connections: [])
        #expect(text.hasPrefix("Zookeeper version: v\nREAD-ONLY mode; serving only read-only clients\nClients:\n\nLatency"))
        #expect(text.hasSuffix("Mode: read-only\nNode count: 0\n"))
    }

    @Test func expiryBucketsRoundUpToTheNextInterval() {
        let q = ExpiryQueueSnapshot(deadlines: [("a", 4000), ("b", 4001), ("c", 5999), ("d", 1)], intervalMs: 2000)
        #expect(q.buckets == [
            .init(expiresAtEpochMs: 2000, elements: ["d"]),
            .init(expiresAtEpochMs: 6000, elements: ["a", "b", "c"]),
        ])
        #expect(q.elementCount == 4)
    }

    @Test func emptyReports() {
        let empty = WatchSnapshot(watches: [])
        #expect(FourLetterWords.wchs(empty) == "0 connections watching 0 paths\nTotal watches:0\n")
        #expect(FourLetterWords.wchc(empty) == "\n")
        #expect(FourLetterWords.wchp(empty) == "\n")
        let dump = DumpSnapshot(sessions: .init(buckets: []), ephemerals: [], connections: .init(buckets: []))
        #expect(FourLetterWords.dump(dump) == """
            SessionTracker dump:
            Session Sets (0)/(0):
            ephemeral nodes dump:
            Sessions with Ephemerals (0):
            Connections dump:
            Connections Sets (0)/(0):

            """)
        #expect(FourLetterWords.hash([(zxid: 0x1a, digest: 1_371_985_504)]) == "1a: 1371985504\n")
        #expect(FourLetterWords.hash([]) == "")
    }

    @Test func duplicateWatchesCountOnce() {
        let w = WatchSnapshot(watches: [.init(sessionId: 1, path: "/a"), .init(sessionId: 1, path: "/a")])
        #expect(FourLetterWords.wchs(w) == "1 connections watching 1 paths\nTotal watches:1\n")
    }
}
