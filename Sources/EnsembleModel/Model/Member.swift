import ZooKeeperAdmin

/// One node the monitor polls, and where the monitor learned of it.
public struct Member: Sendable, Equatable {
    public enum Origin: String, Sendable {
        /// Named by the user (`--servers`).
        case given
        /// A `server.N` line of the zoo.cfg given with `--config`.
        case config
        /// Found in a polled node's `conf` membership.
        case discovered
    }

    public var address: NodeAddress
    public var origin: Origin
    /// sid and role known before polling (from zoo.cfg).
    public var configuredSid: Int?
    public var configuredRole: PeerType?
    /// Index of the member this one repeats; duplicates are polled once.
    public var duplicateOf: Int?
    /// Why this member cannot be polled (its client address is unknown); it
    /// keeps a row so the membership stays visible.
    public var unpollableReason: String?

    public init(address: NodeAddress, origin: Origin = .given, configuredSid: Int? = nil, configuredRole: PeerType? = nil) {
        self.address = address
        self.origin = origin
        self.configuredSid = configuredSid
        self.configuredRole = configuredRole
    }

    /// Members from a zoo.cfg: each `server.N` line's client address
    /// (`;host:port`, else the server's host and the file's clientPort).
    /// Lines without any client port are skipped and reported.
    public static func fromConfig(_ config: ServerConfig, adminPort: Int?) -> (members: [Member], skipped: [String]) {
        var members: [Member] = []
        var skipped: [String] = []
        for entry in config.servers.sorted(by: { $0.sid < $1.sid }) {
            guard let port = entry.clientPort ?? config.clientPort else {
                skipped.append("server.\(entry.sid): no client port (add ;host:port or clientPort)")
                continue
            }
            let host = clientHost(entry.clientHost, serverHost: entry.host)
            members.append(Member(
                address: NodeAddress(host: host, clientPort: port, adminPort: adminPort),
                origin: .config, configuredSid: entry.sid, configuredRole: entry.role))
        }
        return (members, skipped)
    }

    /// A wildcard bind address names no host to connect to; the quorum host does.
    public static func clientHost(_ clientHost: String?, serverHost: String) -> String {
        guard let clientHost, !["0.0.0.0", "::", "0:0:0:0:0:0:0:0", ""].contains(clientHost) else { return serverHost }
        return clientHost
    }
}
