/// The four-letter words Apache ZooKeeper 3.8 recognises
/// (`FourLetterCommands.cmd2String`, minus the telnet-close pseudo command),
/// plus zkdash's own `vote` (election telemetry, docs/monitoring.md). Apache
/// reads `vote` as a frame length far over jute.maxbuffer and closes the
/// connection without a byte.
///
/// A client connection whose first four bytes spell one of these (before any
/// ConnectRequest) gets a plain-text reply and is closed; any other first four
/// bytes are the big-endian length of a normal ConnectRequest.
public enum FourLetterWord: String, CaseIterable, Sendable {
    case conf, cons, crst, dirs, dump, envi, gtmk, ruok, stmk, srst, srvr, stat, wchc, wchp, wchs, mntr, isro, hash
    /// zkdash only: the election telemetry (`ElectionRecorder` format).
    case vote

    /// Recognises a word from the first four bytes read on a fresh connection.
    public init?(first4 bytes: some Collection<UInt8>) {
        guard bytes.count == 4, bytes.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return nil }
        self.init(rawValue: String(decoding: bytes, as: UTF8.self))
    }

    /// Words that answer `This ZooKeeper instance is not currently serving
    /// requests` while the server is not running (Apache's `isZKServerRunning`
    /// check). `ruok`, `envi`, `gtmk`, `stmk` answer regardless; `isro` answers
    /// `null` instead. `vote` answers regardless: it exists to show an election
    /// in progress.
    public var requiresRunningServer: Bool {
        switch self {
        case .ruok, .envi, .gtmk, .stmk, .isro, .vote: false
        default: true
        }
    }
}
