import Testing
import ZooKeeperAdmin
@testable import EnsembleModel

/// One row per node, whatever names reach it (issue 13 item 1): IPv6 and IPv4
/// literals, host names, and members found by discovery.
struct NodeIdentityTests {
    /// Apache 3.8, `server.N=127.0.0.1:q:e` lines with no client port, every node
    /// on 127.0.0.1 with its own client port; the operator gives s3 as `[::1]:P`.
    static let seedPort = 24548
    static func conf(sid: Int) -> String {
        """
        clientPort=\(seedPort)
        dataDir=/d
        tickTime=500
        serverId=\(sid)
        membership: 
        server.1=127.0.0.1:24041:24184:participant
        server.2=127.0.0.1:24600:24826:participant
        server.3=127.0.0.1:24429:24951:participant
        version=0
        """
    }

    static func sample(mode: String, sid: Int, resolvedKey: String) -> NodeSample {
        NodeSample(answers: [
            .srvr: .success(ClusterModelTests.srvr(mode: mode, zxid: "0x100000000")),
            .conf: .success(conf(sid: sid)),
        ], resolvedKey: resolvedKey)
    }

    @Test func aGuessedAddressThatAnswersAsAnotherNodeIsNotThatNode() {
        var model = ClusterModel(members: [Member(address: NodeAddress(host: "::1", clientPort: Self.seedPort))],
                                 settings: MonitorSettings(discoverMembers: true))
        model.apply(PollRound(timeMs: 0, samples: [Self.sample(mode: "leader", sid: 3, resolvedKey: "::1|\(Self.seedPort)")]))
        // Discovery guessed the seed's port for s1 and s2 on 127.0.0.1: polled, that
        // address answers as s3 (the seed itself, over IPv4).
        for _ in 0..<3 where model.hasUnpolledMembers {
            let samples = model.members.indices.map { index -> NodeSample? in
                guard model.pollRequests().contains(where: { $0.memberIndex == index }) else { return nil }
                return Self.sample(mode: "leader", sid: 3, resolvedKey: "\(model.members[index].address.host)|\(Self.seedPort)")
            }
            model.apply(PollRound(timeMs: 1_000, samples: samples))
        }
        let rows = model.rows.map { model.nodes[$0] }
        #expect(rows.map(\.sid).sorted { ($0 ?? 0) < ($1 ?? 0) } == [1, 2, 3], "one row per sid: \(rows.map(\.label))")
        #expect(rows.filter { $0.state == .leading }.count == 1)
        #expect(model.summary.leaderCount == 1)
        #expect(model.summary.problem?.contains("LEADING") != true, "\(model.summary.problem ?? "")")
        let s1 = rows.first { $0.sid == 1 }
        #expect(s1?.state == .unknown)
        #expect(s1?.reason?.contains("answers as s3") == true, "\(s1?.reason ?? "")")
        #expect(s1?.address.description == "127.0.0.1:?")
        #expect(!model.hasUnpolledMembers)
    }

    @Test func twoAddressesOfOneNodeAreOneRowWithAliases() {
        // localhost resolved to ::1 here, and 127.0.0.1 was also given: the two
        // resolve differently but the node's own answer names one sid.
        var model = ClusterModel(members: [
            Member(address: NodeAddress(host: "localhost", clientPort: 2181)),
            Member(address: NodeAddress(host: "127.0.0.1", clientPort: 2181)),
            Member(address: NodeAddress(host: "127.0.0.1", clientPort: 2182)),
        ])
        model.apply(PollRound(timeMs: 0, samples: [
            Self.sample(mode: "leader", sid: 1, resolvedKey: "::1|2181"),
            Self.sample(mode: "leader", sid: 1, resolvedKey: "127.0.0.1|2181"),
            Self.sample(mode: "follower", sid: 2, resolvedKey: "127.0.0.1|2182"),
        ]))
        #expect(model.rows == [0, 2])
        #expect(model.members[1].duplicateOf == 0)
        #expect(model.nodes[0].aliases.map(\.description) == ["127.0.0.1:2181"])
        #expect(model.summary.leaderCount == 1)
        #expect(model.pollRequests().map(\.memberIndex) == [0, 2])
    }

    @Test func anAliasOfAnAliasPointsAtTheRow() {
        // 127.0.0.1 resolves like localhost; localhost answers as the sid [::1] did.
        var model = ClusterModel(members: [
            Member(address: NodeAddress(host: "::1", clientPort: 2181)),
            Member(address: NodeAddress(host: "localhost", clientPort: 2181)),
            Member(address: NodeAddress(host: "127.0.0.1", clientPort: 2181)),
        ])
        model.apply(PollRound(timeMs: 0, samples: [
            Self.sample(mode: "leader", sid: 1, resolvedKey: "::1|2181"),
            Self.sample(mode: "leader", sid: 1, resolvedKey: "127.0.0.1|2181"),
            Self.sample(mode: "leader", sid: 1, resolvedKey: "127.0.0.1|2181"),
        ]))
        #expect(model.rows == [0])
        #expect(model.members.map(\.duplicateOf) == [nil, 0, 0])
        #expect(model.nodes[0].aliases.map(\.description) == ["localhost:2181", "127.0.0.1:2181"])
    }

    @Test func standaloneServersWithTheSameIdAreNotMerged() {
        // Standalone servers all say serverId=0: two of them are two nodes.
        let standalone = { (key: String) in
            NodeSample(answers: [.srvr: .success(ClusterModelTests.srvr(mode: "standalone", zxid: "0x5")),
                                 .conf: .success("clientPort=2181\ndataDir=/d\nserverId=0\n")], resolvedKey: key)
        }
        var model = ClusterModel(members: [
            Member(address: NodeAddress(host: "127.0.0.1", clientPort: 2181)),
            Member(address: NodeAddress(host: "127.0.0.1", clientPort: 2182)),
        ])
        model.apply(PollRound(timeMs: 0, samples: [standalone("127.0.0.1|2181"), standalone("127.0.0.1|2182")]))
        #expect(model.rows == [0, 1])
    }
}
