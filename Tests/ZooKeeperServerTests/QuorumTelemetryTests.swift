import Foundation
import Logging
import QuorumCore
import Testing
import ZooKeeperAdmin
import ZooKeeperCore
@testable import ZooKeeperServer

/// What a quorum member's four-letter words say per role: the telemetry
/// snapshot turned into mntr's gauges and srvr's zxid, then a real member
/// answering while it looks for a quorum, and a two-member quorum.
@Suite(.serialized) struct QuorumTelemetryTests {
    static let version = "3.8.0-zkdash-0.1.0, built on 2026-11-22 00:00 UTC"

    static func telemetry(_ state: PeerState, phase: String? = "broadcast") -> QuorumTelemetry {
        var elections = SummaryMetric()
        elections.record(320)
        var report = QuorumTelemetry(
            peerState: state, zabPhase: state == .looking ? nil : phase,
            mode: state == .observing ? .observer : .follower,
            voteText: "state=\(state.rawValue)\n", electionTimes: elections, quorumSize: 3)
        switch state {
        case .leading:
            report.mode = .leader
            report.learners = 3
            report.syncedFollowers = 2
            report.syncedObservers = 1
            report.pendingSyncs = 0
            report.leaderEpochZxid = 0x2_0000_0000
        case .following, .observing:
            report.leaderId = 3
        case .looking:
            break
        }
        return report
    }

    /// The quorum lines of mntr, in order (everything but the standalone gauges).
    static func quorumLines(_ telemetry: QuorumTelemetry) -> String {
        let mntr = FourLetterWords.mntr(MonitorSnapshot(
            stats: ServerStatsSnapshot(version: version, mode: telemetry.mode), quorum: telemetry.monitorFigures))
        let keys = ["zk_server_state", "zk_peer_state", "zk_observer_master_id", "zk_synced_followers",
                    "zk_synced_non_voting_followers", "zk_synced_observers", "zk_pending_syncs", "zk_learners", "zk_quorum_size"]
        return mntr.split(separator: "\n").filter { line in keys.contains { line.hasPrefix($0 + "\t") } }
            .map { $0 + "\n" }.joined()
    }

    @Test func leaderGauges() {
        #expect(Self.quorumLines(Self.telemetry(.leading)) == """
            zk_server_state\tleader
            zk_peer_state\tleading - broadcast
            zk_synced_followers\t2
            zk_synced_non_voting_followers\t0
            zk_synced_observers\t1
            zk_pending_syncs\t0
            zk_learners\t3
            zk_quorum_size\t3

            """)
    }

    @Test func followerGauges() {
        #expect(Self.quorumLines(Self.telemetry(.following)) == """
            zk_server_state\tfollower
            zk_peer_state\tfollowing - broadcast
            zk_quorum_size\t3

            """)
        #expect(Self.quorumLines(Self.telemetry(.following, phase: "synchronization")).contains("following - synchronization"))
    }

    @Test func observerGauges() {
        #expect(Self.quorumLines(Self.telemetry(.observing)) == """
            zk_server_state\tobserver
            zk_peer_state\tobserving - broadcast
            zk_observer_master_id\t3
            zk_quorum_size\t3

            """)
    }

    @Test func lookingHasNoPhase() {
        #expect(Self.telemetry(.looking).monitorFigures.peerState == "looking")
    }

    @Test func aLeaderReportsItsEpochUntilItsFirstWrite() {
        let leader = Self.telemetry(.leading)
        #expect(leader.reportedZxid(treeZxid: 0x1_0000_0004) == 0x2_0000_0000)
        #expect(leader.reportedZxid(treeZxid: 0x2_0000_0003) == 0x2_0000_0003)
        #expect(Self.telemetry(.following).reportedZxid(treeZxid: 0x1_0000_0004) == 0x1_0000_0004)
    }

    // MARK: - real members

    static let logger: Logger = {
        var logger = Logger(label: "test.quorum")
        logger.logLevel = .critical
        return logger
    }()

    struct Member {
        var sid: Int
        var dir: String
        var clientPort: Int
    }

    /// Writes zoo.cfg and myid for `voters` members on loopback.
    static func members(_ voters: Int) throws -> [Member] {
        let base = NSTemporaryDirectory() + "zkdash-quorumtest-\(UUID().uuidString)"
        var members: [Member] = []
        var serverLines: [String] = []
        for sid in 1...voters {
            let member = Member(sid: sid, dir: base + "/s\(sid)", clientPort: TestSocket.freePort())
            try FileManager.default.createDirectory(atPath: member.dir, withIntermediateDirectories: true)
            try "\(sid)\n".write(toFile: member.dir + "/myid", atomically: true, encoding: .utf8)
            serverLines.append("server.\(sid)=127.0.0.1:\(TestSocket.freePort()):\(TestSocket.freePort());127.0.0.1:\(member.clientPort)")
            members.append(member)
        }
        for member in members {
            try (["tickTime=100", "initLimit=10", "syncLimit=5", "dataDir=\(member.dir)", "clientPort=\(member.clientPort)",
                  "clientPortAddress=127.0.0.1", "4lw.commands.whitelist=*"] + serverLines)
                .joined(separator: "\n").write(toFile: member.dir + "/zoo.cfg", atomically: true, encoding: .utf8)
        }
        return members
    }

    /// Polls without holding a thread of the shared test pool (2 on a 2-core
    /// CI machine): a blocked pool thread starved other suites' clients of
    /// their pings.
    static func waitFor(_ seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    @Test func aLoneMemberAnswersVoteWhileOtherWordsSayNotServing() throws {
        let members = try Self.members(3)
        defer { try? FileManager.default.removeItem(atPath: (members[0].dir as NSString).deletingLastPathComponent) }
        let server = try StandaloneServer.start(configPath: members[0].dir + "/zoo.cfg", logger: Self.logger)
        defer { server.stop() }
        let port = members[0].clientPort
        let vote = try TestSocket.fourLetterWord("vote", port: port)
        #expect(vote.hasPrefix("state=LOOKING\nround=1\nvote leader=1 zxid=0x0 epoch=0 round=1\n"), "\(vote)")
        for word in ["srvr", "mntr", "conf", "stat", "cons"] {
            #expect(try TestSocket.fourLetterWord(word, port: port) == FourLetterWords.notServing, "\(word)")
        }
        #expect(try TestSocket.fourLetterWord("ruok", port: port) == "imok")
        #expect(try TestSocket.fourLetterWord("isro", port: port) == "null")
    }

    @Test func twoOfThreeMembersReportTheirRoles() async throws {
        let members = try Self.members(3)
        defer { try? FileManager.default.removeItem(atPath: (members[0].dir as NSString).deletingLastPathComponent) }
        let servers = try members.prefix(2).map { try StandaloneServer.start(configPath: $0.dir + "/zoo.cfg", logger: Self.logger) }
        defer { servers.forEach { $0.stop() } }
        func srvr(_ member: Member) -> String { (try? TestSocket.fourLetterWord("srvr", port: member.clientPort)) ?? "" }
        #expect(await Self.waitFor(20) {
            let modes = members.prefix(2).map(srvr)
            return modes.contains { $0.contains("Mode: leader") } && modes.contains { $0.contains("Mode: follower") }
        })
        // Both voted for s2 (higher sid, same zxid).
        let leader = members[1], follower = members[0]
        let leaderMntr = try TestSocket.fourLetterWord("mntr", port: leader.clientPort)
        #expect(leaderMntr.contains("zk_server_state\tleader\nzk_peer_state\tleading - broadcast\n"))
        #expect(leaderMntr.contains("zk_synced_followers\t1\n") && leaderMntr.contains("zk_learners\t1\n"))
        #expect(leaderMntr.contains("zk_quorum_size\t3\n"))
        // One election per decision the leader took: usually one, two when a
        // loaded machine made it look again (its `vote` lists each).
        let elections = leaderMntr.split(separator: "\n").first { $0.hasPrefix("zk_cnt_election_time\t") }
            .flatMap { Int($0.split(separator: "\t").last ?? "") }
        let decided = try TestSocket.fourLetterWord("vote", port: leader.clientPort).split(separator: "\n").filter { $0.hasPrefix("election ") }
        #expect((elections ?? 0) >= 1 && elections == decided.count, "\(leaderMntr)")
        let followerMntr = try TestSocket.fourLetterWord("mntr", port: follower.clientPort)
        #expect(followerMntr.contains("zk_server_state\tfollower\nzk_peer_state\tfollowing - broadcast\n"))
        #expect(!followerMntr.contains("zk_learners"))
        // A leader that has written nothing yet reports its epoch's first zxid.
        #expect(srvr(leader).contains("Zxid: 0x100000000\n"))

        let conf = try TestSocket.fourLetterWord("conf", port: follower.clientPort)
        #expect(conf.contains("serverId=1\ninitLimit=10\nsyncLimit=5\nelectionAlg=3\n"))
        #expect(conf.contains("peerType=0\nmembership: \nserver.1=127.0.0.1:"))
        #expect(conf.hasSuffix(":participant;127.0.0.1:\(members[2].clientPort)\nversion=0"))

        let leaderVote = try TestSocket.fourLetterWord("vote", port: leader.clientPort)
        #expect(leaderVote.hasPrefix("state=LEADING\n"))
        #expect(leaderVote.contains("\nvote leader=2 "))
        #expect(leaderVote.split(separator: "\n").last?.hasSuffix(" winner=2") == true)
        let followerVote = try TestSocket.fourLetterWord("vote", port: follower.clientPort)
        #expect(followerVote.hasPrefix("state=FOLLOWING\n") && followerVote.contains("\nvote leader=2 "))
    }
}
