import Testing
@testable import ZooKeeperClient

@Suite struct ConnectStringTests {
    @Test func parsesHostsPortsAndChroot() throws {
        let parsed = try ConnectString(parsing: "zk1.example:2182, zk2:2183 ,10.0.0.3/apps/dash")
        #expect(parsed.servers == [
            ServerAddress(host: "zk1.example", port: 2182),
            ServerAddress(host: "zk2", port: 2183),
            ServerAddress(host: "10.0.0.3", port: 2181),
        ])
        #expect(parsed.chroot == "/apps/dash")
    }

    @Test func defaultsPortAndTreatsLoneSlashAsNoChroot() throws {
        let plain = try ConnectString(parsing: "localhost")
        #expect(plain.servers == [ServerAddress(host: "localhost", port: 2181)])
        #expect(plain.chroot == nil)
        #expect(try ConnectString(parsing: "localhost:2181/").chroot == nil)
    }

    @Test func parsesBracketedIPv6Literals() throws {
        let parsed = try ConnectString(parsing: "[::1]:2182,[fe80::1%eth0],[2001:db8::7]:9000/x")
        #expect(parsed.servers == [
            ServerAddress(host: "::1", port: 2182),
            ServerAddress(host: "fe80::1%eth0", port: 2181),
            ServerAddress(host: "2001:db8::7", port: 9000),
        ])
        #expect(parsed.servers[0].description == "[::1]:2182")
        #expect(parsed.chroot == "/x")
    }

    @Test(arguments: [
        ("", ConnectStringError.empty),
        ("   ", .empty),
        ("/chroot", .empty),
        ("h1,,h2", .emptyHost(entry: "")),
        ("h1,", .emptyHost(entry: "")),
        (":2181", .emptyHost(entry: ":2181")),
        ("h1:abc", .invalidPort(entry: "h1:abc")),
        ("h1:", .invalidPort(entry: "h1:")),
        ("h1:0", .invalidPort(entry: "h1:0")),
        ("h1:65536", .invalidPort(entry: "h1:65536")),
        ("h1:-5", .invalidPort(entry: "h1:-5")),
        ("h1:+5", .invalidPort(entry: "h1:+5")),
        ("::1", .invalidHost(entry: "::1")),
        ("h1:1:2", .invalidHost(entry: "h1:1:2")),
        ("bad host:1", .invalidHost(entry: "bad host:1")),
        ("h\u{e9}:1", .invalidHost(entry: "h\u{e9}:1")),
        ("[::1", .invalidIPv6Literal(entry: "[::1")),
        ("[::1]2181", .invalidIPv6Literal(entry: "[::1]2181")),
        ("[]:2181", .invalidIPv6Literal(entry: "[]:2181")),
        ("[zz]:2181", .invalidIPv6Literal(entry: "[zz]:2181")),
        ("[::1]:x", .invalidPort(entry: "[::1]:x")),
    ])
    func refusesGarbageHosts(text: String, expected: ConnectStringError) {
        #expect(throws: expected) { try ConnectString(parsing: text) }
    }

    @Test(arguments: [
        ("h1/app/", "Path must not end with / character"),
        ("h1/app//x", "empty node name specified @5"),
        ("h1/app/./x", "relative paths not allowed @5"),
        ("h1/app/..", "relative paths not allowed @6"),
        ("h1/a\u{1}b", "invalid character @2"),
    ])
    func refusesInvalidChroots(text: String, reason: String) {
        let chroot = String(text.drop { $0 != "/" })
        #expect(throws: ConnectStringError.invalidChroot(chroot: chroot, reason: reason)) {
            try ConnectString(parsing: text)
        }
    }

    @Test func errorDescriptionsNameTheEntry() {
        #expect(ConnectStringError.invalidPort(entry: "h1:abc").description.contains("\"h1:abc\""))
        #expect(ConnectStringError.invalidChroot(chroot: "/a/", reason: "r").description == "chroot \"/a/\" is invalid: r")
    }
}
