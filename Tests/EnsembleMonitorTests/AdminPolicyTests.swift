import Testing
import ZooKeeperAdmin
@testable import EnsembleModel

/// Whether an AdminServer is the node's own is the model's decision, with the
/// round's time passed in (issue 13: the monitor's policy is pure).
struct AdminPolicyTests {
    static let member = Member(address: NodeAddress(host: "127.0.0.1", clientPort: 2181))
    static let leaderSaysThree = try! AdminServerReports.decode(
        AdminServerReports.Leader.self, from: Array(#"{"is_leader":false,"leader_id":3,"leader_ip":"127.0.0.1"}"#.utf8)).get()

    static func round(_ timeMs: Int64, admin: AdminSample?) -> PollRound {
        PollRound(timeMs: timeMs, samples: [NodeSample(
            answers: [.srvr: .success(ClusterModelTests.srvr(mode: "follower", zxid: "0x100000001"))], admin: admin)])
    }

    @Test func anAdminServerThatProvesItIsTheNodesIsTrustedAndNotAskedAgain() {
        var model = ClusterModel(members: [Self.member])
        #expect(model.pollRequests().first?.admin == AdminRequest(port: nil, checkIdentity: true))
        model.apply(Self.round(0, admin: AdminSample(port: 8080, leader: Self.leaderSaysThree, identityClientPort: 2181)))
        #expect(model.nodes[0].vote == 3 && model.nodes[0].voteSource == .adminServer)
        #expect(model.pollRequests().first?.admin == AdminRequest(port: nil, checkIdentity: false))
    }

    @Test func anotherNodesAdminServerIsIgnoredForAMinute() {
        var model = ClusterModel(members: [Self.member])
        model.apply(Self.round(0, admin: AdminSample(port: 8080, leader: Self.leaderSaysThree, identityClientPort: 2182)))
        // Its leader_id is another node's view: not this node's vote.
        #expect(model.nodes[0].voteSource != .adminServer)
        #expect(model.adminProblem(0) == "AdminServer on port 8080 belongs to the node on client port 2182")
        #expect(model.pollRequests().first?.admin == nil)
        model.apply(Self.round(30_000, admin: nil))
        #expect(model.pollRequests().first?.admin == nil)
        model.apply(Self.round(60_000, admin: nil))
        #expect(model.pollRequests().first?.admin == AdminRequest(port: nil, checkIdentity: true))
    }

    @Test func anAdminServerThatDoesNotSayWhoItIsIsNotUsed() {
        var model = ClusterModel(members: [Self.member])
        model.apply(Self.round(0, admin: AdminSample(port: 8080, leader: Self.leaderSaysThree)))
        #expect(model.nodes[0].voteSource != .adminServer)
        #expect(model.pollRequests().first?.admin?.checkIdentity == true)
    }

    @Test func aDownAdminServerIsLeftAloneForThirtySeconds() {
        var model = ClusterModel(members: [Self.member])
        model.apply(Self.round(0, admin: AdminSample(port: 8080, unreachable: .connectionRefused)))
        #expect(model.adminProblem(0) == "AdminServer on port 8080: connection refused")
        model.apply(Self.round(29_000, admin: nil))
        #expect(model.pollRequests().first?.admin == nil)
        model.apply(Self.round(30_000, admin: nil))
        #expect(model.pollRequests().first?.admin?.checkIdentity == true)
    }

    @Test func noAdminWhenTurnedOff() {
        let model = ClusterModel(members: [Self.member], settings: MonitorSettings(askAdmin: false))
        #expect(model.pollRequests().first?.admin == nil)
    }

    /// A node reached over its secure client port: its AdminServer names the
    /// plain port (Apache 3.8), or -1 when there is none. The node's own `conf`
    /// (same round) says which plain port and server id are its own.
    static func tlsRound(_ timeMs: Int64, conf: String, admin: AdminSample) -> PollRound {
        PollRound(timeMs: timeMs, samples: [NodeSample(
            answers: [.srvr: .success(ClusterModelTests.srvr(mode: "follower", zxid: "0x100000001")), .conf: .success(conf)],
            admin: admin)])
    }

    static let secureMember = Member(address: NodeAddress(host: "127.0.0.1", clientPort: 2281))

    @Test func overTLSTheAdminServerNamingTheNodesPlainPortIsItsOwn() {
        var model = ClusterModel(members: [Self.secureMember])
        let conf = "clientPort=2181\nsecureClientPort=2281\ndataDir=/d\ntickTime=2000\nserverId=2\n"
        model.apply(Self.tlsRound(0, conf: conf, admin: AdminSample(port: 8080, leader: Self.leaderSaysThree, identityClientPort: 2181, identityServerId: 2)))
        #expect(model.nodes[0].voteSource == .adminServer && model.adminProblem(0) == nil)
        // Another node's plain port is not.
        var other = ClusterModel(members: [Self.secureMember])
        other.apply(Self.tlsRound(0, conf: conf, admin: AdminSample(port: 8080, leader: Self.leaderSaysThree, identityClientPort: 2182, identityServerId: 3)))
        #expect(other.nodes[0].voteSource != .adminServer)
        #expect(other.adminProblem(0) == "AdminServer on port 8080 belongs to the node on client port 2182")
    }

    @Test func aTLSOnlyNodesAdminServerIsKnownByItsServerId() {
        let conf = "clientPort=-1\nsecureClientPort=2281\ndataDir=/d\ntickTime=2000\nserverId=2\n"
        var model = ClusterModel(members: [Self.secureMember])
        model.apply(Self.tlsRound(0, conf: conf, admin: AdminSample(port: 8080, leader: Self.leaderSaysThree, identityClientPort: -1, identityServerId: 2)))
        #expect(model.nodes[0].voteSource == .adminServer && model.adminProblem(0) == nil)
        var other = ClusterModel(members: [Self.secureMember])
        other.apply(Self.tlsRound(0, conf: conf, admin: AdminSample(port: 8080, leader: Self.leaderSaysThree, identityClientPort: -1, identityServerId: 3)))
        #expect(other.nodes[0].voteSource != .adminServer)
        #expect(other.adminProblem(0) == "AdminServer on port 8080 belongs to server 3 (its node has no plain client port)")
    }
}
