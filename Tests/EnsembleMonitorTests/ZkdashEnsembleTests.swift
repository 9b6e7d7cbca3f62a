import Foundation
import Testing
import ZooKeeperAdmin
@testable import EnsembleMonitor
@testable import EnsembleModel

/// The monitor on a zkdash ensemble (3 voters, s4 observes): answers in the
/// server's own format, rendered by the same ZooKeeperAdmin code the server
/// uses, plus its `vote` telemetry.
struct ZkdashEnsembleTests {
    static let version = "3.8.0-zkdash-0.1.0, built on 2026-11-22 00:00 UTC"
    static let ports = [24001, 24002, 24003, 24004]
    static let members = ports.map { Member(address: NodeAddress(host: "127.0.0.1", clientPort: $0)) }

    static func srvr(_ mode: ServerMode, zxid: Int64) -> String {
        FourLetterWords.srvr(ServerStatsSnapshot(version: version, mode: mode, lastProcessedZxid: zxid, nodeCount: 5))
    }

    static func mntr(_ mode: ServerMode, peerState: String, leader: LeaderMonitorFigures? = nil) -> String {
        FourLetterWords.mntr(MonitorSnapshot(
            stats: ServerStatsSnapshot(version: version, mode: mode, nodeCount: 5),
            additionalMetrics: MonitorMetric.summary("election_time", count: 1, sum: 231, min: 231, max: 231),
            quorum: QuorumMonitorFigures(peerState: peerState, quorumSize: 3, observerMasterId: mode == .observer ? 3 : nil, leader: leader)))
    }

    static func conf(sid: Int) -> String {
        let servers = (1...4).map { sid in
            ServerEntry(sid: sid, host: "127.0.0.1", quorumPort: 25000 + sid, electionPort: 26000 + sid,
                        role: sid == 4 ? .observer : .participant, clientHost: "127.0.0.1", clientPort: ports[sid - 1])
        }
        return FourLetterWords.conf(ConfSnapshot(
            clientPort: ports[sid - 1], dataDir: "/d/version-2", dataDirSizeBytes: 0, dataLogDir: "/d/version-2",
            dataLogSizeBytes: 0, tickTimeMs: 200, maxClientCnxns: 60, minSessionTimeoutMs: 400, maxSessionTimeoutMs: 4000,
            serverId: sid, quorum: QuorumConfSnapshot(
                initLimitTicks: 10, syncLimitTicks: 5, electionPort: 26000 + sid, quorumPort: 25000 + sid,
                peerType: sid == 4 ? .observer : .participant, members: servers)))
    }

    /// `vote` as ElectionRecorder renders it.
    static func vote(_ state: String, leader: Int, epoch: Int, round: Int, elections: [(duration: Int, winner: Int)]) -> String {
        var text = "state=\(state)\nround=\(round)\nvote leader=\(leader) zxid=0x0 epoch=\(epoch) round=\(round)\n"
        for (index, election) in elections.enumerated() {
            text += "election start_ms=\(1_795_334_700_000 + index * 10_000) duration_ms=\(election.duration) rounds=1 winner=\(election.winner)\n"
        }
        return text
    }

    static func node(sid: Int, srvr: String, mntr: String, vote: String) -> NodeSample {
        NodeSample(answers: [.srvr: .success(srvr), .mntr: .success(mntr), .conf: .success(conf(sid: sid)), .vote: .success(vote)])
    }

    static let down = NodeSample(answers: [.srvr: .failure(.connectionRefused), .mntr: .failure(.connectionRefused)])

    static func lookingNode(sid: Int, leader: Int, elections: [(duration: Int, winner: Int)]) -> NodeSample {
        NodeSample(answers: [
            .srvr: .success(FourLetterWords.notServing), .mntr: .success(FourLetterWords.notServing),
            .vote: .success(vote("LOOKING", leader: leader, epoch: 1, round: 2, elections: elections)),
        ])
    }

    static let first: [(duration: Int, winner: Int)] = [(220, 3)]
    static let second: [(duration: Int, winner: Int)] = [(220, 3), (231, 2)]

    static func healthyRound() -> PollRound {
        let leaderFigures = LeaderMonitorFigures(learners: 3, syncedFollowers: 2, syncedObservers: 1, pendingSyncs: 0)
        return PollRound(timeMs: 0, samples: [
            node(sid: 1, srvr: srvr(.follower, zxid: 0), mntr: mntr(.follower, peerState: "following - broadcast"),
                 vote: vote("FOLLOWING", leader: 3, epoch: 0, round: 2, elections: first)),
            node(sid: 2, srvr: srvr(.follower, zxid: 0), mntr: mntr(.follower, peerState: "following - broadcast"),
                 vote: vote("FOLLOWING", leader: 3, epoch: 0, round: 2, elections: first)),
            node(sid: 3, srvr: srvr(.leader, zxid: 0x1_0000_0000), mntr: mntr(.leader, peerState: "leading - broadcast", leader: leaderFigures),
                 vote: vote("LEADING", leader: 3, epoch: 0, round: 2, elections: first)),
            node(sid: 4, srvr: srvr(.observer, zxid: 0), mntr: mntr(.observer, peerState: "observing - broadcast"),
                 vote: vote("OBSERVING", leader: 3, epoch: 0, round: 2, elections: first)),
        ])
    }

    @Test func rolesVotesAndMembershipOfAZkdashEnsemble() {
        var model = ClusterModel(members: Self.members)
        model.apply(Self.healthyRound())
        #expect(model.nodes.map(\.state) == [.following, .following, .leading, .observing])
        #expect(model.nodes.map(\.sid) == [1, 2, 3, 4])
        #expect(model.nodes.map(\.role) == [.participant, .participant, .participant, .observer])
        #expect(model.membership.count == 4 && model.summary.membershipSource == .conf)
        #expect(model.summary.hasQuorum && model.summary.votersUp == 3 && model.summary.votersTotal == 3)
        #expect(model.summary.epoch == 1)
        #expect(model.summary.voteSource == .telemetry)
        #expect(model.summary.tally == [.init(candidate: "s3", votes: 3)])
        #expect(model.nodes[2].learners == 3 && model.nodes[2].syncedFollowers == 2)
        #expect(model.nodes[0].monitor?.peerState == "following - broadcast")
        #expect(model.nodes[3].monitor?.state == .observing)
        // Every member is a zkdash node: asked for telemetry from now on.
        #expect(model.pollRequests().allSatisfy { $0.words.contains(.vote) && !$0.probeVote })
    }

    @Test func killingTheLeaderShowsLookingThenTheElection() {
        var model = ClusterModel(members: Self.members)
        model.apply(Self.healthyRound())
        let looking = model.apply(PollRound(timeMs: 1_000, samples: [
            Self.lookingNode(sid: 1, leader: 2, elections: Self.first), Self.lookingNode(sid: 2, leader: 2, elections: Self.first),
            Self.down, Self.lookingNode(sid: 4, leader: 2, elections: Self.first),
        ]))
        #expect(model.nodes.map(\.state) == [.looking, .looking, .down, .looking])
        #expect(model.summary.tally == [.init(candidate: "s2", votes: 2)] && model.summary.voteSource == .telemetry)
        #expect(!model.summary.hasQuorum)
        #expect(looking.map(\.text).contains("s1 FOLLOWING → LOOKING"))
        #expect(looking.map(\.text).contains("s3 LEADING → DOWN (connection refused)"))

        let elected = model.apply(PollRound(timeMs: 2_000, samples: [
            Self.node(sid: 1, srvr: Self.srvr(.follower, zxid: 0), mntr: Self.mntr(.follower, peerState: "following - broadcast"),
                      vote: Self.vote("FOLLOWING", leader: 2, epoch: 1, round: 2, elections: Self.second)),
            Self.node(sid: 2, srvr: Self.srvr(.leader, zxid: 0x2_0000_0000),
                      mntr: Self.mntr(.leader, peerState: "leading - broadcast",
                                      leader: LeaderMonitorFigures(learners: 2, syncedFollowers: 1, syncedObservers: 1, pendingSyncs: 0)),
                      vote: Self.vote("LEADING", leader: 2, epoch: 1, round: 2, elections: Self.second)),
            Self.down,
            Self.node(sid: 4, srvr: Self.srvr(.observer, zxid: 0), mntr: Self.mntr(.observer, peerState: "observing - broadcast"),
                      vote: Self.vote("OBSERVING", leader: 2, epoch: 1, round: 2, elections: Self.second)),
        ]))
        #expect(model.nodes.map(\.state) == [.following, .leading, .down, .observing])
        #expect(model.summary.hasQuorum && model.summary.epoch == 2)
        #expect(elected.filter { $0.kind == .election }.map(\.text) == ["s2 elected (epoch 2) after 231 ms"])
        #expect(elected.map(\.text).contains("quorum regained: 2 of 3 voters serving"))
    }

    @Test func anObserverInElectionVotesForNobody() {
        var model = ClusterModel(members: Self.members)
        model.apply(Self.healthyRound())
        var round = Self.healthyRound()
        round.timeMs = 1_000
        round.samples[3] = NodeSample(answers: [
            .srvr: .success(FourLetterWords.notServing),
            .vote: .success("state=LOOKING\nround=2\nvote leader=-9223372036854775808 zxid=0x0 epoch=0 round=2\n"),
        ])
        model.apply(round)
        #expect(model.nodes[3].state == .looking)
        #expect(model.nodes[3].vote == nil && model.nodes[3].supports == nil)
        #expect(model.summary.tally == [.init(candidate: "s3", votes: 3)])
    }

    @Test func aStandaloneServersVoteNamesItsState() {
        let parsed = ElectionTelemetry.parse(FourLetterWords.standaloneVote).report
        #expect(parsed?.state == .standalone && parsed?.currentVote == nil && parsed?.elections == [])
    }

    @Test func voteIsProbedOnlyWhereItCanTellSomething() {
        var model = ClusterModel(members: Array(Self.members.prefix(2)))
        // Kind unknown: no vote yet, but the poller may probe after srvr.
        #expect(model.pollRequests().map(\.probeVote) == [true, true])
        #expect(model.pollRequests().allSatisfy { !$0.words.contains(.vote) })
        #expect(PollRequest.callsForVoteProbe(srvr: FourLetterWords.notServing))
        #expect(PollRequest.callsForVoteProbe(srvr: Self.srvr(.follower, zxid: 0)))
        #expect(!PollRequest.callsForVoteProbe(srvr: Fixture.text("follower.srvr.txt")))
        #expect(!PollRequest.callsForVoteProbe(srvr: "srvr is not executed because it is not in the whitelist.\n"))

        // An Apache node serving, an Apache node in election that closed on the word.
        model.apply(PollRound(timeMs: 0, samples: [
            NodeSample(answers: [.srvr: .success(Fixture.text("follower.srvr.txt"))]),
            NodeSample(answers: [.srvr: .success(Fixture.text("looking.srvr.txt")), .vote: .failure(.closedWithoutAnswer)]),
        ]))
        #expect(model.nodes.map(\.state) == [.following, .notServing])
        #expect(model.pollRequests().map(\.probeVote) == [false, false])
        #expect(model.pollRequests().allSatisfy { !$0.words.contains(.vote) })
    }

    @Test func aZkdashMemberInElectionIsLookingFromTheFirstRound() {
        var model = ClusterModel(members: [Self.members[0]])
        model.apply(PollRound(timeMs: 0, samples: [NodeSample(answers: [
            .srvr: .success(FourLetterWords.notServing),
            .vote: .success(Self.vote("LOOKING", leader: 1, epoch: 0, round: 1, elections: [])),
        ])]))
        #expect(model.nodes[0].state == .looking && model.nodes[0].vote == 1)
        #expect(model.summary.tally == [.init(candidate: "s1", votes: 1)] && model.summary.voteSource == .telemetry)
        // Known as zkdash now: asked every round.
        #expect(model.pollRequests()[0].words.contains(.vote) && !model.pollRequests()[0].probeVote)
    }
}

/// The poller's `vote` probe on real loopback sockets.
@Suite(.serialized) struct VoteProbeTests {
    /// Reads the four-letter word, answers it from `answers` and closes
    /// (closes without a byte for words it does not know, as Apache does).
    final class WordListener: @unchecked Sendable {
        let fd: Int32
        let port: Int
        private let lock = NSLock()
        private var words: [String] = []

        init(answers: [String: String]) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
            }
            guard bound, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
            self.fd = fd
            port = Int(UInt16(bigEndian: address.sin_port))
            Thread.detachNewThread { [self] in
                while true {
                    let client = accept(fd, nil, nil)
                    if client < 0 { return }
                    var buffer = [UInt8](repeating: 0, count: 4)
                    var got = 0
                    while got < 4 {
                        let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress! + got, 4 - got, 0) }
                        if n <= 0 { break }
                        got += n
                    }
                    let word = String(decoding: buffer.prefix(got), as: UTF8.self)
                    lock.withLock { words.append(word) }
                    if let answer = answers[word] {
                        _ = Array(answer.utf8).withUnsafeBytes { send(client, $0.baseAddress, $0.count, 0) }
                    }
                    close(client)
                }
            }
        }

        var asked: [String] { lock.withLock { words } }

        func stop() {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    static let looking = "state=LOOKING\nround=1\nvote leader=1 zxid=0x0 epoch=0 round=1\n"

    @Test func aNodeInElectionIsProbedForVoteWithinTheRound() async throws {
        let notServing = "This ZooKeeper instance is not currently serving requests\n"
        let zkdash = try WordListener(answers: ["srvr": notServing, "mntr": notServing, "conf": notServing, "vote": Self.looking])
        let apache = try WordListener(answers: ["srvr": notServing, "mntr": notServing, "conf": notServing])
        let serving = try WordListener(answers: ["srvr": "Zookeeper version: 3.8.0-x, built on y\nZxid: 0x5\nMode: follower\nNode count: 4\n"])
        defer { zkdash.stop(); apache.stop(); serving.stop() }
        let monitor = EnsembleMonitor(
            members: [zkdash, apache, serving].map { Member(address: NodeAddress(host: "127.0.0.1", clientPort: $0.port)) },
            // A generous deadline: the listeners answer one connection at a time on
            // their own thread, which a loaded machine can hold up for seconds
            // (2 s once failed under a full CI run); the claim is "within the round".
            settings: MonitorSettings(askAdmin: false), pollerSettings: PollerSettings(timeoutMs: 15_000, defaultAdminPort: nil))
        await monitor.pollRound()
        let nodes = await monitor.model.nodes
        #expect(nodes.map(\.state) == [.looking, .notServing, .following])
        #expect(nodes[0].vote == 1 && nodes[0].voteSource == .telemetry)
        #expect(zkdash.asked.contains("vote") && apache.asked.contains("vote"))
        // A serving node that is not zkdash never gets the word.
        #expect(!serving.asked.contains("vote"))
    }
}
