import Synchronization

/// Faults `zkdash demo` can turn on in the nodes it started, and nothing else:
/// the server listens for them only with the hidden `--demo-control` flag,
/// which the demo alone passes. Four-letter words on the client port
/// (loopback, as every demo node is):
/// - `slow` delays every log fsync by `slowFsyncMs` and makes the node apply
///   a commit only once its own log holds it, so under load it falls behind
///   the leader (lag > 0); `fast` ends it.
/// - `part` cuts the node's quorum and election traffic both ways (every peer
///   connection closes, none is accepted or opened) while its client port
///   stays open; `heal` ends it.
public final class DemoControl: Sendable {
    public static let slowFsyncMs = 200
    private let fsyncDelay = Mutex(0)
    private let partition = Mutex(false)

    public init() {}

    /// Milliseconds added to each fsync batch (0: none).
    public var fsyncDelayMs: Int { fsyncDelay.withLock { $0 } }
    /// The demo cut this node off from its peers.
    public var isPartitioned: Bool { partition.withLock { $0 } }

    static let words: Set<String> = ["slow", "fast", "part", "heal"]

    /// The answer to a control word.
    func apply(_ word: String) -> String {
        switch word {
        case "slow":
            fsyncDelay.withLock { $0 = Self.slowFsyncMs }
            return "slow disk: every fsync takes \(Self.slowFsyncMs) ms more\n"
        case "part":
            partition.withLock { $0 = true }
            return "partitioned: quorum and election traffic cut both ways\n"
        case "heal":
            partition.withLock { $0 = false }
            return "partition healed\n"
        default:
            fsyncDelay.withLock { $0 = 0 }
            return "disk at full speed\n"
        }
    }
}
