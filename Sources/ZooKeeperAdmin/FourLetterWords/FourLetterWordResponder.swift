/// What the server can report, asked lazily so that a `ruok` does not pay
/// for a `dump`. Implementations gather values from the live server (on its
/// own executor); everything returned is plain data.
public protocol FourLetterWordSource {
    /// False while starting up or while a quorum peer has no quorum.
    var isServing: Bool { get }
    func serverStats() -> ServerStatsSnapshot
    func connections() -> [ConnectionSnapshot]
    func monitor() -> MonitorSnapshot
    func conf() -> ConfSnapshot
    func dump() -> DumpSnapshot
    /// Data watches only (see `WatchSnapshot`).
    func watches() -> WatchSnapshot
    func environment() -> [EnvironmentEntry]
    /// Bytes in snapshot files and in txn log files.
    func directorySizes() -> (dataDirBytes: Int64, logDirBytes: Int64)
    /// Recorded tree digests for `hash`, oldest first.
    func digests() -> [(zxid: Int64, digest: Int64)]
    /// Current trace mask for `gtmk`.
    var traceMask: Int64 { get }
    /// A quorum member's `vote` telemetry; nil on a standalone server.
    func electionTelemetry() -> String?
}

extension FourLetterWordSource {
    public func digests() -> [(zxid: Int64, digest: Int64)] { [] }
    public func electionTelemetry() -> String? { nil }
    public var traceMask: Int64 { 306 }
}

/// A reply plus the state change the server must make for it.
public struct FourLetterWordReply: Sendable, Equatable {
    public enum Effect: Sendable, Equatable {
        /// `crst`: reset every connection's counters and latencies.
        case resetConnectionStats
        /// `srst`: reset server latency, packet and response-size stats.
        case resetServerStats
        /// `stmk`: store this trace mask.
        case setTraceMask(Int64)
    }

    /// Bytes to write before closing the connection.
    public var text: String
    public var effect: Effect?

    public init(text: String, effect: Effect? = nil) {
        self.text = text
        self.effect = effect
    }
}

extension FourLetterWords {
    /// Whitelist check, not-serving check and the word's reply, in Apache's
    /// order. `stmkArgument` is the 8-byte mask that follows `stmk` on the
    /// wire (the server reads it before calling; nil → the current mask).
    public static func respond(
        to word: FourLetterWord, whitelist: FourLetterWordWhitelist, source: some FourLetterWordSource,
        stmkArgument: Int64? = nil
    ) -> FourLetterWordReply {
        guard whitelist.allows(word) else { return FourLetterWordReply(text: notInWhitelist(word)) }
        if !source.isServing, let text = notServingReply(for: word) { return FourLetterWordReply(text: text) }
        switch word {
        case .ruok: return FourLetterWordReply(text: ruok())
        case .srvr: return FourLetterWordReply(text: srvr(source.serverStats()))
        case .stat: return FourLetterWordReply(text: stat(source.serverStats(), connections: source.connections()))
        case .cons: return FourLetterWordReply(text: cons(source.connections()))
        case .crst: return FourLetterWordReply(text: crst(), effect: .resetConnectionStats)
        case .srst: return FourLetterWordReply(text: srst(), effect: .resetServerStats)
        case .mntr: return FourLetterWordReply(text: mntr(source.monitor()))
        case .conf: return FourLetterWordReply(text: conf(source.conf()))
        case .envi: return FourLetterWordReply(text: envi(source.environment()))
        case .dump: return FourLetterWordReply(text: dump(source.dump()))
        case .wchs: return FourLetterWordReply(text: wchs(source.watches()))
        case .wchc: return FourLetterWordReply(text: wchc(source.watches()))
        case .wchp: return FourLetterWordReply(text: wchp(source.watches()))
        case .isro: return FourLetterWordReply(text: isro(serving: true, readOnly: source.serverStats().mode == .readOnly))
        case .dirs:
            let sizes = source.directorySizes()
            return FourLetterWordReply(text: dirs(dataDirSizeBytes: sizes.dataDirBytes, logDirSizeBytes: sizes.logDirBytes))
        case .gtmk: return FourLetterWordReply(text: gtmk(traceMask: source.traceMask))
        case .stmk:
            let mask = stmkArgument ?? source.traceMask
            return FourLetterWordReply(text: stmk(newTraceMask: mask), effect: .setTraceMask(mask))
        case .hash: return FourLetterWordReply(text: hash(source.digests()))
        case .vote: return FourLetterWordReply(text: vote(source.electionTelemetry()))
        }
    }
}
