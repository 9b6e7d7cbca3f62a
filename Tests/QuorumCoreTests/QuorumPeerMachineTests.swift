import Testing
@testable import QuorumCore

/// The peer machine's own decisions, on the machine the server ships: links
/// of older roles, the look-again handshake, early learners, the bound on
/// sync answers. (Whole-ensemble behaviour: ScenarioTests and the chaos runs.)
struct QuorumPeerMachineTests {
    static func settings(_ sid: Int, voters: Set<Int> = [1, 2, 3]) -> QuorumPeerMachine.Settings {
        .init(zab: ZabSettings(myid: sid, voters: voters, tickMs: 100, initLimitTicks: 10, syncLimitTicks: 5), members: voters)
    }

    static func fresh(_ sid: Int) -> QuorumPeerMachine {
        QuorumPeerMachine(settings: settings(sid), acceptedEpoch: 0, currentEpoch: 0, appliedZxid: 0,
                          history: [], historyFloorZxid: 0, nowMs: 0)
    }

    /// A 3-node simulated ensemble with a serving leader.
    static func stableEnsemble(_ options: SimOptions = SimOptions(), seed: UInt64 = 11) -> (EnsembleSim, leader: Int) {
        let sim = EnsembleSim(options: options, seed: seed)
        for sid in sim.ids { sim.start(sid) }
        var leader: Int?
        for _ in 0..<200 where leader == nil {
            sim.run(for: 100)
            leader = sim.stableLeader()
        }
        return (sim, leader ?? 0)
    }

    @Test func aRecoveredLogNewerThanTheEpochFileMakesItsEpochCurrent() {
        let machine = QuorumPeerMachine(settings: Self.settings(1), acceptedEpoch: 1, currentEpoch: 1,
                                        appliedZxid: Zxid.make(epoch: 3, counter: 7), history: [], historyFloorZxid: 0, nowMs: 0)
        #expect(machine.currentEpoch == 3)
        #expect(machine.acceptedEpoch == 3)
    }

    @Test func startingLooksAtOnceWithoutRestoringState() {
        var machine = Self.fresh(1)
        let effects = machine.start(nowMs: 0)
        #expect(effects.contains(.leaveRole))
        #expect(!effects.contains(.restoreState))
        #expect(effects.contains { if case .sendElection(to: 2, _) = $0 { true } else { false } })
        #expect(machine.election.state == .looking && machine.election.round == 1)
    }

    @Test func leavingARoleWaitsForTheRestoredStateBeforeItLooks() throws {
        let (sim, leader) = Self.stableEnsemble()
        #expect(leader != 0)
        let follower = try #require(sim.ids.first { $0 != leader })
        var machine = try #require(sim.node(follower).machine)
        let link = try #require(machine.leaderLink)
        let roundBefore = machine.election.round

        let effects = machine.leaderLinkClosed(link, nowMs: sim.now)
        #expect(effects.first.map { if case .log(.info, let line) = $0 { line.contains("LOOKING") } else { false } } == true)
        #expect(effects.contains(.leaveRole))
        #expect(effects.last == .restoreState)
        #expect(machine.awaitingState)
        // No election yet: its round starts from the restored tree.
        #expect(machine.tick(nowMs: sim.now + 500).isEmpty)
        let vote = Notification(from: leader, vote: Vote(leader: leader, zxid: 0, peerEpoch: 1), round: 1, state: .leading)
        #expect(machine.electionReceived(vote, nowMs: sim.now + 500).isEmpty)
        #expect(machine.election.round == roundBefore)

        let applied = Zxid.make(epoch: 1, counter: 2)
        let history = [ZabTxn(zxid: Zxid.make(epoch: 1, counter: 1), payload: [1]), ZabTxn(zxid: applied, payload: [2])]
        let started = machine.stateRestored(appliedZxid: applied, history: history, historyFloorZxid: 0, nowMs: sim.now + 600)
        #expect(!machine.awaitingState)
        #expect(machine.election.round == roundBefore + 1)
        #expect(machine.election.proposal.zxid == UInt64(applied))
        #expect(started.contains { if case .sendElection = $0 { true } else { false } })
    }

    @Test func aLinkOfAnOlderConnectAttemptIsClosed() throws {
        let (sim, leader) = Self.stableEnsemble()
        let follower = try #require(sim.ids.first { $0 != leader })
        var machine = try #require(sim.node(follower).machine)
        let current = machine.leaderLink
        let effects = machine.leaderLinkUp(PeerLink(999), attempt: machine.generation - 1, nowMs: sim.now)
        #expect(effects == [.close(PeerLink(999))])
        #expect(machine.leaderLink == current)
        // A failure report of an older attempt changes nothing either.
        #expect(machine.leaderLinkFailed(attempt: machine.generation - 1, reason: "refused", nowMs: sim.now).isEmpty)
        #expect(machine.role.learner != nil)
    }

    @Test func aLearnerThatArrivesWhileWeLookIsHeldThenAdmitted() {
        var machine = Self.fresh(3)
        _ = machine.start(nowMs: 0)
        let info = QuorumMessage.learnerInfo(sid: 1, acceptedEpoch: 0, isObserver: false)
        #expect(machine.learnerIntroduced(1, on: PeerLink(7), info: info, nowMs: 1).isEmpty, "held, not refused")
        // The others vote for s3; it leads and admits the held learner.
        var effects: [PeerEffect] = []
        for sid in [1, 2] {
            let vote = Notification(from: sid, vote: Vote(leader: 3, zxid: 0, peerEpoch: 0), round: 1, state: .looking)
            effects += machine.electionReceived(vote, nowMs: 2)
        }
        effects += machine.tick(nowMs: 1_000)
        #expect(machine.role.leader != nil)
        #expect(effects.contains { if case .send(PeerLink(7), .leaderInfo) = $0 { true } else { false } })
        #expect(machine.learnerLinks[1] == PeerLink(7))
    }

    @Test func aLearnerThatArrivesWhileWeFollowIsRefused() throws {
        let (sim, leader) = Self.stableEnsemble()
        let follower = try #require(sim.ids.first { $0 != leader })
        var machine = try #require(sim.node(follower).machine)
        let info = QuorumMessage.learnerInfo(sid: leader, acceptedEpoch: 1, isObserver: false)
        #expect(machine.learnerIntroduced(leader, on: PeerLink(42), info: info, nowMs: sim.now) == [.close(PeerLink(42))])
    }

    /// Syncs wait only for what is already proposed, so the queue fills only
    /// while commits stall; at the bound the learner that sends more is
    /// dropped, and what is queued is answered in order once commits resume.
    @Test func syncAnswersAreBoundedAndAnsweredInOrder() throws {
        var options = SimOptions()
        options.maxPendingSyncAnswers = 3
        let (sim, leader) = Self.stableEnsemble(options)
        let followers = sim.ids.filter { $0 != leader }
        let leaderNode = sim.node(leader)
        let linkA = try #require(leaderNode.machine?.learnerLinks[followers[0]])
        let linkB = try #require(leaderNode.machine?.learnerLinks[followers[1]])

        // Every disk stalls: a proposed txn cannot commit.
        for sid in sim.ids { sim.stall(sid, true) }
        try #require(sim.propose(at: leaderNode) != nil)
        var effects: [PeerEffect] = []
        for (index, link) in [linkA, linkA, linkB].enumerated() {
            effects += leaderNode.machine!.syncRequested(on: link, answer: [UInt8(index)], nowMs: sim.now)
        }
        #expect(effects.isEmpty, "nothing is answered before the proposal commits")
        #expect(leaderNode.machine!.pendingSyncAnswerCount == 3)

        // The fourth overflows: its learner is dropped with its waiting answers.
        let overflow = leaderNode.machine!.syncRequested(on: linkB, answer: [9], nowMs: sim.now)
        #expect(overflow.contains(.close(linkB)))
        #expect(overflow.contains { if case .log(.warning, _) = $0 { true } else { false } })
        #expect(leaderNode.machine!.pendingSyncAnswerCount == 2)
        #expect(leaderNode.machine!.learnerLinks[followers[1]] == nil)

        // Commits resume: the two answers go to the remaining learner, in order.
        for sid in sim.ids { sim.stall(sid, false) }
        var answered: [PeerEffect] = []
        let committed = leaderNode.machine!.role.leader!.lastProposedZxid
        answered += leaderNode.machine!.durable(upTo: committed, nowMs: sim.now)
        let ack = QuorumMessage.ack(zxid: committed)
        answered += leaderNode.machine!.learnerPacket(ack, on: linkA, nowMs: sim.now)
        let answers = answered.compactMap { effect -> [UInt8]? in
            if case .send(linkA, .syncAnswer(let payload)) = effect { payload } else { nil }
        }
        #expect(answers == [[0], [1]])
        #expect(leaderNode.machine!.pendingSyncAnswerCount == 0)
    }
}
