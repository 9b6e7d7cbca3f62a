import Foundation
import Testing
@testable import ZooKeeperAdmin

/// Apache's dynamic config files: zoo.cfg's `dynamicConfigFile` read back
/// (with the version in the file name), the rules Apache checks, and what a
/// reconfiguration writes.
@Suite struct DynamicConfigFileTests {
    static let dynamic = """
        server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181
        server.2=127.0.0.1:2889:3889:participant;127.0.0.1:2182
        server.3=127.0.0.1:2890:3890:observer;127.0.0.1:2183

        """

    static func parse(_ zooCfg: String, files: [String: String]) throws(ConfigError) -> ServerConfig {
        try ServerConfigParser.parse(zooCfg, fileName: "/etc/zk/zoo.cfg", readFile: { files[$0] })
    }

    @Test func theMembershipComesFromTheDynamicFileWithItsVersionFromTheName() throws {
        let c = try Self.parse("initLimit=10\nsyncLimit=5\ndataDir=/d\nreconfigEnabled=true\ndynamicConfigFile=/etc/zk/zoo.cfg.dynamic.100000004\n",
                               files: ["/etc/zk/zoo.cfg.dynamic.100000004": Self.dynamic])
        #expect(c.servers.map(\.sid) == [1, 2, 3])
        #expect(c.servers[2].role == .observer)
        #expect(c.membershipVersion == 0x1_0000_0004)
        #expect(c.dynamicConfigFile == "/etc/zk/zoo.cfg.dynamic.100000004")
        let applied = try c.applyingMyid(2)
        #expect(applied.clientPort == 2182, "the client port from this server's dynamic line")
        let unversioned = try Self.parse("initLimit=10\nsyncLimit=5\ndataDir=/d\ndynamicConfigFile=/etc/zk/zoo.cfg.dynamic\n",
                                         files: ["/etc/zk/zoo.cfg.dynamic": Self.dynamic])
        #expect(unversioned.membershipVersion == 0)
    }

    @Test func apachesRulesAreErrorsNamingTheKey() {
        // Server lines in zoo.cfg too: Apache's "must be in a separate dynamic config file".
        let both = #expect(throws: ConfigError.self) {
            try Self.parse("initLimit=10\nsyncLimit=5\ndataDir=/d\nserver.1=127.0.0.1:2888:3888\ndynamicConfigFile=/x.dynamic.1\n", files: ["/x.dynamic.1": Self.dynamic])
        }
        #expect(both?.key == "server.1")
        let versioned = #expect(throws: ConfigError.self) {
            try Self.parse("initLimit=10\nsyncLimit=5\ndataDir=/d\ndynamicConfigFile=/x.dynamic.1\n", files: ["/x.dynamic.1": Self.dynamic + "version=1\n"])
        }
        #expect(versioned?.key == "version")
        #expect(versioned?.fileName == "/x.dynamic.1")
        let missing = #expect(throws: ConfigError.self) { try Self.parse("initLimit=10\nsyncLimit=5\ndataDir=/d\ndynamicConfigFile=/nowhere\n", files: [:]) }
        #expect(missing?.key == "dynamicConfigFile")
        #expect(missing?.reason.contains("cannot read") == true)
    }

    @Test func aReconfigurationWritesApachesFiles() throws {
        let members = try ReconfigPlan.parseMembers(Self.dynamic)
        let membership = QuorumMembership(members: members, version: 0x1_0000_0004)
        #expect(DynamicConfigText.fileName(configPath: "/etc/zk/zoo.cfg", version: membership.version) == "/etc/zk/zoo.cfg.dynamic.100000004")
        #expect(DynamicConfigText.dynamicFile(membership) == Self.dynamic.replacingOccurrences(of: "\n\n", with: "\n"))
        let zooCfg = "# mine\ntickTime=2000\ninitLimit=10\nsyncLimit=5\nclientPort=2181\nserver.1=127.0.0.1:2888:3888\nserver.2=127.0.0.1:2889:3889\ndataDir=/d\n"
        let edited = DynamicConfigText.staticFile(editing: zooCfg, dynamicPath: "/etc/zk/zoo.cfg.dynamic.100000004", eraseClientInfo: true)
        #expect(edited == "# mine\ntickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir=/d\ndynamicConfigFile=/etc/zk/zoo.cfg.dynamic.100000004\n")
        // Pointed again at a newer file: the old pointer goes.
        let again = DynamicConfigText.staticFile(editing: edited, dynamicPath: "/etc/zk/zoo.cfg.dynamic.100000009", eraseClientInfo: true)
        #expect(again.components(separatedBy: "dynamicConfigFile=").count == 2)
        // What it wrote reads back as the same membership.
        let c = try ServerConfigParser.parse(again, fileName: "/etc/zk/zoo.cfg",
                                             readFile: { $0 == "/etc/zk/zoo.cfg.dynamic.100000009" ? DynamicConfigText.dynamicFile(membership) : nil })
        #expect(c.servers == members && c.membershipVersion == 0x1_0000_0009)
    }
}
