import QuorumCore
import ZooKeeperAdmin
import ZooKeeperCore

/// A quorum member's state as the four-letter words report it, taken on the
/// core's loop at the moment of the request.
struct QuorumTelemetry: Sendable {
    var peerState: PeerState
    /// The ZAB phase of the current role (discovery / synchronization /
    /// broadcast); nil while electing. mntr's zk_peer_state shows it.
    var zabPhase: String?
    /// srvr's Mode line once serving (leader / follower / observer).
    var mode: ServerMode
    /// The `vote` word's text (ElectionRecorder format, docs/monitoring.md).
    var voteText: String
    /// mntr zk_election_time: ms from looking to decided, per election that
    /// made this server lead or follow (Apache's observers record none).
    var electionTimes: SummaryMetric
    /// Voting members (Apache's zk_quorum_size is the voting view's size).
    var quorumSize: Int
    /// The sid this learner follows (an observer's zk_observer_master_id).
    var leaderId: Int?
    /// Leader only: learners connected, synced followers / observers, syncs running.
    var learners: Int?
    var syncedFollowers: Int?
    var syncedObservers: Int?
    var pendingSyncs: Int?
    /// Leader only, once it leads an epoch: the zxid Apache's leader reports
    /// until its first write, `<new epoch>00000000` (Leader.lead sets the
    /// data tree's last processed zxid to it).
    var leaderEpochZxid: Int64?

    /// mntr's quorum gauges.
    var monitorFigures: QuorumMonitorFigures {
        var leader: LeaderMonitorFigures?
        if let learners, let syncedFollowers, let syncedObservers, let pendingSyncs {
            leader = LeaderMonitorFigures(
                learners: learners, syncedFollowers: syncedFollowers, syncedObservers: syncedObservers, pendingSyncs: pendingSyncs)
        }
        return QuorumMonitorFigures(
            peerState: QuorumMonitorFigures.detailedPeerState(state: peerState.rawValue, zabPhase: zabPhase),
            quorumSize: quorumSize, observerMasterId: peerState == .observing ? leaderId : nil, leader: leader)
    }

    /// The zxid srvr and stat print: the data tree's, or on a leader that has
    /// written nothing in its epoch yet, the epoch's first zxid (as Apache).
    func reportedZxid(treeZxid: Int64) -> Int64 {
        max(treeZxid, leaderEpochZxid ?? treeZxid)
    }
}

extension QuorumPeer {
    func telemetry() -> QuorumTelemetry {
        let now = nowMs
        let election = machine.election
        var report = QuorumTelemetry(
            peerState: election.state, mode: isObserver ? .observer : .follower,
            voteText: machine.recorder.render(state: election.state, round: election.round, vote: election.proposal, nowMs: now),
            electionTimes: isObserver ? SummaryMetric() : electionTimes, quorumSize: machine.settings.zab.voters.count)
        switch machine.role {
        case .leading(let leader):
            report.mode = .leader
            report.zabPhase = leader.phase.rawValue
            report.learners = leader.connectedLearners.count
            report.syncedFollowers = leader.syncedFollowers.count
            report.syncedObservers = leader.syncedObservers.count
            report.pendingSyncs = leader.pendingSyncs
            if leader.phase == .broadcast, let epoch = leader.newEpoch {
                report.leaderEpochZxid = Zxid.make(epoch: epoch, counter: 0)
            }
        case .learning(let learner):
            report.leaderId = learner.leader
            // Apache is in DISCOVERY from the moment it follows, connected or not.
            report.zabPhase = learner.phase == .connecting ? ZabLearner.Phase.discovery.rawValue : learner.phase.rawValue
        case .looking:
            break
        }
        return report
    }
}
