import QuorumCore
import ZooKeeperAdmin
import ZooKeeperCore

/// A quorum member's state as the four-letter words report it, taken on the
/// core's loop at the moment of the request.
struct QuorumTelemetry: Sendable {
    var peerState: PeerState
    /// srvr's Mode line once serving (leader / follower / observer).
    var mode: ServerMode
    /// The `vote` word's text (ElectionRecorder format, docs/monitoring.md).
    var voteText: String
    /// mntr zk_election_time: ms from looking to decided, per election.
    var electionTimes: SummaryMetric
    var quorumSize: Int
    /// Leader only: learners connected, synced followers / observers, syncs running.
    var learners: Int?
    var syncedFollowers: Int?
    var syncedObservers: Int?
    var pendingSyncs: Int?
}

extension QuorumPeer {
    func telemetry() -> QuorumTelemetry {
        let now = nowMs
        var report = QuorumTelemetry(
            peerState: election.state, mode: isObserver ? .observer : .follower,
            voteText: recorder.render(state: election.state, round: election.round, vote: election.proposal, nowMs: now),
            electionTimes: electionTimes, quorumSize: zabSettings.majority)
        switch role {
        case .leading(let leader):
            report.mode = .leader
            report.learners = leader.connectedLearners.count
            report.syncedFollowers = leader.syncedFollowers.count
            report.syncedObservers = leader.syncedObservers.count
            report.pendingSyncs = leader.pendingSyncs
        case .learning, .looking:
            break
        }
        return report
    }
}
