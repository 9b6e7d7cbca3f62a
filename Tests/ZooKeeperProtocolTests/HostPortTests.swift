import Testing
@testable import ZooKeeperProtocol

/// The one host:port parser (client connect strings, `--servers`).
struct HostPortTests {
    @Test(arguments: [
        ("zk1", "zk1", 2181), ("zk1:2182", "zk1", 2182), ("[::1]", "::1", 2181), ("[::1]:2183", "::1", 2183),
        ("127.0.0.1:1", "127.0.0.1", 1), ("my_host.example:65535", "my_host.example", 65535),
    ])
    func reads(_ entry: String, host: String, port: Int) throws {
        #expect(try HostPort.parse(Substring(entry), defaultPort: 2181) == HostPort(host: host, port: port))
    }

    @Test(arguments: [
        (":2181", HostPort.ParseError.emptyHost),
        ("zk1:0", .invalidPort(text: "0")), ("zk1:65536", .invalidPort(text: "65536")), ("zk1:", .invalidPort(text: "")),
        ("::1", .invalidHost(reason: "IPv6 literals need brackets, e.g. [::1]:2181")),
        ("[::1", .invalidIPv6Literal(reason: "'[' without a closing ']'")),
        ("[::1]x", .invalidIPv6Literal(reason: "expected ':port' after ']'")),
        ("[zk1]:2181", .invalidIPv6Literal(reason: "brackets are only for IPv6 literals")),
        ("-zk1", .invalidHost(reason: "host name label may not start or end with '-'")),
        ("zk..1", .invalidHost(reason: "host name 'zk..1' has an empty label")),
        ("zk 1", .invalidHost(reason: "'zk 1' is not a valid host name")),
    ])
    func refuses(_ entry: String, error: HostPort.ParseError) {
        #expect(throws: error) { try HostPort.parse(Substring(entry), defaultPort: 2181) }
    }
}
