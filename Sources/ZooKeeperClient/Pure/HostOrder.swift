// Which server to try next. Apache's StaticHostProvider shuffles the list
// once, so clients spread over the ensemble, then walks it round robin; after
// a whole round without a session it pauses before starting over.

struct HostOrder: Sendable {
    /// The servers in the order they will be tried.
    let servers: [ServerAddress]
    private var nextIndex = 0
    /// Attempts since the last successful connection; a multiple of the
    /// server count means a full round failed.
    private var failedAttempts = 0

    init<Generator: RandomNumberGenerator>(_ servers: [ServerAddress], using generator: inout Generator) {
        precondition(!servers.isEmpty, "a connect string always names a server")
        self.servers = servers.shuffled(using: &generator)
    }

    /// The next server, and whether every server was tried since the last
    /// success (the caller then waits before connecting).
    mutating func next() -> (server: ServerAddress, afterFullRound: Bool) {
        let afterFullRound = failedAttempts > 0 && failedAttempts % servers.count == 0
        let server = servers[nextIndex]
        nextIndex = (nextIndex + 1) % servers.count
        failedAttempts += 1
        return (server, afterFullRound)
    }

    /// A session was established with the server last returned by `next`.
    mutating func connected() {
        failedAttempts = 0
    }
}

/// A small deterministic generator (SplitMix64) so a configured seed fixes the
/// host order, e.g. in tests.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
        return mixed ^ (mixed >> 31)
    }
}
