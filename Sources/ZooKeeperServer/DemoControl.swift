import Synchronization

/// Faults `zkdash demo` can turn on in the nodes it started, and nothing else:
/// the server listens for them only with the hidden `--demo-control` flag,
/// which the demo alone passes. Two four-letter words on the client port
/// (loopback, as every demo node is): `slow` delays every log fsync by
/// `slowFsyncMs`, so the node falls behind under load; `fast` ends it.
public final class DemoControl: Sendable {
    public static let slowFsyncMs = 200
    private let fsyncDelay = Mutex(0)

    public init() {}

    /// Milliseconds added to each fsync batch (0: none).
    public var fsyncDelayMs: Int { fsyncDelay.withLock { $0 } }

    static let words: Set<String> = ["slow", "fast"]

    /// The answer to a control word.
    func apply(_ word: String) -> String {
        switch word {
        case "slow":
            fsyncDelay.withLock { $0 = Self.slowFsyncMs }
            return "slow disk: every fsync takes \(Self.slowFsyncMs) ms more\n"
        default:
            fsyncDelay.withLock { $0 = 0 }
            return "disk at full speed\n"
        }
    }
}
