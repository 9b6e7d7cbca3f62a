import Testing
import ZooKeeperAdmin
@testable import EnsembleModel

/// The parsers on real Apache 3.8 answers.
struct ServerStatusParserTests {
    @Test func leaderSrvr() throws {
        let report = try #require(ServerStatusReport.parse(Fixture.text("leader.srvr.txt")).report)
        #expect(report.state == .leading)
        #expect(report.zxid == Zxid(epoch: 1, counter: 11))
        #expect(report.zxid?.hex == "0x10000000b")
        #expect(report.latencyMinMs == 0 && report.latencyAvgMs == 3.7333 && report.latencyMaxMs == 12)
        #expect(report.packetsReceived == 20 && report.packetsSent == 19)
        #expect(report.connections == 2 && report.outstanding == 0 && report.nodeCount == 12)
        #expect(report.version?.hasPrefix("3.8.0") == true)
    }

    @Test(arguments: [("follower", NodeState.following), ("observer", .observing), ("standalone", .standalone), ("leader", .leading)])
    func modes(role: String, state: NodeState) throws {
        #expect(try #require(ServerStatusReport.parse(Fixture.text("\(role).srvr.txt")).report).state == state)
        // `stat` has a Clients: block before the same summary lines.
        #expect(try #require(ServerStatusReport.parse(Fixture.text("\(role).stat.txt")).report).state == state)
    }

    @Test func notServingAndRefused() {
        #expect(ServerStatusReport.parse(Fixture.text("looking.srvr.txt")) == .notServing)
        #expect(MonitorReport.parse(Fixture.text("looking.mntr.txt")) == .notServing)
        #expect(ConfReport.parse(Fixture.text("looking.conf.txt")) == .notServing)
        #expect(MonitorReport.parse(Fixture.text("default-whitelist.mntr.txt")) == .refused(word: "mntr"))
        #expect(ConfReport.parse(Fixture.text("default-whitelist.conf.txt")) == .refused(word: "conf"))
        #expect(ConnectionsReport.parse(Fixture.text("default-whitelist.cons.txt")) == .refused(word: "cons"))
        #expect(WatchSummaryReport.parse(Fixture.text("default-whitelist.wchs.txt")) == .refused(word: "wchs"))
        #expect(ServerStatusReport.parse(Fixture.text("default-whitelist.srvr.txt")).report?.state == .following)
    }

    @Test func garbageIsKept() {
        #expect(ServerStatusReport.parse("hello\n") == .unreadable(raw: "hello\n"))
        #expect(ServerStatusReport.parse("Mode: wizard\n") == .unreadable(raw: "Mode: wizard\n"))
        #expect(ServerStatusReport.parse("") == .unreadable(raw: ""))
        #expect(MonitorReport.parse("zk_nothing\t1\n") == .unreadable(raw: "zk_nothing\t1\n"))
        #expect(WatchSummaryReport.parse("3 connections\n") == .unreadable(raw: "3 connections\n"))
    }
}

struct MonitorReportParserTests {
    @Test func leaderMntr() throws {
        let mntr = try #require(MonitorReport.parse(Fixture.text("leader.mntr.txt")).report)
        #expect(mntr.state == .leading)
        #expect(mntr.peerState == "leading - broadcast")
        #expect(mntr.learners == 3 && mntr.syncedFollowers == 2 && mntr.quorumSize == 3)
        #expect(mntr.electionTimeCount == 1 && mntr.electionTimeSumMs == 320)
        #expect(mntr.packetsReceived == 22)
        #expect(mntr.allValues.count > 400 && mntr.allValues["zk_p99_quorum_ack_latency"] == "7")
    }

    @Test(arguments: [("follower", NodeState.following), ("observer", .observing), ("standalone", .standalone)])
    func states(role: String, state: NodeState) throws {
        let mntr = try #require(MonitorReport.parse(Fixture.text("\(role).mntr.txt")).report)
        #expect(mntr.state == state)
        #expect(mntr.znodeCount != nil && mntr.watchCount != nil)
    }
}

struct ConfParserTests {
    @Test func quorumMembership() throws {
        let conf = try #require(ConfReport.parse(Fixture.text("follower.conf.txt")).report)
        #expect(conf.serverId == 1)
        #expect(conf.members.map(\.sid) == [1, 2, 3, 4])
        #expect(conf.participants.count == 3)
        #expect(conf.members[3].role == .observer)
        #expect(conf.members[1].clientHost == "127.0.0.1" && conf.members[1].clientPort == 24104)
        #expect(conf.ownEntry?.clientPort == conf.clientPort)
    }

    @Test func standaloneHasNoId() throws {
        let conf = try #require(ConfReport.parse(Fixture.text("standalone.conf.txt")).report)
        #expect(conf.serverId == nil && conf.members.isEmpty && conf.clientPort != nil)
    }

    @Test func plainServerLinesHaveNoClientPort() throws {
        let conf = try #require(ConfReport.parse(Fixture.text("plain-lines.conf.txt")).report)
        #expect(conf.members.count == 3 && conf.members.allSatisfy { $0.clientPort == nil })
    }
}

struct ConnectionAndWatchParserTests {
    @Test func cons() throws {
        let cons = try #require(ConnectionsReport.parse(Fixture.text("follower.cons.txt")).report)
        #expect(cons.connections.count == 2)
        #expect(cons.connections[0].remoteAddress == "127.0.0.1:48166")
        #expect(cons.connections[0].sessionId == 0x10000988dce0000)
        #expect(cons.connections[0].lastOperation == "EXIS" && cons.connections[0].timeoutMs == 10000)
        #expect(cons.connections[1].sessionId == nil && cons.connections[1].received == 1)
    }

    @Test func dumpSessionsWithEphemerals() throws {
        let dump = try #require(EphemeralsReport.parse(Fixture.text("standalone.dump.txt")).report)
        #expect(dump.sessions == [
            .init(sessionId: 0x10003a039f10001, paths: ["/lock-0000000002"]),
            .init(sessionId: 0x10003a039f10000, paths: ["/e1", "/e2"]),
        ])
        #expect(dump.ephemeralCount == 3)
        // No ephemerals at all is a report too; the refusal and other words are not.
        let none = "SessionTracker dump:\nSession Sets (0)/(0):\nephemeral nodes dump:\nSessions with Ephemerals (0):\nConnections dump:\n"
        #expect(EphemeralsReport.parse(none).report == EphemeralsReport(sessions: []))
        #expect(EphemeralsReport.parse("dump is not executed because it is not in the whitelist.\n") == .refused(word: "dump"))
        #expect(EphemeralsReport.parse(Fixture.text("follower.cons.txt")).report == nil)
    }

    @Test func wchs() throws {
        let wchs = try #require(WatchSummaryReport.parse(Fixture.text("follower.wchs.txt")).report)
        #expect(wchs == WatchSummaryReport(connections: 1, paths: 2, totalWatches: 2))
    }
}

struct AdminServerParserTests {
    @Test func leaderCommand() throws {
        let leader = try AdminServerReports.decode(AdminServerReports.Leader.self, from: Fixture.bytes("leader.admin.leader.json")).get()
        #expect(leader.isLeader == true && leader.leaderId == 3 && leader.error == nil)
        let follower = try AdminServerReports.decode(AdminServerReports.Leader.self, from: Fixture.bytes("follower.admin.leader.json")).get()
        #expect(follower.isLeader == false && follower.leaderId == 3)
        let looking = try AdminServerReports.decode(AdminServerReports.Leader.self, from: Fixture.bytes("looking.admin.leader.json")).get()
        #expect(looking.leaderId == nil && looking.error == FourLetterReply.notServingText)
    }

    @Test func zabState() throws {
        let zab = try AdminServerReports.decode(AdminServerReports.ZabState.self, from: Fixture.bytes("leader.admin.zabstate.json")).get()
        #expect(zab.myid == 3 && zab.isLeader == true && zab.zabState == "broadcast")
        #expect(zab.clientPort == 24218 && zab.lastZxid == "0x10000000b")
        let looking = try AdminServerReports.decode(AdminServerReports.ZabState.self, from: Fixture.bytes("looking.admin.zabstate.json")).get()
        #expect(looking.voting == false && looking.myid == nil)
    }

    @Test func identityAndGarbage() throws {
        let identity = try AdminServerReports.decode(AdminServerReports.Identity.self, from: Fixture.bytes("leader.admin.conf.json")).get()
        #expect(identity == AdminServerReports.Identity(clientPort: 24218, serverId: 3))
        let html = Array("<html>500</html>".utf8)
        #expect(throws: AdminServerReports.ParseError.self) {
            try AdminServerReports.decode(AdminServerReports.Leader.self, from: html).get()
        }
    }
}

struct TelemetryParserTests {
    @Test func voteWord() throws {
        let text = """
            state=LOOKING
            round=3
            vote leader=3 zxid=0x100000008 epoch=1 round=3
            received from=1 leader=3 zxid=0x100000008 epoch=1 round=3 state=LOOKING age_ms=12
            received from=2 leader=2 zxid=0x100000007 epoch=1 round=3 state=LOOKING
            election start_ms=1763790000000 duration_ms=412 rounds=2 winner=3

            """
        let telemetry = try #require(ElectionTelemetry.parse(text).report)
        #expect(telemetry.state == .looking && telemetry.round == 3)
        #expect(telemetry.currentVote?.leader == 3 && telemetry.currentVote?.zxid == Zxid(epoch: 1, counter: 8))
        #expect(telemetry.received.map(\.from) == [1, 2] && telemetry.received[0].ageMs == 12)
        #expect(telemetry.elections == [.init(startMs: 1_763_790_000_000, durationMs: 412, rounds: 2, winner: 3)])
        #expect(ElectionTelemetry.parse("vote is not executed because it is not in the whitelist.\n") == .refused(word: "vote"))
        #expect(ElectionTelemetry.parse("vote leader=x\n") == .unreadable(raw: "vote leader=x\n"))
    }
}

struct ServerListParserTests {
    @Test func entries() throws {
        #expect(try ServerListParser.parse("127.0.0.1:2181, localhost:2182@8081,[::1]:2183,zk1") == [
            NodeAddress(host: "127.0.0.1", clientPort: 2181),
            NodeAddress(host: "localhost", clientPort: 2182, adminPort: 8081),
            NodeAddress(host: "::1", clientPort: 2183),
            NodeAddress(host: "zk1", clientPort: 2181),
        ])
        #expect(NodeAddress(host: "::1", clientPort: 2183).description == "[::1]:2183")
    }

    @Test(arguments: ["", ",", "h:notaport", "h:0", "h:70000", "::1:2181", "[::1:2181", "bad host:1", "h:1@x", "a..b:1", "-a:1", "[h]:1", "h:1,,h:2"])
    func rejects(_ list: String) {
        #expect(throws: ServerListError.self) { try ServerListParser.parse(list) }
    }

    @Test func zxid() {
        #expect(Zxid(text: "0x100000003") == Zxid(epoch: 1, counter: 3))
        #expect(Zxid(text: " 0x0 ") == Zxid(rawValue: 0))
        #expect(Zxid(text: "0xZZ") == nil)
        #expect(Zxid(epoch: 2, counter: 5).epochColonCounter == "2:5")
    }
}
