/// One connection on the quorum port, named by the shell. The machine never
/// sees a socket: the real shell maps links to NIO channels, the simulation
/// to its modelled connections.
public struct PeerLink: Hashable, Sendable, CustomStringConvertible {
    public let id: Int

    public init(_ id: Int) { self.id = id }

    public var description: String { "link \(id)" }
}

public enum PeerLogLevel: Sendable, Equatable {
    case info
    case warning
}

/// What the quorum peer machine asks its shell to do, in order. Effects that
/// need an answer say which input carries it.
public enum PeerEffect: Sendable, Equatable {
    // MARK: Election
    /// One notification to a peer's election port (lost if the peer cannot be reached: FLE resends).
    case sendElection(to: Int, Notification)
    /// The election ended: this server now leads, follows or observes `leader`,
    /// `afterMs` after it began looking (mntr's zk_election_time).
    case decided(PeerState, leader: Int, round: UInt64, afterMs: Int64)

    // MARK: Quorum links
    /// Connect to the leader's quorum port; answer with `leaderLinkUp` or
    /// `leaderLinkFailed` carrying `attempt`.
    case connectToLeader(sid: Int, attempt: Int)
    case send(PeerLink, QuorumMessage)
    /// A SNAP of the local tree to the learner on this link.
    case sendSnapshot(PeerLink)
    /// A PING to the leader carrying the sessions the local core saw touched.
    case answerPing(PeerLink)
    /// Close a link. The machine has already forgotten it: a later close report is ignored.
    case close(PeerLink)

    // MARK: Disk
    case persistAcceptedEpoch(Int64)
    case persistCurrentEpoch(Int64)
    /// A learner logs a proposed txn; its fsync is reported with `durable(upTo:)`.
    case append(ZabTxn)
    /// Drop every logged txn above the zxid, now and at every later recovery,
    /// and reload the tree from disk.
    case truncate(after: Int64)
    /// Replace the local state with the leader's snapshot (durable before
    /// anything else is acked); a snapshot that cannot be loaded is reported
    /// with `snapshotRejected`.
    case installSnapshot(zxid: Int64, bytes: [UInt8])

    // MARK: The server core
    /// Stop serving clients and drop log writes not yet begun: the role ended.
    case leaveRole
    /// Make the tree equal the durable log again (keep it when it already
    /// does, else reload from disk); answer with `stateRestored`.
    case restoreState
    /// A learner applies a committed txn.
    case apply(ZabTxn)
    /// The leader's own logged txns up to the zxid are committed: apply and answer them.
    case commit(upTo: Int64)
    /// Serve clients as leader of the epoch.
    case serveAsLeader(epoch: Int64)
    /// Serve clients as follower or observer.
    case serveAsLearner
    /// Sessions a learner saw touched (a ping's payload), for the leader's session tracker.
    case sessionTouches(from: Int, payload: [UInt8])
    /// A learner forwarded a client request; a sync is handed back with `syncRequested`.
    case forwarded(from: Int, link: PeerLink, payload: [UInt8])
    /// The leader answered a sync this learner forwarded.
    case syncAnswered(payload: [UInt8])

    /// A peer's membership text (/zookeeper/config), from the leader's
    /// NEWLEADER or a peer's election notification: adopt it if it is newer
    /// than ours (Apache's processReconfig of a received quorum verifier).
    case newerConfig([UInt8])

    /// A line for the server log (the simulation's trace).
    case log(PeerLogLevel, String)
}
