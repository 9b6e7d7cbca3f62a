/// Fast Leader Election as Apache ZooKeeper 3.8 runs it
/// (`FastLeaderElection.lookForLeader` and its `WorkerReceiver`), as a pure
/// state machine: notifications and ticks in, messages to send and the
/// decision out. No clock, no socket; time is the `nowMs` each input carries.
public struct FastLeaderElection: Sendable {
    public struct Settings: Sendable {
        public var myid: Int
        /// Voting members (participants) of the configuration in force,
        /// including this server if it votes.
        public var voters: Set<Int>
        /// The voters of a reconfiguration this server has logged but not
        /// seen activated (Apache's last-seen quorum verifier). While it is
        /// known, a decision needs a quorum of both sets (Apache's
        /// `hasAllQuorums`): old and new voters may otherwise elect two
        /// leaders from disjoint majorities.
        public var proposedVoters: Set<Int>?
        /// After a quorum agrees, how long to wait for a better vote (Apache: 200 ms).
        public var finalizeWaitMs: Int64 = 200
        /// Resend notifications when nothing arrived for this long; doubles up to `maxNotificationIntervalMs`.
        public var notificationIntervalMs: Int64 = 200
        public var maxNotificationIntervalMs: Int64 = 60_000
        /// Decide without finalizeWait once every voter that is not known to be
        /// unreachable has sent this round's winning vote: no better vote can
        /// still be on its way then. (zkdash's shortcut; Apache always waits.
        /// Safety does not rest on the wait: ZAB's discovery stops a leader
        /// that a voter is ahead of.)
        public var decidesWhenAllReachableAgree = false
        /// A server outside the configuration (joining by reconfig, or
        /// removed by one) that is not an observer there follows as a
        /// non-voting follower when it decides, as Apache's participants do;
        /// false: a non-voter observes.
        public var nonVoterFollows = false
        /// This server's membership text, announced with every notification
        /// (empty: none, the ensemble does not reconfigure).
        public var config: [UInt8] = []
        /// Its `version=` line (0 without one).
        public var configVersion: Int64 { ConfigVersion.of(config) ?? 0 }

        public init(myid: Int, voters: Set<Int>) {
            self.myid = myid
            self.voters = voters
        }

        public var isVoter: Bool { voters.contains(myid) || proposedVoters?.contains(myid) == true }
        /// Everyone whose vote can count: the voters of both configurations.
        public var everyVoter: Set<Int> { proposedVoters.map { voters.union($0) } ?? voters }

        /// A majority of the voters in force and of the proposed ones, if any.
        public func isQuorum(_ sids: Set<Int>) -> Bool {
            guard sids.intersection(voters).count > voters.count / 2 else { return false }
            guard let proposed = proposedVoters else { return true }
            return sids.intersection(proposed).count > proposed.count / 2
        }
    }

    /// What the shell must do.
    public enum Directive: Hashable, Sendable {
        case send(to: Int, Notification)
        /// The election ended: become `state` behind `vote.leader`.
        case decided(state: PeerState, vote: Vote, round: UInt64)
        /// A peer announced a newer membership than ours: the shell adopts it
        /// (and tells us the new voters through `setVoters`).
        case newerConfig([UInt8])
    }

    public private(set) var settings: Settings
    public private(set) var state: PeerState = .looking
    /// The election round (Apache's logicalclock).
    public private(set) var round: UInt64 = 0
    public private(set) var proposal: Vote
    /// This round's votes of LOOKING voters, by sender.
    public private(set) var received: [Int: Vote] = [:]
    /// Votes of servers already FOLLOWING / LEADING, with their round and state.
    private var outOfElection: [Int: (vote: Vote, round: UInt64, state: PeerState)] = [:]
    /// Voters the shell cannot reach now (connection refused or lost).
    public private(set) var unreachable: Set<Int> = []
    private var lastZxid: UInt64 = 0
    private var currentEpoch: UInt64 = 0
    /// The leader a reconfig designated for this election (see `start`),
    /// proposed instead of ourselves also when a peer moves us to a newer
    /// round. Apache compares with itself there (it skips this election
    /// altogether); doing the same lost the designation whenever the two
    /// remaining voters' rounds differed, and the higher sid took over
    /// (interop RemoveLeaderTests, 1 run in 8 with the CPU busy).
    private var designated: Int?
    private var finalizeDeadlineMs: Int64?
    private var nextResendMs: Int64 = 0
    private var resendIntervalMs: Int64

    public init(settings: Settings) {
        self.settings = settings
        proposal = Vote(leader: settings.myid, zxid: 0, peerEpoch: 0)
        resendIntervalMs = settings.notificationIntervalMs
    }

    /// Starts (or restarts) looking: a new round proposing ourselves.
    ///
    /// `proposing`: a voter to propose instead of ourselves (the leader a
    /// reconfig designated when it removed the old one; Apache's
    /// designated leader), with our own zxid and epoch, in this round and in
    /// any newer round a peer moves us to: everyone who applied the reconfig
    /// agrees at once. (A voter that has not applied it proposes itself and,
    /// as up to date and with a higher sid, still wins: an ordinary election.)
    public mutating func start(lastZxid: UInt64, currentEpoch: UInt64, nowMs: Int64, proposing designated: Int? = nil) -> [Directive] {
        self.lastZxid = lastZxid
        self.currentEpoch = currentEpoch
        state = .looking
        round += 1
        received = [:]
        outOfElection = [:]
        finalizeDeadlineMs = nil
        proposal = settings.isVoter
            ? Vote(leader: settings.myid, zxid: lastZxid, peerEpoch: currentEpoch)
            : Vote(leader: Int.min, zxid: UInt64.min, peerEpoch: UInt64.min)
        self.designated = nil
        if settings.isVoter, let designated, settings.voters.contains(designated) {
            self.designated = designated
            proposal = Vote(leader: designated, zxid: lastZxid, peerEpoch: currentEpoch)
        }
        resendIntervalMs = settings.notificationIntervalMs
        nextResendMs = nowMs + resendIntervalMs
        return broadcast()
    }

    /// The current vote as this server would announce it.
    public var currentNotification: Notification {
        Notification(from: settings.myid, vote: proposal, round: round, state: state, config: settings.config)
    }

    /// A reconfiguration was logged (`proposed`) or activated (`voters`,
    /// proposed nil): who counts changes from the next message on. A round
    /// in progress keeps the votes it has; only how they are counted changes.
    public mutating func setVoters(_ voters: Set<Int>, proposed: Set<Int>?, nonVoterFollows: Bool? = nil) {
        if let nonVoterFollows { settings.nonVoterFollows = nonVoterFollows }
        settings.voters = voters
        settings.proposedVoters = proposed == voters ? nil : proposed
        guard state == .looking else { return }
        // A quorum counted under the old sets may be none now: count again.
        finalizeDeadlineMs = nil
        if !settings.isVoter, proposal.leader == settings.myid {
            // No longer a voter (the ensemble simulation saw such a server
            // lead on its own vote): propose nobody, as an observer does.
            proposal = Vote(leader: Int.min, zxid: UInt64.min, peerEpoch: UInt64.min)
            received[settings.myid] = nil
        }
    }

    private func broadcast() -> [Directive] {
        settings.everyVoter.sorted().filter { $0 != settings.myid }.map { .send(to: $0, currentNotification) }
    }

    /// Once decided, the vote this server keeps announcing to latecomers.
    public mutating func settle(state newState: PeerState, vote: Vote) {
        state = newState
        proposal = vote
        finalizeDeadlineMs = nil
    }

    /// Apache's updateElectionVote (ZOOKEEPER-1732): once ZAB established
    /// `epoch` (the leader serves, a learner is up to date), the vote this
    /// server announces carries it, so that all members of an ensemble report
    /// the same leader and epoch to a server looking for a leader — even those
    /// that decided in different elections, when the leader's epoch differed.
    public mutating func establish(epoch: UInt64) {
        guard state != .looking else { return }
        proposal.peerEpoch = epoch
    }

    /// The membership text this server announces (QuorumPeerMachine keeps it current).
    public mutating func setConfig(_ text: [UInt8]) {
        settings.config = text
    }

    public mutating func receive(_ n: Notification, nowMs: Int64) -> [Directive] {
        // A server that missed a reconfig (down or cut off while it
        // committed) learns it here, as Apache's WorkerReceiver does: its old
        // voters may never again form a quorum to elect anyone.
        guard !n.config.isEmpty, let version = ConfigVersion.of(n.config), version > settings.configVersion else {
            return receiveVote(n, nowMs: nowMs)
        }
        return [.newerConfig(n.config)] + receiveVote(n, nowMs: nowMs)
    }

    private mutating func receiveVote(_ n: Notification, nowMs: Int64) -> [Directive] {
        // Not looking: tell a looking sender whom we follow and, with it, our
        // membership (how a server that starts while a leader exists learns of
        // it, and one that missed a reconfig learns the new voters — from any
        // member, as Apache's WorkerReceiver answers).
        guard state == .looking else {
            return n.state == .looking ? [.send(to: n.from, currentNotification)] : []
        }
        // A non-voter's notifications never count. A voter answers a looking
        // one so it learns the vote, and nobody answers a decided non-voter's
        // answer: an observer and a looking voter answered each other for as
        // long as the voter looked, and two non-voters a reconfig demoted did
        // so without end (the ensemble simulation's storms).
        guard settings.everyVoter.contains(n.from) else {
            return settings.isVoter && n.state == .looking ? [.send(to: n.from, currentNotification)] : []
        }
        switch n.state {
        case .looking:
            return receiveLooking(n, nowMs: nowMs)
        case .following, .leading:
            return receiveDecided(n, nowMs: nowMs)
        case .observing:
            return []
        }
    }

    private mutating func receiveLooking(_ n: Notification, nowMs: Int64) -> [Directive] {
        var out: [Directive] = []
        if n.round > round {
            assert(state == .looking, "a new round while not looking")
            round = n.round
            received = [:]
            let own = Vote(leader: designated ?? settings.myid, zxid: lastZxid, peerEpoch: currentEpoch)
            proposal = settings.isVoter && !n.vote.beats(own) ? own : n.vote
            out += broadcast()
        } else if n.round < round {
            // Apache's WorkerReceiver answers a sender in an older round; a
            // non-voter does not (see above: the voter would answer back).
            return settings.isVoter ? [.send(to: n.from, currentNotification)] : []
        } else if n.vote.beats(proposal) {
            proposal = n.vote
            finalizeDeadlineMs = nil
            out += broadcast()
        }
        received[n.from] = n.vote
        if settings.isVoter { received[settings.myid] = proposal }
        // A quorum agrees: wait finalizeWait for a better vote (one that
        // changes nothing leaves the wait running) before deciding on a tick.
        if finalizeDeadlineMs == nil, hasQuorum(for: proposal, in: received) {
            finalizeDeadlineMs = nowMs + settings.finalizeWaitMs
        }
        if allReachableVotersAgree() { return out + decide(proposal, round: round) }
        return out
    }

    /// The shell learned which voters it cannot reach; the election may end now.
    public mutating func setUnreachable(_ sids: Set<Int>) -> [Directive] {
        unreachable = sids.subtracting([settings.myid])
        guard state == .looking, allReachableVotersAgree() else { return [] }
        return decide(proposal, round: round)
    }

    private func allReachableVotersAgree() -> Bool {
        guard settings.decidesWhenAllReachableAgree, settings.isVoter, hasQuorum(for: proposal, in: received) else { return false }
        return settings.everyVoter.allSatisfy { $0 == settings.myid || unreachable.contains($0) || received[$0] == proposal }
    }

    private mutating func receiveDecided(_ n: Notification, nowMs: Int64) -> [Directive] {
        if n.round == round {
            received[n.from] = n.vote
            if hasQuorum(for: n.vote, in: received), leaderConfirmed(n.vote.leader, round: n.round, sender: n) {
                return decide(n.vote, round: n.round)
            }
        }
        outOfElection[n.from] = (n.vote, n.round, n.state)
        // Apache compares the votes of servers out of election by leader and
        // epoch only (Vote.equals, ZOOKEEPER-1805): servers that joined the
        // same leader at different times announce different rounds and
        // zxids. Requiring those to match as well left a looking server
        // unable to ever join a working ensemble (found by the ensemble
        // simulation; EnsembleRegressionTests.lookersJoinFollowersOfDifferentRounds).
        let agreeing = outOfElection.filter {
            $0.value.vote.leader == n.vote.leader && $0.value.vote.peerEpoch == n.vote.peerEpoch
        }
        if settings.isQuorum(Set(agreeing.keys)), leaderConfirmed(n.vote.leader, round: n.round, sender: n) {
            round = n.round
            return decide(n.vote, round: n.round)
        }
        return []
    }

    /// Apache's `checkLeader`: following someone else needs that someone to
    /// have said LEADING; leading ourselves needs our own round.
    private func leaderConfirmed(_ leader: Int, round electionRound: UInt64, sender: Notification) -> Bool {
        if leader == settings.myid { return electionRound == round }
        if sender.from == leader { return sender.state == .leading }
        return outOfElection[leader]?.state == .leading
    }

    private func hasQuorum(for vote: Vote, in votes: [Int: Vote]) -> Bool {
        settings.isQuorum(Set(votes.filter { $0.value == vote }.keys))
    }

    private mutating func decide(_ vote: Vote, round electionRound: UInt64) -> [Directive] {
        // Only a voter leads, and only a decision of the current round or one a
        // quorum outside the election already follows ends the election. A
        // server a reconfig took the vote from may still be named by voters
        // that have not applied it yet (the ensemble simulation found it): it
        // waits for them to learn the new voters rather than lead.
        guard vote.leader != settings.myid || settings.isVoter else {
            finalizeDeadlineMs = nil
            return []
        }
        assert(electionRound <= round, "decided on round \(electionRound), ahead of our round \(round)")
        let newState: PeerState = vote.leader == settings.myid ? .leading
            : (settings.isVoter || settings.nonVoterFollows ? .following : .observing)
        settle(state: newState, vote: vote)
        return [.decided(state: newState, vote: vote, round: electionRound)]
    }

    /// The network to the peers is back after a cut: announce the vote now,
    /// not when the resend interval (doubled on every silent round, up to
    /// `maxNotificationIntervalMs`) next runs out. Apache's nodes wait that
    /// interval out; zkdash demo's healed partition should rejoin at once.
    public mutating func resendNow(nowMs: Int64) -> [Directive] {
        guard state == .looking else { return [] }
        resendIntervalMs = settings.notificationIntervalMs
        nextResendMs = nowMs + resendIntervalMs
        return broadcast()
    }

    /// Time passing: ends a finalizeWait with no better vote, resends when quiet.
    public mutating func tick(nowMs: Int64) -> [Directive] {
        guard state == .looking else { return [] }
        if let deadline = finalizeDeadlineMs, nowMs >= deadline {
            if hasQuorum(for: proposal, in: received) { return decide(proposal, round: round) }
            finalizeDeadlineMs = nil
        }
        if nowMs >= nextResendMs {
            resendIntervalMs = min(resendIntervalMs * 2, settings.maxNotificationIntervalMs)
            nextResendMs = nowMs + resendIntervalMs
            return broadcast()
        }
        return []
    }
}
