import ZooKeeperAdmin

/// Facts about this server process the reports need (fixed at start).
struct ServerContext: Sendable {
    var config: ServerConfig
    var configPath: String
    var startedAtMs: Int64
    var clientPort: Int
    var clientBindAddress: String
    var snapshotDirectory: String
    var logDirectory: String
    var startupSnapshotLoadMs: Int64
    var startupTxnsLoadMs: Int64
    var startupTxnsLoaded: Int64
}
