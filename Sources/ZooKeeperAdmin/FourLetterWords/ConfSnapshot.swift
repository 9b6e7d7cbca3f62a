/// What `conf` prints (Apache's `ZooKeeperServer.dumpConf`; a quorum member
/// adds `QuorumZooKeeperServer.dumpConf`'s part, see `QuorumConfSnapshot`).
public struct ConfSnapshot: Sendable, Equatable {
    /// Port the client listener is bound to; -1 when there is none.
    public var clientPort: Int
    /// TLS client port; -1 when there is none (always, in zkdash).
    public var secureClientPort: Int
    /// Absolute snapshot directory, which in Apache is `<dataDir>/version-2`.
    public var dataDir: String
    /// Bytes in snapshot files under `dataDir`.
    public var dataDirSizeBytes: Int64
    /// Absolute txn log directory (`<dataLogDir>/version-2`).
    public var dataLogDir: String
    /// Bytes in txn log files under `dataLogDir`.
    public var dataLogSizeBytes: Int64
    public var tickTimeMs: Int
    /// Connections allowed per client IP (0 = unlimited).
    public var maxClientCnxns: Int
    public var minSessionTimeoutMs: Int
    public var maxSessionTimeoutMs: Int
    /// Listen backlog of the client socket; -1 = the OS default.
    public var clientPortListenBacklog: Int
    /// `myid`; Apache prints 0 for a standalone server whatever myid says.
    public var serverId: Int
    /// A quorum member's limits, ports and membership; nil when standalone.
    public var quorum: QuorumConfSnapshot?

    public init(
        clientPort: Int, secureClientPort: Int = -1, dataDir: String, dataDirSizeBytes: Int64,
        dataLogDir: String, dataLogSizeBytes: Int64, tickTimeMs: Int, maxClientCnxns: Int,
        minSessionTimeoutMs: Int, maxSessionTimeoutMs: Int, clientPortListenBacklog: Int = -1, serverId: Int = 0,
        quorum: QuorumConfSnapshot? = nil
    ) {
        self.clientPort = clientPort
        self.secureClientPort = secureClientPort
        self.dataDir = dataDir
        self.dataDirSizeBytes = dataDirSizeBytes
        self.dataLogDir = dataLogDir
        self.dataLogSizeBytes = dataLogSizeBytes
        self.tickTimeMs = tickTimeMs
        self.maxClientCnxns = maxClientCnxns
        self.minSessionTimeoutMs = minSessionTimeoutMs
        self.maxSessionTimeoutMs = maxSessionTimeoutMs
        self.clientPortListenBacklog = clientPortListenBacklog
        self.serverId = serverId
        self.quorum = quorum
    }

    /// Fills everything from the parsed config. `snapshotDirectory` and
    /// `logDirectory` are the absolute directories actually used (Apache
    /// prints `<dir>/version-2`); `boundClientPort` is the real listening port.
    public init(
        config: ServerConfig, boundClientPort: Int?, snapshotDirectory: String, dataDirSizeBytes: Int64,
        logDirectory: String, dataLogSizeBytes: Int64
    ) {
        self.init(
            clientPort: boundClientPort ?? -1, secureClientPort: config.secureClientPort ?? -1,
            dataDir: snapshotDirectory, dataDirSizeBytes: dataDirSizeBytes, dataLogDir: logDirectory, dataLogSizeBytes: dataLogSizeBytes, tickTimeMs: config.tickTimeMs,
            maxClientCnxns: config.maxClientCnxns, minSessionTimeoutMs: config.minSessionTimeoutMs,
            maxSessionTimeoutMs: config.maxSessionTimeoutMs,
            serverId: config.isStandalone ? 0 : (config.myid ?? 0),
            quorum: config.isStandalone ? nil : QuorumConfSnapshot(config: config))
    }
}

/// The quorum part of `conf`, after `serverId=`:
///
///     initLimit=10
///     syncLimit=5
///     electionAlg=3
///     electionPort=3888
///     quorumPort=2888
///     peerType=0
///     membership: 
///     server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181
///     version=0
///
/// (`membership: ` has a trailing blank; `version=` is the hex config version
/// and ends the answer without a newline, as in Apache.)
public struct QuorumConfSnapshot: Sendable, Equatable {
    public var initLimitTicks: Int
    public var syncLimitTicks: Int
    /// Always 3 (fast leader election), the only algorithm Apache 3.8 has.
    public var electionAlg: Int
    /// This server's election and quorum ports (from its own server.N line).
    public var electionPort: Int
    public var quorumPort: Int
    /// 0 participant, 1 observer (Apache's `LearnerType.ordinal()`).
    public var peerType: PeerType
    /// Every `server.N`, in sid order.
    public var members: [ServerEntry]
    /// The membership's version: 0 for a static zoo.cfg.
    public var version: Int64

    public init(
        initLimitTicks: Int, syncLimitTicks: Int, electionAlg: Int = 3, electionPort: Int, quorumPort: Int,
        peerType: PeerType, members: [ServerEntry], version: Int64 = 0
    ) {
        self.initLimitTicks = initLimitTicks
        self.syncLimitTicks = syncLimitTicks
        self.electionAlg = electionAlg
        self.electionPort = electionPort
        self.quorumPort = quorumPort
        self.peerType = peerType
        self.members = members
        self.version = version
    }

    /// Nil when `myid` has no server.N line (a config the server refuses).
    public init?(config: ServerConfig) {
        guard let myid = config.myid, let own = config.servers.first(where: { $0.sid == myid }) else { return nil }
        self.init(
            initLimitTicks: config.initLimitTicks, syncLimitTicks: config.syncLimitTicks,
            electionPort: own.electionPort, quorumPort: own.quorumPort, peerType: own.role,
            members: config.servers.sorted { $0.sid < $1.sid })
    }

    /// What Apache serves in `/zookeeper/config` (`QuorumVerifier.toString()`):
    /// one `server.N=` line per member, then `version=` in hex, no final newline.
    public var configZnodeText: String { QuorumMembership(members: members, version: version).text }

    /// Apache's `QuorumServer.toString()`: `host:quorumPort:electionPort:type`,
    /// then `;clientHost:clientPort` when the line named a client address
    /// (a bare `;port` binds, and prints, 0.0.0.0). IPv6 hosts in brackets.
    public static func memberText(_ entry: ServerEntry) -> String {
        func delimited(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
        var text = "\(delimited(entry.host)):\(entry.quorumPort):\(entry.electionPort):\(entry.role.rawValue)"
        if let clientPort = entry.clientPort {
            text += ";\(delimited(entry.clientHost ?? "0.0.0.0")):\(clientPort)"
        }
        return text
    }
}
