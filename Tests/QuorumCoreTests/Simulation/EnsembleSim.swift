@testable import QuorumCore
import ZooKeeperCore

/// Knobs of one simulated ensemble.
struct SimOptions {
    var voters = 3
    var observers = 0
    var tickMs: Int64 = 100
    var initLimitTicks: Int64 = 10
    var syncLimitTicks: Int64 = 5
    var maxHistory = 100_000
    var maxPendingSyncAnswers = 10_000
    /// How often each shell ticks its machines.
    var shellTickMs: Int64 = 50
    var electionDelayMs: ClosedRange<Int64> = 1...30
    var quorumDelayMs: ClosedRange<Int64> = 1...15
    var fsyncDelayMs: ClosedRange<Int64> = 1...20
    /// A connect to a partitioned peer fails after this (a stopped one refuses at once).
    var connectTimeoutMs: Int64 = 200
    /// Leaders send their configuration with NEWLEADER and chaos runs
    /// propose reconfigs (EnsembleSim+Reconfig.swift).
    var reconfig = false
    /// Run the shipped ServerCore on every node, with clients (SimCore.swift);
    /// otherwise the tree is only the sequence of applied txns.
    var realCore = false
    var clients = 4
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
    var reconfigs = 0
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
        reconfigs += other.reconfigs
        electionMessagesLost += other.electionMessagesLost
        events += other.events
    }
}

/// A whole ensemble in one process: per node the shipped peer machine
/// (`QuorumPeerMachine`, the one `QuorumPeer` runs) behind a simulated shell
/// (EnsembleSim+Shell.swift) with a fake disk, a fake network and a fake
/// clock. Every random choice comes from `random`, so a
/// run is a pure function of its seed and of the calls made on it.
final class EnsembleSim {
    let options: SimOptions
    var random: SeededRandom
    private(set) var now: Int64 = 0
    /// The voters of the configuration the ensemble starts with.
    let initialVoters: Set<Int>
    /// The newest configuration a leader committed (reconfig runs).
    var committedConfig: SimConfig
    /// Per outstanding proposal, the voter sets a quorum of which must hold it
    /// when it commits (EnsembleSim+Reconfig.swift).
    var proposalQuorums: [Int64: (ZabTxn, [Set<Int>])] = [:]
    let nodes: [SimNode]
    var checker = SimChecker()
    var stats = SimStats()
    /// Story lines (role changes, sync, faults) with their time; nil: not recorded.
    var trace: [(at: Int64, line: String)]?
    /// Also record every message.
    var traceMessages = false

    private var queue = EventQueue<SimEvent>()
    static let maxQueuedEvents = 50_000
    var connections: [SimConnection] = []
    private var group: [Int]
    private var generations = 0
    private var writeInterval: ClosedRange<Int64>?
    private var writeToken = 0
    // Real cores only (SimCore.swift): clients, their connections, acknowledged creates.
    var clients: [SimClient] = []
    var clientOfConnection: [ConnectionID: Int] = [:]
    var nextConnectionId: ConnectionID = 0
    var clientOps = 0
    var ackedCreates: [String: [UInt8]] = [:]
    let machineSettings: [Int: QuorumPeerMachine.Settings]

    init(options: SimOptions, seed: UInt64) {
        self.options = options
        random = SeededRandom(seed: seed)
        let voters = Set(1...options.voters)
        initialVoters = voters
        committedConfig = SimConfig(version: 0, voters: voters)
        let all = Array(1...(options.voters + options.observers))
        nodes = all.map { SimNode(sid: $0, voters: voters) }
        group = Array(repeating: 0, count: nodes.count)
        if options.realCore { clients = Array(repeating: SimClient(), count: options.clients) }
        // As QuorumPeer makes them from zoo.cfg.
        machineSettings = Dictionary(uniqueKeysWithValues: all.map { sid in
            let zab = ZabSettings(myid: sid, voters: voters, tickMs: options.tickMs, initLimitTicks: options.initLimitTicks,
                                  syncLimitTicks: options.syncLimitTicks, maxHistory: options.maxHistory)
            var settings = QuorumPeerMachine.Settings(zab: zab, members: Set(all))
            settings.maxPendingSyncAnswers = options.maxPendingSyncAnswers
            return (sid, settings)
        })
    }

    func node(_ sid: Int) -> SimNode { nodes[sid - 1] }
    var ids: [Int] { nodes.map(\.sid) }
    var violations: [String] { checker.violations }

    func say(_ line: @autoclosure () -> String) {
        if trace != nil { trace!.append((now, line())) }
    }

    func nextGeneration() -> Int {
        generations += 1
        return generations
    }

    func delay(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &random) }

    func schedule(_ event: SimEvent, at time: Int64) { queue.push(event, at: time) }

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
        case .activate(let target, let incarnation, _, _):
            guard node(target).incarnation == incarnation else { return }
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
            step(node) { [now] in $0.electionReceived(notification, nowMs: now) }
        case .connected(let id):
            connectCompleted(node, id)
        case .connectFailed(_, let attempt):
            step(node) { [now] in $0.leaderLinkFailed(attempt: attempt, reason: "connection refused", nowMs: now) }
        case .electionLink(_, let peer, let up, _):
            electionLink(node, to: peer, up: up)
        case .quorum(let id, let toLeader, let message):
            if toLeader { leaderReceives(node, message, on: id) } else { learnerReceives(node, message, on: id) }
        case .closed(let id, let toLeader):
            if toLeader { leaderSawClose(node, id) } else { learnerSawClose(node, id) }
        case .fsynced(_, let disk, let count):
            fsynced(node, disk: disk, count: count)
        case .activate(_, _, let config, let byReconfigTxn):
            activate(node, config, byReconfigTxn: byReconfigTxn)
        case .tick, .clientWrite:
            break
        }
    }

    private func tick(_ node: SimNode) {
        step(node) { [now] in $0.tick(nowMs: now) }
        coreStep(node) { [now] in $0.tick(nowMs: now) }
    }

    // MARK: Faults and lifecycle

    /// Starts a stopped server: reload the durable state, look for a leader.
    func start(_ sid: Int) {
        let node = node(sid)
        guard !node.up else { return }
        node.up = true
        node.incarnation += 1
        reload(node)
        rebuildCore(node)
        var settings = machineSettings[sid]!
        settings.zab.voters = activeConfig(node).voters
        settings.election.voters = activeConfig(node).voters
        node.isObserver = !settings.zab.voters.contains(sid)
        node.machine = QuorumPeerMachine(
            settings: settings, acceptedEpoch: node.disk.acceptedEpoch, currentEpoch: node.disk.currentEpoch,
            appliedZxid: node.treeLastZxid, history: node.disk.log, historyFloorZxid: node.disk.snapshotZxid, nowMs: now)
        node.announcedVote = nil
        // Peers' election connections to the previous process break on their next write.
        dropElectionLinks(to: sid)
        say("s\(sid) starts: log to \(Zxid.hex(node.disk.lastZxid)), epochs \(node.machine!.acceptedEpoch)/\(node.machine!.currentEpoch)")
        schedule(.tick(sid, incarnation: node.incarnation), at: now + delay(1...options.shellTickMs))
        if options.reconfig {
            node.machine!.setConfigData(Self.encode(activeConfig(node)))
            noteRestored(node)
        }
        step(node) { [now] in $0.start(nowMs: now) }
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
        node.machine = nil
        node.core = nil
        dropClients(of: sid)
        node.electionLinks = []
        node.electionConnecting = [:]
        // A killed process's kernel resets its connections; a machine without
        // power says nothing (its peers notice when it comes back).
        if !powerLoss { dropElectionLinks(to: sid) }
        let lost = node.disk.dropUnsynced(finishingBatch: !powerLoss)
        if powerLoss { stats.powerLosses += 1 }
        stats.lostUnsyncedTxns += lost
        node.disk.generation = nextGeneration()
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
        if options.realCore {
            clientWriteThroughCore()
            return
        }
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
        recordQuorums(of: txn, at: node)
        step(node) { [now] in $0.proposed(txn, nowMs: now) }
        return txn
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
        let followers = committedConfig.voters.subtracting([leader.sid]).sorted()
        let observers = ids.filter { !committedConfig.voters.contains($0) }
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
        checkTreesConverged(leader: sid)
    }

    /// One line per server, for traces and scenarios.
    func status(_ sid: Int) -> String {
        let node = node(sid)
        var role: String
        switch node.role {
        case .down: role = "down"
        case .looking: role = "LOOKING round \(node.machine!.election.round) votes s\(node.machine!.election.proposal.leader)"
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
        case .newLeader(let zxid, _): "NEWLEADER \(Zxid.hex(zxid))"
        case .ack(let zxid): "ACK \(Zxid.hex(zxid))"
        case .upToDate: "UPTODATE"
        case .ping: "PING"
        case .request: "REQUEST"
        case .syncAnswer: "SYNC"
        }
    }
}
