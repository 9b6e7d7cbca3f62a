import Testing
import ZooKeeperAdmin
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// `reconfig` in the leader's core: Apache 3.8's prep order and errors, the
/// txn (a setData of /zookeeper/config logged as a reconfig, version -1), the
/// answer (the new membership and its stat) and the `.reconfigured` effect.
struct ServerCoreReconfigTests {
    static let members = [
        ServerEntry(sid: 1, host: "127.0.0.1", quorumPort: 2888, electionPort: 3888, clientPort: 2181),
        ServerEntry(sid: 2, host: "127.0.0.1", quorumPort: 2889, electionPort: 3889, clientPort: 2182),
        ServerEntry(sid: 3, host: "127.0.0.1", quorumPort: 2890, electionPort: 3890, clientPort: 2183),
    ]
    static let observer = "server.100=127.0.0.1:24001:24002:observer;127.0.0.1:24003"

    static func harness(enabled: Bool = true, synced: Set<Int> = [1, 2, 3]) -> CoreHarness {
        var settings = ServerSettings(tickTimeMs: 2000, superDigest: "super:D/InIHSb7yEEbrWz8b9l71RjZJU=")
        settings.reconfigEnabled = enabled
        var harness = CoreHarness(settings: settings)
        let membership = QuorumMembership(members: members, version: 0x1_0000_0000)
        harness.core.installQuorumConfig(Array(membership.text.utf8), nowMs: CoreHarness.startMs)
        harness.core.reconfig = ReconfigView(membership: membership, syncedVoters: synced)
        return harness
    }

    static func reconfig(joining: String? = nil, leaving: String? = nil, members: String? = nil, from: Int64 = -1) -> ClientRequest {
        .reconfig(ReconfigRequest(joiningServers: joining, leavingServers: leaving, newMembers: members, curConfigId: from))
    }

    @Test func addingAndRemovingAnObserver() throws {
        var harness = Self.harness()
        let admin = harness.newSession().connection
        #expect(harness.request(admin, .addAuth("digest", "super:test")).err == .ok)
        let outputs = harness.send(admin, Self.reconfig(joining: Self.observer)) + harness.sync()
        let reply = try #require(outputs.reply(to: admin, xid: harness.peekXid(admin) - 1))
        #expect(reply.err == .ok)
        var reader = JuteReader(reply.body)
        let answer = try GetDataResponse(from: &reader)
        let text = String(decoding: answer.data ?? [], as: UTF8.self)
        let zxid = reply.header.zxid
        #expect(text.hasSuffix("server.100=127.0.0.1:24001:24002:observer;127.0.0.1:24003\nversion=\(String(zxid, radix: 16))"))
        #expect(answer.stat.version == -1 && answer.stat.mzxid == zxid)
        #expect(outputs.contains(.reconfigured(text)))
        #expect(harness.core.reconfig?.membership.sids == [1, 2, 3, 100])
        #expect(harness.core.reconfig?.inProgress == false)
        // The txn is logged as a reconfig.
        let logged = try TxnEntry(juteBytes: harness.log.last!.payload, maxBufferBytes: Int.max)
        #expect(logged.header.type == OpCode.reconfig.rawValue)
        // Removing it, from the version just made.
        #expect(harness.request(admin, Self.reconfig(leaving: "100", from: zxid)).err == .ok)
        #expect(harness.core.reconfig?.membership.sids == [1, 2, 3])
    }

    @Test func errorsComeInApachesOrder() {
        var harness = Self.harness()
        let plain = harness.newSession().connection
        let admin = harness.newSession().connection
        #expect(harness.request(admin, .addAuth("digest", "super:test")).err == .ok)
        // The ACL comes last: a bad request from anyone is BadArguments, not NoAuth.
        #expect(harness.request(plain, Self.reconfig(joining: "some thing")).err == .badArguments)
        #expect(harness.request(plain, Self.reconfig(joining: Self.observer)).err == .noAuth)
        #expect(harness.request(admin, Self.reconfig(joining: Self.observer, from: 7)).err == .badVersion)
        #expect(harness.request(admin, Self.reconfig(leaving: "x")).err == .marshallingError)
        #expect(harness.request(admin, Self.reconfig(leaving: "1,2")).err == .badArguments)
        // A voter change is a reconfig like any other (ZAB commits it under both quorums).
        #expect(harness.request(admin, Self.reconfig(leaving: "3")).err == .ok)
        var unsynced = Self.harness(synced: [1])
        let lonely = unsynced.newSession().connection
        #expect(unsynced.request(lonely, .addAuth("digest", "super:test")).err == .ok)
        #expect(unsynced.request(lonely, Self.reconfig(joining: Self.observer)).err == .newConfigNoQuorum)
        var disabled = Self.harness(enabled: false)
        let someone = disabled.newSession().connection
        #expect(disabled.request(someone, Self.reconfig(joining: Self.observer)).err == .reconfigDisabled)
        // No view (standalone, or not the leader): Unimplemented, as Apache's standalone server.
        var standalone = Self.harness()
        standalone.core.reconfig = nil
        let alone = standalone.newSession().connection
        #expect(standalone.request(alone, Self.reconfig(joining: Self.observer)).err == .unimplemented)
    }

    @Test func aSecondReconfigWhileOneIsInFlightIsRefused() {
        var harness = Self.harness()
        let admin = harness.newSession().connection
        #expect(harness.request(admin, .addAuth("digest", "super:test")).err == .ok)
        _ = harness.send(admin, Self.reconfig(joining: Self.observer))
        #expect(harness.core.reconfig?.inProgress == true)
        let second = harness.send(admin, Self.reconfig(leaving: "100")) + harness.sync()
        let errors = second.compactMap(\.reply).map(\.err)
        #expect(errors == [.ok, .reconfigInProgress])
    }
}
