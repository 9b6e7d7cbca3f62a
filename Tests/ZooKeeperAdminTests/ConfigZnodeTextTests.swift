import Testing
import ZooKeeperAdmin

struct ConfigZnodeTextTests {
    /// The bytes Apache 3.8 serves in /zookeeper/config for a static zoo.cfg
    /// (captured from a 3 + 1 loopback ensemble).
    @Test func membershipAsApacheServesIt() {
        let members = [
            ServerEntry(sid: 1, host: "127.0.0.1", quorumPort: 24697, electionPort: 24669, clientHost: "127.0.0.1", clientPort: 24043),
            ServerEntry(sid: 4, host: "127.0.0.1", quorumPort: 24418, electionPort: 24758, role: .observer, clientHost: "127.0.0.1", clientPort: 24218),
            ServerEntry(sid: 5, host: "::1", quorumPort: 2888, electionPort: 3888, clientPort: 2185),
        ]
        let snapshot = QuorumConfSnapshot(initLimitTicks: 10, syncLimitTicks: 5, electionPort: 24669, quorumPort: 24697,
                                          peerType: .participant, members: members)
        #expect(snapshot.configZnodeText == """
            server.1=127.0.0.1:24697:24669:participant;127.0.0.1:24043
            server.4=127.0.0.1:24418:24758:observer;127.0.0.1:24218
            server.5=[::1]:2888:3888:participant;0.0.0.0:2185
            version=0
            """)
    }
}
