/// What a quorum member runs between elections: nothing while it looks, a ZAB
/// leader, or a ZAB learner. It is the one place the machines are mutated,
/// and it mutates them in place.
///
/// Why this type exists: the obvious way to run an input through an enum's
/// payload — `guard case .leading(var leader) = role`, change `leader`, put it
/// back — holds two references to the leader's buffers while it changes
/// them, so every change copies them whole. The leader's txn history (up to
/// 100k txns) was copied on every commit that way, and a 3-node ensemble's
/// write throughput fell round after round. `withLeader` / `withLearner`
/// clear the enum first, so the machine they hand out is the only owner.
public enum ZabRole: Sendable {
    case looking
    case leading(ZabLeader)
    case learning(ZabLearner)

    /// Runs `body` on the leader, in place; nil unless leading.
    public mutating func withLeader<Result>(_ body: (inout ZabLeader) throws -> Result) rethrows -> Result? {
        guard case .leading(var leader) = self else { return nil }
        // Drop the enum's reference before mutating: `leader` is now unique.
        self = .looking
        defer { self = .leading(leader) }
        return try body(&leader)
    }

    /// Runs `body` on the learner, in place; nil unless following or observing.
    public mutating func withLearner<Result>(_ body: (inout ZabLearner) throws -> Result) rethrows -> Result? {
        guard case .learning(var learner) = self else { return nil }
        self = .looking
        defer { self = .learning(learner) }
        return try body(&learner)
    }

    public var leader: ZabLeader? {
        if case .leading(let leader) = self { leader } else { nil }
    }

    public var learner: ZabLearner? {
        if case .learning(let learner) = self { learner } else { nil }
    }
}
