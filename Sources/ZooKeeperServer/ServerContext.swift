import ZooKeeperAdmin

/// Facts about this server process the reports need (fixed at start).
struct ServerContext: Sendable {
    var config: ServerConfig
    var startedAtMs: Int64
    var clientPort: Int
    var snapshotDirectory: String
    var logDirectory: String
    var startupSnapshotLoadMs: Int64
    var startupTxnsLoadMs: Int64
    var startupTxnsLoaded: Int64
}
