/// The learner side: the link to the leader and what arrives on it.
extension QuorumPeerMachine {
    /// The connect that `connectToLeader(attempt:)` asked for completed.
    public mutating func leaderLinkUp(_ link: PeerLink, attempt: Int, nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        guard attempt == generation, !isStopped, case .learning = role, leaderLink == nil else {
            out.append(.close(link))
            return out
        }
        leaderLink = link
        runLearner({ $0.connected(nowMs: nowMs) }, nowMs: nowMs, into: &out)
        return out
    }

    /// The connect failed (refused or timed out). Every member binds its quorum
    /// port at start, so a refusal means the chosen leader is gone: we look
    /// again at once rather than wait for initLimit (meanwhile telling others
    /// we follow a dead leader).
    public mutating func leaderLinkFailed(attempt: Int, reason: String, nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        guard attempt == generation, let learner = role.learner else { return out }
        lookAgain(reason: "leader s\(learner.leader) refused the quorum connection: \(reason)", nowMs: nowMs, into: &out)
        return out
    }

    public mutating func leaderPacket(_ message: QuorumMessage, on link: PeerLink, nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        guard link == leaderLink, case .learning = role else { return out }
        if case .syncAnswer(let payload) = message {
            out.append(.syncAnswered(payload: payload))
        } else {
            runLearner({ $0.receive(message, nowMs: nowMs) }, nowMs: nowMs, into: &out)
        }
        return out
    }

    public mutating func leaderLinkClosed(_ link: PeerLink, nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        guard link == leaderLink else { return out }
        leaderLink = nil
        runLearner({ $0.disconnected() }, nowMs: nowMs, into: &out)
        return out
    }

    /// The shell could not load the leader's snapshot.
    public mutating func snapshotRejected(_ reason: String, nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        lookAgain(reason: "bad snapshot from the leader: \(reason)", nowMs: nowMs, into: &out)
        return out
    }

    /// Runs an input through the learner's machine, if we follow or observe.
    mutating func runLearner(_ input: (inout ZabLearner) -> [ZabLearner.Directive], nowMs: Int64, into out: inout [PeerEffect]) {
        guard let directives = role.withLearner(input) else { return }
        for directive in directives {
            switch directive {
            case .send(let message):
                if let link = leaderLink { out.append(.send(link, message)) }
            case .persistAcceptedEpoch(let epoch):
                persist(acceptedEpoch: epoch, into: &out)
            case .persistCurrentEpoch(let epoch):
                persist(currentEpoch: epoch, into: &out)
            case .log(let txn):
                out.append(.append(txn))
            case .apply(let txn):
                out.append(.apply(txn))
            case .truncate(let zxid):
                out.append(.truncate(after: zxid))
            case .loadSnapshot(let zxid, let snapshot):
                out.append(.installSnapshot(zxid: zxid, bytes: snapshot))
            case .startServing:
                // Announce the leader's established epoch to latecomers (Apache's updateElectionVote).
                election.establish(epoch: UInt64(currentEpoch))
                let leader = role.learner.map { " s\($0.leader)" } ?? ""
                out.append(.log(.info, "s\(myid) \(isObserver ? "OBSERVING" : "FOLLOWING")\(leader): up to date, serving clients, "
                                + "\(nowMs - lookingSinceMs) ms after it began looking"))
                out.append(.serveAsLearner)
            case .answerPing:
                if let link = leaderLink { out.append(.answerPing(link)) }
            case .leaderConfig(let config):
                out.append(.newerConfig(config))
            case .abandon(let reason):
                lookAgain(reason: reason, nowMs: nowMs, into: &out)
                return
            }
        }
    }
}
