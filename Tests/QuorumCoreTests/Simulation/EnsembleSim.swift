@testable import QuorumCore

/// Knobs of one simulated ensemble.
struct SimOptions {
    var voters = 3
    var observers = 0
    var tickMs: Int64 = 100
    var initLimitTicks: Int64 = 10
    var syncLimitTicks: Int64 = 5
    var maxHistory = 100_000
    /// How often each shell ticks its machines.
    var shellTickMs: Int64 = 50
    var electionDelayMs: ClosedRange<Int64> = 1...30
    var quorumDelayMs: ClosedRange<Int64> = 1...15
    var fsyncDelayMs: ClosedRange<Int64> = 1...20
    /// A connect to a partitioned peer fails after this (a stopped one refuses at once).
    var connectTimeoutMs: Int64 = 200
}

/// Counts of what happened in a run: a test can check the chaos really
/// exercised what it claims to.
struct SimStats {
    var leaderships = 0
    var abandons = 0
    var crashes = 0
    var powerLosses = 0
    var lostUnsyncedTxns = 0
    var pauses = 0
    var partitions = 0
    var truncations = 0
    var snapshots = 0
    var proposed = 0
    var electionMessagesLost = 0
    var events = 0

    mutating func add(_ other: SimStats) {
        leaderships += other.leaderships
        abandons += other.abandons
        crashes += other.crashes
        powerLosses += other.powerLosses
        lostUnsyncedTxns += other.lostUnsyncedTxns
        pauses += other.pauses
        partitions += other.partitions
        truncations += other.truncations
        snapshots += other.snapshots
        proposed += other.proposed
        electionMessagesLost += other.electionMessagesLost
        events += other.events
    }
}

/// A whole ensemble in one process: per node the election and ZAB machines
/// driven as the real shell (`QuorumPeer`) drives them, a fake disk, a fake
/// network and a fake clock. Every random choice comes from `random`, so a
/// run is a pure function of its seed and of the calls made on it.
final class EnsembleSim {
    let options: SimOptions
    var random: SeededRandom
    private(set) var now: Int64 = 0
    let voters: Set<Int>
    let nodes: [SimNode]
    var checker = SimChecker()
    private(set) var stats = SimStats()
    /// Story lines (role changes, sync, faults) with their time; nil: not recorded.
    var trace: [(at: Int64, line: String)]?
    /// Also record every message.
    var traceMessages = false

    private var queue = EventQueue<SimEvent>()
    static let maxQueuedEvents = 50_000
    private var connections: [SimConnection] = []
    private var group: [Int]
    private var generations = 0
    private var writeInterval: ClosedRange<Int64>?
    private var writeToken = 0

    init(options: SimOptions, seed: UInt64) {
        self.options = options
        random = SeededRandom(seed: seed)
        let voters = Set(1...options.voters)
        self.voters = voters
        nodes = (1...(options.voters + options.observers)).map { SimNode(sid: $0, voters: voters) }
        group = Array(repeating: 0, count: nodes.count)
    }

    func node(_ sid: Int) -> SimNode { nodes[sid - 1] }
    var ids: [Int] { nodes.map(\.sid) }
    var violations: [String] { checker.violations }

    func say(_ line: @autoclosure () -> String) {
        if trace != nil { trace!.append((now, line())) }
    }

    private func nextGeneration() -> Int {
        generations += 1
        return generations
    }

    private func delay(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &random) }

    private func schedule(_ event: SimEvent, at time: Int64) { queue.push(event, at: time) }

    func reachable(_ a: Int, _ b: Int) -> Bool { group[a - 1] == group[b - 1] }

    // MARK: Running

    /// Runs every event due up to `time` (stops early at the first violation).
    func run(until time: Int64) {
        while let next = queue.nextTime, next <= time, violations.isEmpty {
            let (at, event) = queue.pop()!
            now = at
            stats.events += 1
            dispatch(event)
            // Messages that beget more messages without end (a livelock the
            // network's duplication turns into a storm) must fail, not hang.
            if queue.count > Self.maxQueuedEvents {
                checker.fail("t=\(now) runaway: \(queue.count) events queued")
            }
        }
        if violations.isEmpty { now = max(now, time) }
    }

    func run(for duration: Int64) { run(until: now + duration) }

    private func dispatch(_ event: SimEvent) {
        let sid: Int
        switch event {
        case .tick(let target, let incarnation):
            let node = node(target)
            guard node.up, node.incarnation == incarnation else { return }
            schedule(event, at: now + options.shellTickMs)
            // A paused process's timers fire once it runs again.
            if !node.paused { tick(node) }
            return
        case .clientWrite(let token):
            clientWrite(token)
            return
        case .election(let to, let notification):
            // Crossing a partition that formed while the message was in flight.
            guard reachable(notification.from, to) else { return }
            sid = to
        case .connected(let id):
            sid = connections[id].learner
        case .quorum(let id, let toLeader, _), .closed(let id, let toLeader):
            sid = toLeader ? connections[id].leader : connections[id].learner
        case .connectFailed(let target, _), .fsynced(let target, _, _):
            sid = target
        case .electionLink(let target, _, _, let incarnation):
            guard node(target).incarnation == incarnation else { return }
            sid = target
        }
        let node = node(sid)
        guard node.up else { return }
        if node.paused {
            node.inbox.append(event)
            return
        }
        process(event, at: node)
    }

    private func process(_ event: SimEvent, at node: SimNode) {
        switch event {
        case .election(_, let notification):
            if traceMessages { say("s\(node.sid) <- s\(notification.from) \(notification.state.rawValue) votes s\(notification.vote.leader) round \(notification.round)") }
            // As QuorumPeer.electionReceived: a voter heard from is reachable.
            if node.unreachable.remove(notification.from) != nil {
                electionStep(node) { [unreachable = node.unreachable] in $0.setUnreachable(unreachable) }
            }
            electionStep(node) { $0.receive(notification, nowMs: now) }
        case .connected(let id):
            guard node.leaderConnection == id, connections[id].open else { return }
            connections[id].established = true
            learnerStep(node) { $0.connected(nowMs: now) }
        case .connectFailed(_, let role):
            guard node.roleGeneration == role, let zab = node.learnerMachine else { return }
            lookAgain(node, reason: "leader s\(zab.leader) refused the quorum connection")
        case .electionLink(_, let peer, let up, _):
            electionLink(node, to: peer, up: up)
        case .quorum(let id, let toLeader, let message):
            if toLeader { leaderReceives(node, message, on: id) } else { learnerReceives(node, message, on: id) }
        case .closed(let id, let toLeader):
            if toLeader { leaderSawClose(node, id) } else { learnerSawClose(node, id) }
        case .fsynced(_, let disk, let count):
            fsynced(node, disk: disk, count: count)
        case .tick, .clientWrite:
            break
        }
    }

    private func tick(_ node: SimNode) {
        switch node.role {
        case .looking: electionStep(node) { $0.tick(nowMs: now) }
        case .leading: leaderStep(node) { $0.tick(nowMs: now) }
        case .learning: learnerStep(node) { $0.tick(nowMs: now) }
        case .down: break
        }
    }

    // MARK: Faults and lifecycle

    /// Starts a stopped server: reload the durable state, look for a leader.
    func start(_ sid: Int) {
        let node = node(sid)
        guard !node.up else { return }
        node.up = true
        node.incarnation += 1
        reload(node)
        node.acceptedEpoch = node.disk.acceptedEpoch
        node.currentEpoch = node.disk.currentEpoch
        // As QuorumPeer.init: a log newer than the current epoch file makes
        // the last txn's epoch current (Apache's upgrade rule).
        let lastEpoch = Zxid.epoch(node.treeLastZxid)
        if lastEpoch > node.currentEpoch { node.currentEpoch = lastEpoch }
        node.acceptedEpoch = max(node.acceptedEpoch, node.currentEpoch)
        node.election = SimNode.newElection(sid: sid, voters: voters)
        // Peers' election connections to the previous process break on their next write.
        dropElectionLinks(to: sid)
        say("s\(sid) starts: log to \(Zxid.hex(node.disk.lastZxid)), epochs \(node.acceptedEpoch)/\(node.currentEpoch)")
        schedule(.tick(sid, incarnation: node.incarnation), at: now + delay(1...options.shellTickMs))
        lookAgain(node, reason: nil)
    }

    /// The process dies: what it had queued for the log is lost; the batch
    /// being written survives a kill (the OS finishes it), not a power loss.
    func crash(_ sid: Int, powerLoss: Bool) {
        let node = node(sid)
        guard node.up else { return }
        node.up = false
        node.paused = false
        node.inbox = []
        node.incarnation += 1
        for id in connections.indices where connections[id].open && (connections[id].learner == sid || connections[id].leader == sid) {
            close(id, by: nil)
        }
        node.leaderConnection = nil
        node.learnerConnections = [:]
        node.earlyLearners = [:]
        node.electionLinks = []
        node.electionConnecting = [:]
        node.unreachable = []
        // A killed process's kernel resets its connections; a machine without
        // power says nothing (its peers notice when it comes back).
        if !powerLoss { dropElectionLinks(to: sid) }
        let lost = node.disk.dropUnsynced(finishingBatch: !powerLoss)
        if powerLoss { stats.powerLosses += 1 }
        stats.lostUnsyncedTxns += lost
        node.disk.generation = nextGeneration()
        node.role = .down
        node.serving = false
        node.tree = []
        node.verified = 0
        stats.crashes += 1
        say("s\(sid) " + (powerLoss ? "loses power" : "is killed") + (lost > 0 ? " (\(lost) unsynced txns lost)" : ""))
    }

    func pause(_ sid: Int) {
        let node = node(sid)
        guard node.up, !node.paused else { return }
        node.paused = true
        stats.pauses += 1
        say("s\(sid) paused")
    }

    /// A paused server runs again: first everything that queued up for it.
    func resume(_ sid: Int) {
        let node = node(sid)
        guard node.up, node.paused else { return }
        node.paused = false
        say("s\(sid) resumed (\(node.inbox.count) queued events)")
        let queued = node.inbox
        node.inbox = []
        for event in queued where node.up && !node.paused { process(event, at: node) }
    }

    /// Splits the servers into groups that cannot reach each other (unlisted
    /// servers are each alone); quorum connections across groups break.
    func partition(_ groups: [[Int]]) {
        group = nodes.map { 1000 + $0.sid }
        for (index, members) in groups.enumerated() {
            for sid in members { group[sid - 1] = index }
        }
        for id in connections.indices where connections[id].open && !reachable(connections[id].learner, connections[id].leader) {
            close(id, by: nil)
        }
        stats.partitions += 1
        say("partition " + groups.map { $0.map { "s\($0)" }.joined(separator: " ") }.joined(separator: " | "))
    }

    func heal() {
        group = Array(repeating: 0, count: nodes.count)
        say("partition healed")
    }

    var isPartitioned: Bool { Set(group).count > 1 }

    func stall(_ sid: Int, _ stalled: Bool) {
        let node = node(sid)
        node.stalled = stalled
        say("s\(sid) disk \(stalled ? "stalls" : "runs again")")
        if !stalled { scheduleFsync(node) }
    }

    func slowDisk(_ sid: Int, _ slow: Bool) {
        node(sid).slowDisk = slow
    }

    /// Election messages (independent datagrams here, unlike the quorum
    /// connections) are lost / delivered twice with these probabilities.
    var electionLoss = 0.0
    var electionDuplication = 0.0

    // MARK: Clients

    /// Writes through a serving leader every `interval` ms until `stopWrites`.
    func startWrites(every interval: ClosedRange<Int64>) {
        writeInterval = interval
        writeToken += 1
        schedule(.clientWrite(token: writeToken), at: now + delay(interval))
    }

    func stopWrites() {
        writeInterval = nil
        writeToken += 1
    }

    private func clientWrite(_ token: Int) {
        guard token == writeToken, let interval = writeInterval else { return }
        schedule(.clientWrite(token: token), at: now + delay(interval))
        // A stale leader that still believes it serves gets writes too: they
        // must never be acknowledged without a quorum.
        let leaders = nodes.filter(\.isServingLeader)
        guard !leaders.isEmpty else { return }
        propose(at: leaders[Int.random(in: 0..<leaders.count, using: &random)])
    }

    /// The leader's core prepares one txn: next zxid of its epoch, a payload
    /// that names who proposed it, logged locally and handed to ZAB.
    @discardableResult
    func propose(at node: SimNode) -> ZabTxn? {
        guard node.isServingLeader, let zab = node.leaderMachine, let epoch = zab.newEpoch else { return nil }
        let last = zab.lastProposedZxid
        let counter = Zxid.epoch(last) == epoch ? Zxid.counter(last) + 1 : 1
        let txn = ZabTxn(zxid: Zxid.make(epoch: epoch, counter: counter), payload: Array("s\(node.sid)e\(epoch)#\(counter)".utf8))
        node.disk.log.append(txn)
        scheduleFsync(node)
        stats.proposed += 1
        leaderStep(node) { $0.propose(txn) }
        return txn
    }

    // MARK: Election

    private func electionStep(_ node: SimNode, _ body: (inout FastLeaderElection) -> [FastLeaderElection.Directive]) {
        let out = body(&node.election)
        if trace != nil, node.election.state == .looking, !node.isObserver, node.election.proposal.leader != node.announcedVote {
            let vote = node.election.proposal
            node.announcedVote = vote.leader
            say("s\(node.sid) votes s\(vote.leader) (zxid \(Zxid.hex(Int64(bitPattern: vote.zxid))), epoch \(vote.peerEpoch), round \(node.election.round))")
        }
        for directive in out {
            switch directive {
            case .send(let to, let notification):
                sendElection(notification, from: node.sid, to: to)
            case .decided(let state, let vote, let round):
                become(node, state, leader: vote.leader, round: round)
            }
        }
    }

    /// As QuorumPeer.sendElection: over the connection to `to` if it is up;
    /// otherwise connect first (a stopped server refuses at once, a
    /// partitioned one times out) and send the newest notification once up.
    private func sendElection(_ notification: Notification, from: Int, to: Int) {
        let sender = node(from)
        if sender.electionLinks.contains(to) {
            transmit(notification, from: from, to: to)
            return
        }
        let connecting = sender.electionConnecting[to] != nil
        sender.electionConnecting[to] = notification
        guard !connecting else { return }
        let peer = node(to)
        let up = peer.up && reachable(from, to)
        let after = up ? delay(options.electionDelayMs) : (peer.up ? options.connectTimeoutMs : delay(1...5))
        schedule(.electionLink(from, peer: to, up: up, incarnation: sender.incarnation), at: now + after)
    }

    private func electionLink(_ node: SimNode, to peer: Int, up: Bool) {
        let pending = node.electionConnecting.removeValue(forKey: peer)
        // The peer may have stopped or been cut off while the connect was under way.
        let connected = up && self.node(peer).up && reachable(node.sid, peer)
        if connected {
            node.electionLinks.insert(peer)
            if let pending { transmit(pending, from: node.sid, to: peer) }
        } else {
            node.electionLinks.remove(peer)
        }
        // As QuorumPeer.electionPeer: the election learns who cannot be reached.
        let changed = connected ? node.unreachable.remove(peer) != nil : node.unreachable.insert(peer).inserted
        if changed { electionStep(node) { [unreachable = node.unreachable] in $0.setUnreachable(unreachable) } }
    }

    /// Everyone's election connection to `sid` breaks; they notice shortly.
    private func dropElectionLinks(to sid: Int) {
        for other in nodes where other.up && other.electionLinks.contains(sid) {
            other.electionLinks.remove(sid)
            schedule(.electionLink(other.sid, peer: sid, up: false, incarnation: other.incarnation), at: now + delay(1...5))
        }
    }

    /// One notification on an election connection. Unlike the quorum
    /// connections these may be lost, duplicated and reordered.
    private func transmit(_ notification: Notification, from: Int, to: Int) {
        guard reachable(from, to) else { return }
        if electionLoss > 0, Double.random(in: 0..<1, using: &random) < electionLoss {
            stats.electionMessagesLost += 1
            return
        }
        schedule(.election(to: to, notification), at: now + delay(options.electionDelayMs))
        if electionDuplication > 0, Double.random(in: 0..<1, using: &random) < electionDuplication {
            schedule(.election(to: to, notification), at: now + delay(options.electionDelayMs))
        }
    }

    /// Leaves the current role, reloads the durable state and looks (the
    /// shell's lookAgain); `reason` nil: the process just started.
    private func lookAgain(_ node: SimNode, reason: String?) {
        if let reason {
            if case .looking = node.role { return }
            stats.abandons += 1
            say("s\(node.sid) gives up: \(reason)")
            resetState(node)
        }
        node.roleGeneration = nextGeneration()
        closeRoleConnections(node)
        node.role = .looking
        node.serving = false
        node.announcedVote = nil
        electionStep(node) { [now] in
            $0.start(lastZxid: UInt64(bitPattern: node.treeLastZxid), currentEpoch: UInt64(node.currentEpoch), nowMs: now)
        }
    }

    /// The durable part of the log is what a reload finds (the shell lets the
    /// batch being written finish and drops the rest): the applied state is
    /// the snapshot plus all of it, and the log is the history a leader can
    /// send by DIFF.
    private func reload(_ node: SimNode) {
        _ = node.disk.dropUnsynced(finishingBatch: true)
        node.disk.generation = nextGeneration()
        node.tree = node.disk.snapshot + node.disk.log
        node.verified = 0
        node.history = node.disk.log
        node.historyFloorZxid = node.disk.snapshotZxid
    }

    /// As QuorumPeer.resetState on leaving a role: a tree that already equals
    /// the durable log is kept, with no history in memory (learners behind a
    /// leader that kept its tree get a snapshot); otherwise a reload.
    private func resetState(_ node: SimNode) {
        _ = node.disk.dropUnsynced(finishingBatch: true)
        guard node.disk.lastZxid == node.treeLastZxid else {
            reload(node)
            return
        }
        node.disk.generation = nextGeneration()
        node.history = []
        node.historyFloorZxid = node.treeLastZxid
    }

    private func zabSettings(_ sid: Int) -> ZabSettings {
        ZabSettings(myid: sid, voters: voters, tickMs: options.tickMs, initLimitTicks: options.initLimitTicks,
                    syncLimitTicks: options.syncLimitTicks, maxHistory: options.maxHistory)
    }

    private func become(_ node: SimNode, _ state: PeerState, leader: Int, round: UInt64) {
        node.roleGeneration = nextGeneration()
        say("s\(node.sid) \(state.rawValue)" + (state == .leading ? "" : " s\(leader)") + " (round \(round))")
        if state == .leading {
            node.role = .leading(ZabLeader(
                settings: zabSettings(node.sid), acceptedEpoch: node.acceptedEpoch, currentEpoch: node.currentEpoch,
                lastZxid: node.treeLastZxid, history: node.history, historyFloorZxid: node.historyFloorZxid, nowMs: now))
            let early = node.earlyLearners
            node.earlyLearners = [:]
            for sid in early.keys.sorted() where connections[early[sid]!.connection].open {
                learnerArrived(node, sid, on: early[sid]!.connection, info: early[sid]!.info)
            }
        } else {
            for sid in node.earlyLearners.keys.sorted() { close(node.earlyLearners[sid]!.connection, by: node.sid) }
            node.earlyLearners = [:]
            node.role = .learning(ZabLearner(
                settings: zabSettings(node.sid), leader: leader, isObserver: state == .observing,
                acceptedEpoch: node.acceptedEpoch, currentEpoch: node.currentEpoch, lastZxid: node.treeLastZxid, nowMs: now))
            connectToLeader(node)
        }
        // The shell keeps no history once it has a role (the leader copied it).
        node.history = []
    }

    // MARK: Quorum connections

    private func connectToLeader(_ node: SimNode) {
        guard let zab = node.learnerMachine else { return }
        let leader = self.node(zab.leader)
        guard leader.up, reachable(node.sid, leader.sid) else {
            let after = leader.up ? options.connectTimeoutMs : delay(1...5)
            schedule(.connectFailed(node.sid, role: node.roleGeneration), at: now + after)
            return
        }
        connections.append(SimConnection(learner: node.sid, leader: leader.sid))
        let id = connections.count - 1
        node.leaderConnection = id
        // A paused leader's kernel still completes the handshake.
        schedule(.connected(connection: id), at: now + delay(options.quorumDelayMs) + delay(options.quorumDelayMs))
    }

    /// Closes a connection; the other side (both, when `closer` is nil: a
    /// partition or a crash) notices after a network delay.
    private func close(_ id: Int, by closer: Int?) {
        guard connections[id].open else { return }
        connections[id].open = false
        let connection = connections[id]
        if closer != connection.learner {
            schedule(.closed(connection: id, toLeader: false), at: max(now + delay(options.quorumDelayMs), connection.lastToLearner))
        }
        if closer != connection.leader {
            schedule(.closed(connection: id, toLeader: true), at: max(now + delay(options.quorumDelayMs), connection.lastToLeader))
        }
    }

    private func closeRoleConnections(_ node: SimNode) {
        if let id = node.leaderConnection { close(id, by: node.sid) }
        node.leaderConnection = nil
        for sid in node.learnerConnections.keys.sorted() { close(node.learnerConnections[sid]!, by: node.sid) }
        node.learnerConnections = [:]
    }

    private func sendToLearner(_ leader: SimNode, _ sid: Int, _ message: QuorumMessage) {
        guard let id = leader.learnerConnections[sid], connections[id].open else { return }
        if trace != nil {
            switch message {
            case .diff(let zxid): say("s\(leader.sid) syncs s\(sid) by DIFF to \(Zxid.hex(zxid))")
            case .trunc(let zxid): say("s\(leader.sid) syncs s\(sid) by TRUNC to \(Zxid.hex(zxid))")
            case .snap(let zxid, _): say("s\(leader.sid) syncs s\(sid) by SNAP at \(Zxid.hex(zxid))")
            default: if traceMessages { say("s\(leader.sid) -> s\(sid) \(Self.describe(message))") }
            }
        }
        let at = max(now + delay(options.quorumDelayMs), connections[id].lastToLearner)
        connections[id].lastToLearner = at
        schedule(.quorum(connection: id, toLeader: false, message), at: at)
    }

    private func sendToLeader(_ learner: SimNode, _ message: QuorumMessage) {
        guard let id = learner.leaderConnection, connections[id].open, connections[id].established else { return }
        if traceMessages { say("s\(learner.sid) -> s\(connections[id].leader) \(Self.describe(message))") }
        let at = max(now + delay(options.quorumDelayMs), connections[id].lastToLeader)
        connections[id].lastToLeader = at
        schedule(.quorum(connection: id, toLeader: true, message), at: at)
    }

    /// The leader's shell: the first packet on a connection must be a
    /// LEARNERINFO and this server must be leading, else the connection closes.
    private func leaderReceives(_ node: SimNode, _ message: QuorumMessage, on id: Int) {
        guard connections[id].open else { return }
        let sid = connections[id].learner
        if !connections[id].bound {
            guard case .learnerInfo(let claimed, _, _) = message, claimed == sid else {
                close(id, by: node.sid)
                return
            }
            learnerArrived(node, sid, on: id, info: message)
            return
        }
        guard node.learnerConnections[sid] == id else { return }
        leaderStep(node) { $0.receive(message, from: sid, nowMs: now) }
    }

    /// As QuorumPeer.learnerArrived: a leader admits the learner; a server
    /// still looking holds it until it leads; a learner refuses it.
    private func learnerArrived(_ node: SimNode, _ sid: Int, on id: Int, info: QuorumMessage) {
        switch node.role {
        case .leading:
            if let old = node.learnerConnections[sid], old != id { close(old, by: node.sid) }
            node.learnerConnections[sid] = id
            connections[id].bound = true
            leaderStep(node) { $0.receive(info, from: sid, nowMs: now) }
        case .looking:
            if let old = node.earlyLearners[sid]?.connection, old != id { close(old, by: node.sid) }
            node.earlyLearners[sid] = (id, info)
        case .learning, .down:
            close(id, by: node.sid)
        }
    }

    private func learnerReceives(_ node: SimNode, _ message: QuorumMessage, on id: Int) {
        guard connections[id].open, node.leaderConnection == id else { return }
        learnerStep(node) { $0.receive(message, nowMs: now) }
    }

    private func leaderSawClose(_ node: SimNode, _ id: Int) {
        let sid = connections[id].learner
        if node.earlyLearners[sid]?.connection == id { node.earlyLearners[sid] = nil }
        guard node.learnerConnections[sid] == id else { return }
        node.learnerConnections[sid] = nil
        leaderStep(node) {
            $0.learnerDisconnected(sid)
            return []
        }
    }

    /// As QuorumPeer: a connect that never completed sends the learner back
    /// to looking; a lost connection goes to the machine.
    private func learnerSawClose(_ node: SimNode, _ id: Int) {
        guard node.leaderConnection == id else { return }
        node.leaderConnection = nil
        guard connections[id].established else {
            lookAgain(node, reason: "leader s\(connections[id].leader) refused the quorum connection")
            return
        }
        learnerStep(node) { $0.disconnected() }
    }

    // MARK: Disk

    private func scheduleFsync(_ node: SimNode) {
        guard node.disk.syncingTo == nil, !node.stalled, node.disk.durable < node.disk.log.count else { return }
        node.disk.syncingTo = node.disk.log.count
        let duration = delay(options.fsyncDelayMs) * (node.slowDisk ? 10 : 1)
        schedule(.fsynced(node.sid, disk: node.disk.generation, count: node.disk.log.count), at: now + duration)
    }

    private func fsynced(_ node: SimNode, disk generation: Int, count: Int) {
        guard node.disk.generation == generation else { return }
        node.disk.syncingTo = nil
        if count > node.disk.durable {
            node.disk.durable = count
            let zxid = node.disk.log[count - 1].zxid
            switch node.role {
            case .leading: leaderStep(node) { $0.localSynced(upTo: zxid) }
            case .learning: learnerStep(node) { $0.logSynced(upTo: zxid) }
            case .looking, .down: break
            }
        }
        scheduleFsync(node)
    }

    // MARK: Leader shell

    private func leaderStep(_ node: SimNode, _ body: (inout ZabLeader) -> [ZabLeader.Directive]) {
        guard case .leading(var zab) = node.role else { return }
        // Drop the node's copy so the machine's arrays are not copied on write.
        node.role = .looking
        let out = body(&zab)
        node.role = .leading(zab)
        performLeader(node, out)
    }

    private func performLeader(_ node: SimNode, _ directives: [ZabLeader.Directive]) {
        for directive in directives {
            switch directive {
            case .persistAcceptedEpoch(let epoch):
                node.persist(acceptedEpoch: epoch)
            case .persistCurrentEpoch(let epoch):
                node.persist(currentEpoch: epoch)
            case .send(let sid, let message):
                sendToLearner(node, sid, message)
            case .sendSnapshot(let sid):
                sendToLearner(node, sid, .snap(zxid: node.treeLastZxid, snapshot: SimSnapshot.encode(node.tree)))
            case .commit(let zxid):
                leaderCommit(node, upTo: zxid)
            case .startServing(let epoch):
                node.serving = true
                stats.leaderships += 1
                let followers = node.leaderMachine?.syncedFollowers.map { "s\($0)" }.joined(separator: " ") ?? ""
                say("s\(node.sid) serves epoch \(epoch) as leader (followers \(followers))")
                node.election.establish(epoch: UInt64(epoch))
                checker.leaderStartedServing(node.sid, epoch: epoch, tree: node.tree, verified: &node.verified, nowMs: now)
            case .sessionTouches:
                break
            case .disconnect(let sid, let reason):
                say("s\(node.sid) drops s\(sid): \(reason)")
                if let id = node.learnerConnections.removeValue(forKey: sid) { close(id, by: node.sid) }
            case .abandon(let reason):
                lookAgain(node, reason: reason)
                return
            }
        }
    }

    /// Applies the leader's own logged txns up to `zxid`: their clients get answers.
    private func leaderCommit(_ node: SimNode, upTo zxid: Int64) {
        let log = node.disk.log
        let last = node.treeLastZxid
        var low = 0
        var high = log.count
        while low < high {
            let mid = (low + high) / 2
            if log[mid].zxid <= last { low = mid + 1 } else { high = mid }
        }
        let before = node.tree.count
        while low < log.count, log[low].zxid <= zxid {
            node.tree.append(log[low])
            low += 1
        }
        if node.treeLastZxid != zxid {
            checker.fail("t=\(now) s\(node.sid) commits up to \(Zxid.hex(zxid)) but its log holds only \(Zxid.hex(node.treeLastZxid))")
        }
        checker.leaderCommitted(node.sid, tree: node.tree, newlyApplied: node.tree[before...], verified: &node.verified, nowMs: now)
    }

    // MARK: Learner shell

    private func learnerStep(_ node: SimNode, _ body: (inout ZabLearner) -> [ZabLearner.Directive]) {
        guard case .learning(var zab) = node.role else { return }
        node.role = .looking
        let out = body(&zab)
        node.role = .learning(zab)
        performLearner(node, out)
    }

    private func performLearner(_ node: SimNode, _ directives: [ZabLearner.Directive]) {
        for directive in directives {
            switch directive {
            case .send(let message):
                sendToLeader(node, message)
            case .persistAcceptedEpoch(let epoch):
                node.persist(acceptedEpoch: epoch)
            case .persistCurrentEpoch(let epoch):
                node.persist(currentEpoch: epoch)
            case .log(let txn):
                if txn.zxid <= node.disk.lastZxid {
                    checker.fail("t=\(now) s\(node.sid) logs \(Zxid.hex(txn.zxid)) after \(Zxid.hex(node.disk.lastZxid))")
                }
                node.disk.log.append(txn)
                scheduleFsync(node)
            case .apply(let txn):
                node.tree.append(txn)
                if node.serving { checker.learnerApplied(node.sid, tree: node.tree, verified: &node.verified, nowMs: now) }
            case .truncate(let zxid):
                truncate(node, to: zxid)
            case .loadSnapshot(let zxid, let bytes):
                loadSnapshot(node, zxid: zxid, bytes: bytes)
            case .startServing:
                node.serving = true
                say("s\(node.sid) serves as \(node.isObserver ? "observer" : "follower") of s\(node.learnerMachine?.leader ?? 0)")
                node.election.establish(epoch: UInt64(node.currentEpoch))
                checker.learnerApplied(node.sid, tree: node.tree, verified: &node.verified, nowMs: now)
            case .answerPing:
                sendToLeader(node, .ping(payload: []))
            case .abandon(let reason):
                lookAgain(node, reason: reason)
                return
            }
        }
    }

    private func truncate(_ node: SimNode, to zxid: Int64) {
        if zxid < node.disk.snapshotZxid {
            checker.fail("t=\(now) s\(node.sid) told to truncate to \(Zxid.hex(zxid)), below its snapshot at \(Zxid.hex(node.disk.snapshotZxid))")
        }
        let kept = node.disk.log.prefix { $0.zxid <= zxid }.count
        let dropped = node.disk.log.count - kept
        node.disk.log.removeLast(dropped)
        // Truncation is synchronous and durable.
        node.disk.durable = node.disk.log.count
        node.disk.generation = nextGeneration()
        node.disk.syncingTo = nil
        node.tree = node.disk.snapshot + node.disk.log
        node.verified = 0
        // The shell reloads from disk after truncating.
        node.history = node.disk.log
        node.historyFloorZxid = node.disk.snapshotZxid
        if dropped > 0 { stats.truncations += 1 }
        say("s\(node.sid) truncates its log to \(Zxid.hex(zxid)) (\(dropped) txns dropped)")
    }

    private func loadSnapshot(_ node: SimNode, zxid: Int64, bytes: [UInt8]) {
        guard let txns = SimSnapshot.decode(bytes), (txns.last?.zxid ?? 0) == zxid else {
            checker.fail("t=\(now) s\(node.sid) got a snapshot that does not end at \(Zxid.hex(zxid))")
            return
        }
        node.disk.snapshot = txns
        node.disk.snapshotZxid = zxid
        node.disk.log = []
        node.disk.durable = 0
        node.disk.generation = nextGeneration()
        node.disk.syncingTo = nil
        node.tree = txns
        node.verified = 0
        stats.snapshots += 1
        say("s\(node.sid) loads a snapshot at \(Zxid.hex(zxid)) (\(txns.count) txns)")
    }

    // MARK: Observing

    /// The one leader everybody follows, all synchronised and serving; nil
    /// while the ensemble is not there.
    func stableLeader() -> Int? {
        var leader: SimNode?
        for node in nodes {
            guard node.up, !node.paused, node.serving else { return nil }
            switch node.role {
            case .leading(let zab):
                guard zab.phase == .broadcast, leader == nil else { return nil }
                leader = node
            case .learning(let zab):
                guard zab.phase == .broadcast else { return nil }
            case .looking, .down:
                return nil
            }
        }
        guard let leader, let zab = leader.leaderMachine else { return nil }
        guard nodes.allSatisfy({ $0 === leader || $0.learnerMachine?.leader == leader.sid }) else { return nil }
        let followers = voters.subtracting([leader.sid]).sorted()
        let observers = nodes.filter(\.isObserver).map(\.sid)
        guard zab.syncedFollowers == followers, zab.syncedObservers == observers else { return nil }
        return leader.sid
    }

    /// After a quiet period under `leader`: nothing outstanding, everyone
    /// applied the same sequence, and it holds every acknowledged txn.
    func checkConverged(leader sid: Int) {
        let leader = node(sid)
        if let zab = leader.leaderMachine, zab.lastProposedZxid != zab.lastCommittedZxid {
            checker.fail("t=\(now) s\(sid) still has proposals outstanding after a quiet period "
                         + "(proposed \(Zxid.hex(zab.lastProposedZxid)), committed \(Zxid.hex(zab.lastCommittedZxid)))")
        }
        let applied = Set(leader.tree)
        for txn in checker.acknowledged where !applied.contains(txn) {
            checker.fail("t=\(now) acknowledged txn \(SimChecker.describe(txn)) is lost: leader s\(sid) does not have it")
            return
        }
        checker.learnerApplied(sid, tree: leader.tree, verified: &leader.verified, nowMs: now)
        for node in nodes where node !== leader && node.tree != leader.tree {
            let index = zip(node.tree, leader.tree).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(node.tree.count, leader.tree.count)
            checker.fail("t=\(now) s\(node.sid) applied \(node.tree.count) txns and leader s\(sid) \(leader.tree.count); they differ at position \(index + 1)")
        }
    }

    /// One line per server, for traces and scenarios.
    func status(_ sid: Int) -> String {
        let node = node(sid)
        var role: String
        switch node.role {
        case .down: role = "down"
        case .looking: role = "LOOKING round \(node.election.round) votes s\(node.election.proposal.leader)"
        case .leading(let zab): role = "LEADING epoch \(zab.newEpoch.map(String.init) ?? "?") \(zab.phase.rawValue)"
        case .learning(let zab): role = "\(zab.isObserver ? "OBSERVING" : "FOLLOWING") s\(zab.leader) \(zab.phase.rawValue)"
        }
        if node.serving { role += " serving" }
        if node.paused { role += " paused" }
        let disk = node.disk
        let snapshot = disk.snapshotZxid > 0 ? " snapshot \(Zxid.hex(disk.snapshotZxid))" : ""
        return "s\(sid) \(role); epochs \(disk.acceptedEpoch)/\(disk.currentEpoch); log to \(Zxid.hex(disk.lastZxid)) "
            + "(durable \(Zxid.hex(disk.durableZxid)))\(snapshot); applied \(node.tree.count)"
    }

    static func describe(_ message: QuorumMessage) -> String {
        switch message {
        case .learnerInfo(let sid, let epoch, let observer): "\(observer ? "OBSERVERINFO" : "FOLLOWERINFO") s\(sid) accepted \(epoch)"
        case .leaderInfo(let epoch): "LEADERINFO \(epoch)"
        case .ackEpoch(let epoch, let zxid): "ACKEPOCH \(epoch) \(Zxid.hex(zxid))"
        case .diff(let zxid): "DIFF \(Zxid.hex(zxid))"
        case .trunc(let zxid): "TRUNC \(Zxid.hex(zxid))"
        case .snap(let zxid, let bytes): "SNAP \(Zxid.hex(zxid)) (\(bytes.count) bytes)"
        case .proposal(let txn): "PROPOSAL \(Zxid.hex(txn.zxid))"
        case .commit(let zxid): "COMMIT \(Zxid.hex(zxid))"
        case .inform(let txn): "INFORM \(Zxid.hex(txn.zxid))"
        case .newLeader(let zxid): "NEWLEADER \(Zxid.hex(zxid))"
        case .ack(let zxid): "ACK \(Zxid.hex(zxid))"
        case .upToDate: "UPTODATE"
        case .ping: "PING"
        case .request: "REQUEST"
        case .syncAnswer: "SYNC"
        }
    }
}
