/// What `conf` prints (Apache's `ZooKeeperServer.dumpConf`, standalone).
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

    public init(
        clientPort: Int, secureClientPort: Int = -1, dataDir: String, dataDirSizeBytes: Int64,
        dataLogDir: String, dataLogSizeBytes: Int64, tickTimeMs: Int, maxClientCnxns: Int,
        minSessionTimeoutMs: Int, maxSessionTimeoutMs: Int, clientPortListenBacklog: Int = -1, serverId: Int = 0
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
    }

    /// Fills everything from the parsed config. `snapshotDirectory` and
    /// `logDirectory` are the absolute directories actually used (Apache
    /// prints `<dir>/version-2`); `boundClientPort` is the real listening port.
    public init(
        config: ServerConfig, boundClientPort: Int?, snapshotDirectory: String, dataDirSizeBytes: Int64,
        logDirectory: String, dataLogSizeBytes: Int64
    ) {
        self.init(
            clientPort: boundClientPort ?? -1, dataDir: snapshotDirectory, dataDirSizeBytes: dataDirSizeBytes,
            dataLogDir: logDirectory, dataLogSizeBytes: dataLogSizeBytes, tickTimeMs: config.tickTimeMs,
            maxClientCnxns: config.maxClientCnxns, minSessionTimeoutMs: config.minSessionTimeoutMs,
            maxSessionTimeoutMs: config.maxSessionTimeoutMs,
            serverId: config.isStandalone ? 0 : (config.myid ?? 0))
    }
}
