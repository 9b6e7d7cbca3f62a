import Testing
@testable import ZooKeeperAdmin

/// `reconfig`'s membership arithmetic and its BadArguments cases, as Apache
/// 3.8's PrepRequestProcessor words them (kazoo's TestReconfig relies on them).
struct ReconfigPlanTests {
    static let three = [
        ServerEntry(sid: 1, host: "127.0.0.1", quorumPort: 2888, electionPort: 3888, clientPort: 2181),
        ServerEntry(sid: 2, host: "127.0.0.1", quorumPort: 2889, electionPort: 3889, clientPort: 2182),
        ServerEntry(sid: 3, host: "127.0.0.1", quorumPort: 2890, electionPort: 3890, clientPort: 2183),
    ]

    @Test func addingAnObserverKeepsTheVotersAndRemovingItRestoresThem() throws {
        let joining = "server.100=0.0.0.0:24001:24002:observer;0.0.0.0:24003"
        let added = try ReconfigPlan.nextMembers(current: Self.three, joining: joining, leaving: nil, newMembers: nil)
        #expect(added.map(\.sid) == [1, 2, 3, 100])
        #expect(added[3] == ServerEntry(sid: 100, host: "0.0.0.0", quorumPort: 24001, electionPort: 24002, role: .observer,
                                        clientHost: "0.0.0.0", clientPort: 24003))
        #expect(QuorumConfSnapshot.memberText(added[3]) == "0.0.0.0:24001:24002:observer;0.0.0.0:24003")
        let removed = try ReconfigPlan.nextMembers(current: added, joining: nil, leaving: "100", newMembers: nil)
        #expect(removed == Self.three)
    }

    @Test func aJoinerReplacesTheSameSidAndLeaversMayBeSeveral() throws {
        let next = try ReconfigPlan.nextMembers(
            current: Self.three, joining: "server.3=127.0.0.1:2890:3890:observer;2183, server.4=127.0.0.1:2891:3891;2184",
            leaving: "1", newMembers: nil)
        #expect(next.map(\.sid) == [2, 3, 4])
        #expect(next[1].role == .observer && next[1].clientHost == nil && next[1].clientPort == 2183)
        #expect(next[2].role == .participant)
    }

    @Test func nonIncrementalTakesCommasOrNewlinesAndIgnoresTheVersionLine() throws {
        let text = "server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181,server.2=127.0.0.1:2889:3889;2182\nversion=100000000\n"
        let next = try ReconfigPlan.nextMembers(current: Self.three, joining: nil, leaving: nil, newMembers: text)
        #expect(next.map(\.sid) == [1, 2])
        #expect(next[0].clientHost == "127.0.0.1")
    }

    @Test func badInputIsBadArgumentsWithApachesWords() {
        func failure(joining: String? = nil, leaving: String? = nil, members: String? = nil, standalone: Bool = true) -> String? {
            do {
                _ = try ReconfigPlan.nextMembers(current: Self.three, joining: joining, leaving: leaving, newMembers: members,
                                                 standaloneEnabled: standalone)
                return nil
            } catch {
                guard case .badArguments(let message) = error else { return nil }
                return message
            }
        }
        // kazoo's test_bad_input.
        #expect(failure(joining: "some thing") == "Wrong format of server string")
        #expect(failure(joining: "server.5=127.0.0.1:2895:3895") == "Wrong format of server string - each server should have 3 ports specified")
        #expect(failure(joining: "server.5=127.0.0.1:x:3895;2185") == "Reconfiguration failed")
        // A joiner on another member's address; loopback and wildcard addresses are
        // shared by servers on one host and not compared (Apache's excludedSpecialAddresses).
        #expect(failure(joining: "server.5=127.0.0.1:2888:3895;2185") == nil)
        let hosts = [ServerEntry(sid: 1, host: "zk1", quorumPort: 2888, electionPort: 3888, clientHost: "zk1", clientPort: 2181),
                     ServerEntry(sid: 2, host: "zk2", quorumPort: 2888, electionPort: 3888, clientPort: 2181)]
        #expect(throws: ReconfigPlan.Failure.badArguments("server.3 shares an address with server.1")) {
            try ReconfigPlan.nextMembers(current: hosts, joining: "server.3=zk3:2888:3888;zk1:2181", leaving: nil, newMembers: nil)
        }
        #expect((try? ReconfigPlan.nextMembers(current: hosts, joining: "server.3=zk3:2888:3888;2181", leaving: nil, newMembers: nil))?.count == 3)
        #expect(throws: ReconfigPlan.Failure.notANumber("two")) {
            try ReconfigPlan.nextMembers(current: Self.three, joining: nil, leaving: "two", newMembers: nil)
        }
        #expect(failure(leaving: "1,2") == "Reconfig failed - new configuration must include at least 2 followers")
        #expect(failure(leaving: "1,2", standalone: false) == nil)
        #expect(failure(leaving: "1,2,3", standalone: false) == "Reconfig failed - new configuration must include at least 1 follower")
        #expect(failure(members: "server.1=127.0.0.1:2888:3888;2181,server.x=127.0.0.1:2889:3889;2182") == "server.x is not a server.N key")
        #expect(failure(members: "server.1=127.0.0.1:2888:3888;2181,server.1=127.0.0.1:2889:3889;2182") == "server.1 is given twice")
        #expect(failure(members: "server.1=nonsense") != nil)
    }
}
