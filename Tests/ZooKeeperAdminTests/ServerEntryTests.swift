import Testing
@testable import ZooKeeperAdmin

@Suite struct ServerEntryTests {
    static let ensemble = """
        tickTime=2000
        initLimit=10
        syncLimit=5
        dataDir=/d
        clientPort=2181
        server.3=zk3.example.com:2888:3888:observer;2183
        server.1=zk1.example.com:2888:3888
        server.2=zk2.example.com:2889:3889:participant;10.0.0.2:2182
        server.4=[2001:db8::4]:2888:3888;[::1]:2184
        server.5=10.0.0.5:2888:3888 : Participant
        """

    @Test func parsesEveryShapeOfServerLine() throws {
        let c = try ServerConfigParser.parse(Self.ensemble)
        #expect(c.servers == [
            ServerEntry(sid: 1, host: "zk1.example.com", quorumPort: 2888, electionPort: 3888),
            ServerEntry(sid: 2, host: "zk2.example.com", quorumPort: 2889, electionPort: 3889, role: .participant,
                        clientHost: "10.0.0.2", clientPort: 2182),
            ServerEntry(sid: 3, host: "zk3.example.com", quorumPort: 2888, electionPort: 3888, role: .observer,
                        clientPort: 2183),
            ServerEntry(sid: 4, host: "2001:db8::4", quorumPort: 2888, electionPort: 3888, clientHost: "::1",
                        clientPort: 2184),
            ServerEntry(sid: 5, host: "10.0.0.5", quorumPort: 2888, electionPort: 3888),
        ])
        #expect(!c.isStandalone)
        #expect(c.participants.map(\.sid) == [1, 2, 4, 5])
        #expect(c.warnings.isEmpty)
    }

    @Test func trailingSeparatorsAreDroppedLikeJavaSplit() throws {
        let c = try ServerConfigParser.parse("dataDir=/d\nclientPort=1\nserver.1=h:2888:3888:\nserver.2=i:2888:3888;\ninitLimit=1\nsyncLimit=1\n")
        #expect(c.servers.map(\.clientPort) == [nil, nil])
        #expect(c.servers.map(\.host) == ["h", "i"])
    }

    @Test func singleServerLineMeansStandaloneWithANote() throws {
        let c = try ServerConfigParser.parse("dataDir=/d\nclientPort=2181\nserver.1=localhost:2888:3888\n")
        #expect(c.isStandalone)
        #expect(c.servers.count == 1)
        #expect(c.warnings.map(\.message) == ["only one server.N specified; ignoring it and running standalone"])
    }

    @Test func myidPicksClientPortAndRoleFromTheServerList() throws {
        let withoutClientPort = Self.ensemble.split(separator: "\n").filter { !$0.hasPrefix("clientPort") }
            .joined(separator: "\n")
        let c = try ServerConfigParser.parse(withoutClientPort)
        let three = try c.applyingMyid(3)
        #expect(three.myid == 3)
        #expect(three.clientPort == 2183)
        #expect(three.clientPortAddress == nil)
        #expect(three.peerType == .observer)
        #expect(three.warnings.map(\.key) == ["peerType"])
        let two = try c.applyingMyid(2)
        #expect(two.clientPort == 2182)
        #expect(two.clientPortAddress == "10.0.0.2")
        #expect(two.peerType == .participant)
        #expect(two.warnings.isEmpty)
    }

    @Test func myidClientPortMustAgreeWithStaticClientPort() throws {
        let c = try ServerConfigParser.parse(Self.ensemble)
        #expect(throws: ConfigError.self) { try c.applyingMyid(3) }
        // server.1 has no client part: the static clientPort stays.
        #expect(try c.applyingMyid(1).clientPort == 2181)
    }

    @Test func myidMustBeListedInQuorumMode() throws {
        let c = try ServerConfigParser.parse(Self.ensemble)
        #expect(throws: ConfigError(key: "myid", line: 0, value: "9", reason: "myid 9 is not one of the server.N lines")) {
            try c.applyingMyid(9)
        }
    }

    @Test func myidInStandaloneIsJustRecorded() throws {
        let c = try ServerConfigParser.parse("dataDir=/d\nclientPort=2181\n").applyingMyid(7)
        #expect(c.myid == 7)
        #expect(c.clientPort == 2181)
    }
}

@Suite struct MyidTests {
    @Test func parsesTheFirstLine() throws {
        #expect(try ServerConfigParser.parseMyid("1\n") == 1)
        #expect(try ServerConfigParser.parseMyid("42") == 42)
        #expect(try ServerConfigParser.parseMyid("3\r\nignored\n") == 3)
        #expect(try ServerConfigParser.parseMyid(" 5 \n") == 5)
    }

    @Test func rejectsNonNumbers() {
        #expect(throws: ConfigError(fileName: "myid", key: "myid", line: 1, value: "abc", reason: "serverid abc is not a number")) {
            try ServerConfigParser.parseMyid("abc\n")
        }
        #expect(throws: ConfigError.self) { try ServerConfigParser.parseMyid("") }
        #expect(throws: ConfigError.self) { try ServerConfigParser.parseMyid("\n1\n") }
        #expect(throws: ConfigError.self) { try ServerConfigParser.parseMyid("-1") }
    }
}
