import Foundation
import Testing
import ZooKeeperAdmin
@testable import EnsembleModel

/// The cluster model on samples built from real Apache 3.8 answers.
struct ClusterModelTests {
    /// The captured ensemble: sids 1-3 vote (3 leads), 4 observes.
    static let ensemble: [Member] = [
        Member(address: NodeAddress(host: "127.0.0.1", clientPort: 24723)),
        Member(address: NodeAddress(host: "127.0.0.1", clientPort: 24104)),
        Member(address: NodeAddress(host: "127.0.0.1", clientPort: 24218)),
        Member(address: NodeAddress(host: "127.0.0.1", clientPort: 24216)),
    ]

    static func srvr(mode: String, zxid: String, received: Int = 10, sent: Int = 10) -> String {
        """
        Zookeeper version: 3.8.0-test, built on 2024-12-29 17:54 UTC
        Latency min/avg/max: 0/1.5/4
        Received: \(received)
        Sent: \(sent)
        Connections: 1
        Outstanding: 0
        Zxid: \(zxid)
        Mode: \(mode)
        Node count: 12

        """
    }

    /// The follower's conf answer as node `sid` would give it.
    static func conf(sid: Int) -> String {
        Fixture.text("follower.conf.txt").replacingOccurrences(of: "serverId=1", with: "serverId=\(sid)")
    }

    static func node(sid: Int, srvr: String, admin: AdminSample? = nil) -> NodeSample {
        NodeSample(answers: [.srvr: .success(srvr), .conf: .success(conf(sid: sid))], admin: admin)
    }

    static let refused = NodeSample(answers: [.srvr: .failure(.connectionRefused), .conf: .failure(.connectionRefused)])

    static func healthyRound(at timeMs: Int64 = 1_000) -> PollRound {
        var follower2 = Fixture.sample(role: "follower")
        follower2.answers[.conf] = .success(conf(sid: 2))
        return PollRound(timeMs: timeMs, samples: [
            Fixture.sample(role: "follower"), follower2, Fixture.sample(role: "leader"), Fixture.sample(role: "observer"),
        ])
    }

    /// A reconfiguration seen in the leader's `conf`: Apache's first-leader
    /// version stamp is no event; an observer joining is one (and, with
    /// discovery, a new row); its leaving is one too, and its row drops out.
    @Test func reconfigurationsAreEventsAndDepartedMembersDropOut() {
        var model = ClusterModel(members: Self.ensemble, settings: MonitorSettings(discoverMembers: true))
        model.apply(Self.healthyRound())
        #expect(model.membershipVersion == 0)
        let leaderConf = Fixture.text("leader.conf.txt")
        func round(_ timeMs: Int64, _ conf: String) -> PollRound {
            var round = Self.healthyRound(at: timeMs)
            round.samples[2]?.answers[.conf] = .success(conf)
            return round
        }
        let stamped = leaderConf.replacingOccurrences(of: "version=0", with: "version=100000000")
        _ = model.apply(round(2_000, stamped))
        #expect(model.membershipVersion == 0x1_0000_0000)
        #expect(!model.eventLog.events.contains { $0.text.hasPrefix("reconfiguration") })
        let joined = stamped.replacingOccurrences(
            of: "version=100000000", with: "server.5=127.0.0.1:24990:24991:observer;127.0.0.1:24992\nversion=100000004")
        let joinEvents = model.apply(round(3_000, joined))
        #expect(joinEvents.map(\.text).contains(
            "reconfiguration 0x100000004: s1 s2 s3 s4 s5 (was s1 s2 s3 s4): s5 joined as observer"))
        #expect(model.rows.count == 5 && model.members.last?.address.clientPort == 24992)
        let left = stamped.replacingOccurrences(of: "version=100000000", with: "version=100000005")
        let leaveEvents = model.apply(round(4_000, left))
        #expect(leaveEvents.map(\.text).contains("reconfiguration 0x100000005: s1 s2 s3 s4 (was s1 s2 s3 s4 s5): s5 left"))
        #expect(model.rows.count == 4)
        // An older version reported later (a lagging member) changes nothing.
        _ = model.apply(round(5_000, joined))
        #expect(model.membershipVersion == 0x1_0000_0005 && model.rows.count == 4)
    }

    /// Every member holds the same ephemerals: `dump` goes to the leader
    /// alone, only while the Clients view wants connection detail.
    @Test func dumpIsAskedOfTheLeaderOnlyWhileConnectionDetailIsWanted() {
        var model = ClusterModel(members: Self.ensemble)
        model.apply(Self.healthyRound())
        #expect(model.pollRequests().allSatisfy { !$0.words.contains(.dump) })
        model.setWantsConnectionDetail(true)
        #expect(model.pollRequests().map { $0.words.contains(.dump) } == [false, false, true, false])
        #expect(model.pollRequests().allSatisfy { $0.words.contains(.cons) })
    }

    @Test func healthyEnsembleFromRealAnswers() {
        var model = ClusterModel(members: Self.ensemble)
        model.apply(Self.healthyRound())
        let summary = model.summary
        #expect(summary.leaderIndex == 2 && summary.leaderCount == 1)
        #expect(model.nodes.map(\.sid) == [1, 2, 3, 4])
        #expect(model.nodes.map(\.state) == [.following, .following, .leading, .observing])
        #expect(model.nodes[3].role == .observer && model.nodes[0].role == .participant)
        #expect(summary.epoch == 1)
        #expect(summary.hasQuorum && summary.votersUp == 3 && summary.votersTotal == 3 && summary.majority == 2)
        #expect(summary.membershipSource == .conf)
        #expect(summary.voteSource == .adminServer)
        #expect(summary.tally == [.init(candidate: "s3", votes: 3)])
        #expect(model.nodes[0].zxid == Zxid(epoch: 1, counter: 11) && model.nodes[0].lagTxns == 0)
        #expect(model.nodes[2].learners == 3 && model.nodes[0].watches == 3)  // mntr's zk_watch_count
        #expect(summary.problem == nil)
    }

    @Test func leaderKilledThenNewLeaderElected() {
        var model = ClusterModel(members: Self.ensemble)
        model.apply(Self.healthyRound(at: 1_000))
        let notServing = FourLetterReply.notServingText + "\n"
        let lost = model.apply(PollRound(timeMs: 2_000, samples: [
            Self.node(sid: 1, srvr: notServing), Self.node(sid: 2, srvr: notServing), Self.refused,
            Self.node(sid: 4, srvr: notServing),
        ]))
        #expect(model.nodes[2].state == .down && model.nodes[2].reason == "connection refused")
        #expect(model.nodes[0].state == .notServing)
        #expect(!model.summary.hasQuorum && model.summary.leaderIndex == nil)
        #expect(lost.map(\.text).contains("s3 LEADING → DOWN (connection refused)"))
        #expect(lost.map(\.text).contains("s1 FOLLOWING → NOT SERVING"))
        #expect(lost.contains { $0.kind == .quorum && $0.text.hasPrefix("quorum lost") })

        let elected = model.apply(PollRound(timeMs: 2_500, samples: [
            Self.node(sid: 1, srvr: Self.srvr(mode: "follower", zxid: "0x200000000")),
            Self.node(sid: 2, srvr: Self.srvr(mode: "leader", zxid: "0x200000000")),
            Self.refused,
            Self.node(sid: 4, srvr: Self.srvr(mode: "observer", zxid: "0x200000000")),
        ]))
        #expect(model.summary.leaderIndex == 1 && model.summary.epoch == 2 && model.summary.hasQuorum)
        #expect(model.summary.votersUp == 2 && model.summary.voteSource == .modes)
        #expect(model.summary.tally == [.init(candidate: "s2", votes: 2)])
        #expect(elected.contains { $0.kind == .election && $0.text == "s2 elected (epoch 2) — no leader seen for 500 ms" })
        #expect(elected.contains { $0.text.hasPrefix("quorum regained: 2 of 3") })
        // The first line records the initial states; then only what changed.
        #expect(model.eventLog.events.first?.kind == .initial)
        #expect(model.eventLog.events.count == 1 + lost.count + elected.count)
    }

    @Test func loneSurvivorIsNotServingAndLookingWhenTelemetrySaysSo() {
        let members = Self.ensemble.prefix(3).map { $0 }
        var model = ClusterModel(members: members)
        model.apply(PollRound(timeMs: 0, samples: [
            NodeSample(answers: [.srvr: .success(Fixture.text("looking.srvr.txt")), .mntr: .success(Fixture.text("looking.mntr.txt"))]),
            Self.refused, Self.refused,
        ]))
        #expect(model.nodes[0].state == .notServing)
        #expect(!model.summary.hasQuorum && model.summary.problem == "no leader (0 of 3 voters serving)")

        model.apply(PollRound(timeMs: 1_000, samples: [
            NodeSample(answers: [
                .srvr: .success(Fixture.text("looking.srvr.txt")),
                .vote: .success("state=LOOKING\nround=4\nvote leader=1 zxid=0x100000004 epoch=1 round=4\n"),
            ]),
            Self.refused, Self.refused,
        ]))
        #expect(model.nodes[0].state == .looking)
        #expect(model.nodes[0].vote == 1 && model.nodes[0].voteSource == .telemetry)
        #expect(model.summary.voteSource == .telemetry && model.summary.tally == [.init(candidate: "s1", votes: 1)])
    }

    @Test func defaultWhitelistRefusesWordsAndTheyAreAskedAgainLater() {
        var model = ClusterModel(members: [Member(address: NodeAddress(host: "127.0.0.1", clientPort: 24702))],
                                 settings: MonitorSettings(reprobeRefusedAfterRounds: 3, confEveryRounds: 3, wantsConnectionDetail: true))
        // wchs only stands in for a refused mntr.
        #expect(model.pollRequests()[0].words == [.srvr, .mntr, .conf, .cons])
        model.apply(PollRound(timeMs: 0, samples: [Fixture.sample(role: "default-whitelist", admin: false)]))
        #expect(model.nodes[0].state == .following)
        #expect(model.nodes[0].refusedWords == [.mntr, .conf, .cons, .wchs])
        // dump is asked once the node is known to serve (the Clients view's sessions).
        #expect(model.pollRequests()[0].words == [.srvr, .dump])
        #expect(model.nodes[0].sid == nil)
        model.apply(PollRound(timeMs: 1_000, samples: [NodeSample(answers: [.srvr: .success(Fixture.text("default-whitelist.srvr.txt"))])]))
        // Not asked this round, still refused.
        #expect(model.nodes[0].refusedWords == [.mntr, .conf, .cons, .wchs])
        model.apply(PollRound(timeMs: 2_000, samples: [NodeSample(answers: [.srvr: .success(Fixture.text("default-whitelist.srvr.txt"))])]))
        #expect(model.pollRequests()[0].words == [.srvr, .mntr, .conf, .cons, .dump, .wchs])
    }

    /// A reconfiguration shows within a round: the leader's conf is asked
    /// every round, the others' every confEveryRounds.
    @Test func theLeadersConfIsAskedEveryRound() throws {
        var model = ClusterModel(members: Self.ensemble)
        model.apply(Self.healthyRound())
        model.apply(Self.healthyRound())
        let leader = try #require(model.nodes.firstIndex { $0.state == .leading })
        let requests = model.pollRequests()
        #expect(requests.first { $0.memberIndex == leader }?.words.contains(.conf) == true)
        #expect(requests.filter { $0.memberIndex != leader }.allSatisfy { !$0.words.contains(.conf) })
    }

    @Test func refusedSrvrWithoutOtherSourcesIsRefused() {
        var model = ClusterModel(members: [Member(address: NodeAddress(host: "127.0.0.1", clientPort: 1))])
        model.apply(PollRound(timeMs: 0, samples: [NodeSample(answers: [
            .srvr: .success("srvr is not executed because it is not in the whitelist.\n"),
            .mntr: .success("mntr is not executed because it is not in the whitelist.\n"),
        ])]))
        #expect(model.nodes[0].state == .refused && model.nodes[0].reason == "srvr not in 4lw.commands.whitelist")
        #expect(model.nodes[0].refusedWords == [.srvr, .mntr])
    }

    @Test func discoveryFromOneSeed() {
        var model = ClusterModel(members: [Self.ensemble[0]], settings: MonitorSettings(discoverMembers: true))
        let events = model.apply(PollRound(timeMs: 0, samples: [Fixture.sample(role: "follower")]))
        #expect(model.members.map(\.address.clientPort) == [24723, 24104, 24218, 24216])
        #expect(model.members[1...].allSatisfy { $0.origin == .discovered })
        #expect(model.members[3].configuredRole == .observer)
        #expect(model.hasUnpolledMembers)
        #expect(events.map(\.text).contains("discovered s3 at 127.0.0.1:24218 (participant) in s1's conf"))
        model.apply(Self.healthyRound())
        #expect(!model.hasUnpolledMembers && model.summary.hasQuorum && model.members.count == 4)
    }

    @Test func duplicatesArePolledAndCountedOnce() {
        let members = [
            Member(address: NodeAddress(host: "zk1", clientPort: 2181)),
            Member(address: NodeAddress(host: "ZK1", clientPort: 2181)),
            Member(address: NodeAddress(host: "localhost", clientPort: 2181)),
        ]
        var model = ClusterModel(members: members)
        #expect(model.members[1].duplicateOf == 0)
        #expect(model.pollRequests().map(\.memberIndex) == [0, 2])
        let standalone = NodeSample(answers: [.srvr: .success(Self.srvr(mode: "standalone", zxid: "0x5"))], resolvedKey: "127.0.0.1|2181")
        model.apply(PollRound(timeMs: 0, samples: [standalone, nil, standalone]))
        #expect(model.members[2].duplicateOf == 0)
        #expect(model.nodes[1].duplicateOf?.description == "zk1:2181" && model.nodes[2].state == .standalone)
        // One standalone server, listed three times, is still one healthy server.
        #expect(model.summary.hasQuorum && model.summary.votersTotal == 1)
    }

    @Test func standaloneServers() {
        var one = ClusterModel(members: [Self.ensemble[0]])
        one.apply(PollRound(timeMs: 0, samples: [Fixture.sample(role: "standalone", words: [.srvr, .mntr, .conf])]))
        #expect(one.summary.hasQuorum && one.summary.leaderIndex == 0 && one.nodes[0].sid == nil)

        var two = ClusterModel(members: Array(Self.ensemble.prefix(2)))
        let sample = NodeSample(answers: [.srvr: .success(Self.srvr(mode: "standalone", zxid: "0x5"))])
        two.apply(PollRound(timeMs: 0, samples: [sample, sample]))
        #expect(!two.summary.hasQuorum && two.summary.problem == "2 standalone servers are not one ensemble")
    }

    @Test func lagEpochsAndRates() {
        let members = Array(Self.ensemble.prefix(3))
        var model = ClusterModel(members: members, settings: MonitorSettings(lagEventThresholdTxns: 1000))
        model.apply(PollRound(timeMs: 0, samples: [
            Self.node(sid: 1, srvr: Self.srvr(mode: "follower", zxid: "0x100000064", received: 20)),
            Self.node(sid: 2, srvr: Self.srvr(mode: "follower", zxid: "0x0")),
            Self.node(sid: 3, srvr: Self.srvr(mode: "leader", zxid: "0x1000007d0")),
        ]))
        #expect(model.nodes[0].lagTxns == 1900 && model.nodes[0].epochsBehind == 0)
        #expect(model.nodes[1].lagTxns == nil && model.nodes[1].epochsBehind == 1)
        #expect(model.eventLog.events.map(\.text) == [
            "watching 3 node(s): s1 FOLLOWING, s2 FOLLOWING, s3 LEADING · leader s3 (epoch 1) · QUORUM OK", "s1 lag 1,900 txns",
        ])
        model.apply(PollRound(timeMs: 2_000, samples: [
            Self.node(sid: 1, srvr: Self.srvr(mode: "follower", zxid: "0x1000007d0", received: 120)),
            Self.node(sid: 2, srvr: Self.srvr(mode: "follower", zxid: "0x1000007d0")),
            Self.node(sid: 3, srvr: Self.srvr(mode: "leader", zxid: "0x1000007d0")),
        ]))
        #expect(model.nodes[0].packetsReceivedPerSecond == 50)
        #expect(model.nodes[0].txnsPerSecond == 950)
        #expect(model.eventLog.events.last?.text == "s1 caught up (lag 0 txns)")
        #expect(model.histories[0].values(.lagTxns) == [1900, 0])
        #expect(model.histories[0].values(.packetsReceivedPerSecond) == [nil, 50])
    }

    @Test func aNewEpochWithoutWritesIsNoLag() {
        var model = ClusterModel(members: Array(Self.ensemble.prefix(2)))
        model.apply(PollRound(timeMs: 0, samples: [
            Self.node(sid: 1, srvr: Self.srvr(mode: "follower", zxid: "0x0")),
            Self.node(sid: 2, srvr: Self.srvr(mode: "leader", zxid: "0x100000000")),
        ]))
        #expect(model.nodes[0].lagTxns == 0 && model.nodes[0].epochsBehind == 0)
        #expect(StatusTable.render(model).contains("leader s2 (127.0.0.1:24104)"))
    }

    @Test func aFollowerWithoutItsLeaderSaysSo() {
        var model = ClusterModel(members: [Self.ensemble[0]])
        model.apply(PollRound(timeMs: 0, samples: [NodeSample(answers: [.srvr: .success(Fixture.text("default-whitelist.srvr.txt"))])]))
        #expect(model.summary.problem?.hasPrefix("no leader among the polled nodes: a follower's leader") == true)
    }

    @Test func electionTimeFromApacheSummary() {
        let members = Array(Self.ensemble.prefix(3))
        var model = ClusterModel(members: members)
        func leaderSample(count: Int, sum: Int, zxid: String) -> NodeSample {
            var sample = Self.node(sid: 3, srvr: Self.srvr(mode: "leader", zxid: zxid))
            sample.answers[.mntr] = .success("zk_version\t3.8.0\nzk_server_state\tleader\nzk_cnt_election_time\t\(count)\nzk_sum_election_time\t\(sum)\n")
            return sample
        }
        model.apply(PollRound(timeMs: 0, samples: [
            Self.node(sid: 1, srvr: Self.srvr(mode: "follower", zxid: "0x100000001")), Self.refused,
            leaderSample(count: 1, sum: 320, zxid: "0x100000001"),
        ]))
        let events = model.apply(PollRound(timeMs: 1_000, samples: [
            Self.node(sid: 1, srvr: Self.srvr(mode: "follower", zxid: "0x200000000")), Self.refused,
            leaderSample(count: 2, sum: 732, zxid: "0x200000000"),
        ]))
        #expect(events.map(\.text) == ["s3 elected (epoch 2) after 412 ms (zk_election_time)"])
    }

    @Test func ringBufferKeepsTheNewest() {
        var buffer = RingBuffer<Int>(capacity: 3)
        for i in 1...5 { buffer.append(i) }
        #expect(buffer.values == [3, 4, 5] && buffer.last == 5 && buffer.count == 3)
        var log = EventLog(capacity: 2)
        for i in 0..<3 { log.append(MonitorEvent(timeMs: Int64(i), kind: .state, text: "\(i)")) }
        #expect(log.events.map(\.text) == ["1", "2"] && log.events(after: 2).map(\.text) == ["2"])
        #expect(NumberText.grouped(1_204) == "1,204" && NumberText.grouped(12) == "12" && NumberText.grouped(1_000_000) == "1,000,000")
    }
}

struct PollPlanTests {
    @Test func confIsAskedFirstThenEveryTenRoundsAndAfterAComeback() {
        var model = ClusterModel(members: [ClusterModelTests.ensemble[0]])
        #expect(model.pollRequests()[0].words == [.srvr, .mntr, .conf])
        model.apply(PollRound(timeMs: 0, samples: [Fixture.sample(role: "follower", words: [.srvr, .mntr, .conf])]))
        #expect(model.pollRequests()[0].words == [.srvr, .mntr])
        // Between conf polls the node keeps its sid and the membership.
        model.apply(PollRound(timeMs: 1_000, samples: [Fixture.sample(role: "follower", words: [.srvr, .mntr])]))
        #expect(model.nodes[0].sid == 1 && model.membership.count == 4 && model.summary.membershipSource == .conf)
        model.apply(PollRound(timeMs: 2_000, samples: [ClusterModelTests.refused]))
        #expect(model.pollRequests()[0].words == [.srvr, .mntr, .conf])
        for round in 3..<13 {
            model.apply(PollRound(timeMs: Int64(round) * 1_000, samples: [Fixture.sample(role: "follower", words: [.srvr, .mntr])]))
        }
        #expect(model.pollRequests()[0].words == [.srvr, .mntr, .conf])
    }

    @Test func zkdashNodesAreAskedForTelemetry() {
        var model = ClusterModel(members: [ClusterModelTests.ensemble[0]])
        model.apply(PollRound(timeMs: 0, samples: [NodeSample(answers: [
            .srvr: .success(ClusterModelTests.srvr(mode: "standalone", zxid: "0x1").replacingOccurrences(of: "3.8.0-test", with: "3.8.0-zkdash-0.1.0")),
        ])]))
        #expect(model.pollRequests()[0].words.contains(.vote))
        // A build without the word answers something else: not asked again for a while.
        model.apply(PollRound(timeMs: 1_000, samples: [NodeSample(answers: [
            .srvr: .success(ClusterModelTests.srvr(mode: "standalone", zxid: "0x1").replacingOccurrences(of: "3.8.0-test", with: "3.8.0-zkdash-0.1.0")),
            .vote: .failure(.closedWithoutAnswer),
        ])]))
        #expect(!model.pollRequests()[0].words.contains(.vote))
    }
}

struct PlainServerLinesTests {
    /// `server.N=host:port:port` without `;clientPort`, every node on one host:
    /// the other members keep their rows but cannot be polled.
    @Test func membersWithoutClientAddressKeepTheirRows() {
        let seedPort = 24472
        var model = ClusterModel(members: [Member(address: NodeAddress(host: "127.0.0.1", clientPort: seedPort))],
                                 settings: MonitorSettings(discoverMembers: true))
        let events = model.apply(PollRound(timeMs: 0, samples: [NodeSample(answers: [
            .srvr: .success(ClusterModelTests.srvr(mode: "follower", zxid: "0x100000001")),
            .conf: .success(Fixture.text("plain-lines.conf.txt")),
        ])]))
        #expect(model.members.count == 3)
        #expect(model.nodes.map(\.sid) == [1, 2, 3])
        #expect(model.nodes[1].state == .unknown && model.nodes[1].reason?.hasPrefix("client port unknown") == true)
        #expect(model.nodes[1].address.description == "127.0.0.1:?")
        #expect(model.members[1].duplicateOf == nil)
        #expect(model.pollRequests().map(\.memberIndex) == [0])
        #expect(!model.hasUnpolledMembers)
        #expect(events.map(\.text).contains("s2 in s1's conf has no client port; list it with --servers"))
        #expect(model.summary.problem == "no leader among the polled nodes; 2 member(s) have no known client address")
    }

    /// One node per host (127.0.0.N), all on the same port: the seed's port is right.
    @Test func oneNodePerHostUsesTheSeedsPort() {
        var model = ClusterModel(members: [Member(address: NodeAddress(host: "127.0.0.1", clientPort: 2181))],
                                 settings: MonitorSettings(discoverMembers: true))
        let conf = "tickTime=500\ndataDir=/d\nclientPort=2181\nserverId=1\nserver.1=127.0.0.1:2888:3888\nserver.2=127.0.0.2:2888:3888\nserver.3=127.0.0.3:2888:3888\n"
        model.apply(PollRound(timeMs: 0, samples: [NodeSample(answers: [
            .srvr: .success(ClusterModelTests.srvr(mode: "follower", zxid: "0x100000001")), .conf: .success(conf),
        ])]))
        #expect(model.members.map(\.address.description) == ["127.0.0.1:2181", "127.0.0.2:2181", "127.0.0.3:2181"])
        #expect(model.members.allSatisfy { $0.unpollableReason == nil } && model.hasUnpolledMembers)
    }
}
