@testable import QuorumCore
import ZooKeeperCore

/// The simulated shell around each node's `QuorumPeerMachine`: what
/// `QuorumPeer` does with sockets and disk, done with modelled connections, a
/// modelled disk and a tree reduced to its applied txns. The decisions are the
/// machine's; nothing of them is repeated here.
extension EnsembleSim {
    /// Runs one input through a node's machine, then its effects.
    func step(_ node: SimNode, _ input: (inout QuorumPeerMachine) -> [PeerEffect]) {
        guard node.machine != nil else { return }
        let effects = input(&node.machine!)
        perform(node, effects)
        traceVote(node)
    }

    /// For the trace: a looking voter's vote, each time it changes.
    private func traceVote(_ node: SimNode) {
        guard trace != nil, let machine = node.machine, !node.isObserver, machine.election.state == .looking, !machine.awaitingState
        else { return }
        let vote = machine.election.proposal
        guard vote.leader != node.announcedVote else { return }
        node.announcedVote = vote.leader
        say("s\(node.sid) votes s\(vote.leader) (zxid \(Zxid.hex(Int64(bitPattern: vote.zxid))), epoch \(vote.peerEpoch), round \(machine.election.round))")
    }

    private func perform(_ node: SimNode, _ effects: [PeerEffect]) {
        for effect in effects {
            guard node.up, node.machine != nil else { return }
            switch effect {
            case .sendElection(let to, let notification):
                sendElection(notification, from: node.sid, to: to)
            case .decided(let state, let leader, let round, _):
                if state != .observing, let vote = node.machine?.election.proposal, vote.leader != node.announcedVote, trace != nil {
                    node.announcedVote = vote.leader
                    say("s\(node.sid) votes s\(vote.leader) (zxid \(Zxid.hex(Int64(bitPattern: vote.zxid))), epoch \(vote.peerEpoch), round \(round))")
                }
                say("s\(node.sid) \(state.rawValue)" + (state == .leading ? "" : " s\(leader)") + " (round \(round))")
            case .connectToLeader(let leader, let attempt):
                connectToLeader(node, leader: leader, attempt: attempt)
            case .send(let link, let message):
                sendQuorum(message, on: link.id, from: node)
            case .sendSnapshot(let link):
                sendQuorum(.snap(zxid: node.treeLastZxid, snapshot: SimSnapshot.encode(node.tree)), on: link.id, from: node)
            case .answerPing(let link):
                var touches: [UInt8] = []
                if node.core != nil { touches = ReplicationPayloads.encode(node.core!.takeSessionTouches()) }
                sendQuorum(.ping(payload: touches), on: link.id, from: node)
            case .close(let link):
                close(link.id, by: node.sid)
            case .persistAcceptedEpoch(let epoch):
                node.disk.acceptedEpoch = epoch
            case .persistCurrentEpoch(let epoch):
                node.disk.currentEpoch = epoch
            case .append(let txn):
                if txn.zxid <= node.disk.lastZxid {
                    checker.fail("t=\(now) s\(node.sid) logs \(Zxid.hex(txn.zxid)) after \(Zxid.hex(node.disk.lastZxid))")
                }
                node.disk.log.append(txn)
                scheduleFsync(node)
                noteLogged(node, txn)
            case .truncate(let zxid):
                truncate(node, to: zxid)
                rebuildCore(node)
                noteRestored(node)
            case .installSnapshot(let zxid, let bytes):
                loadSnapshot(node, zxid: zxid, bytes: bytes)
                rebuildCore(node)
            case .leaveRole:
                leaveRole(node)
            case .restoreState:
                restoreState(node)
            case .apply(let txn):
                coreStep(node) { [now] in $0.applyCommitted(zxid: txn.zxid, payload: txn.payload, nowMs: now) }
                node.tree.append(txn)
                if node.serving { checker.learnerApplied(node.sid, tree: node.tree, verified: &node.verified, nowMs: now) }
                noteCommitted(node, txn)
            case .commit(let zxid):
                leaderCommit(node, upTo: zxid)
                coreStep(node) { [now] in $0.synced(upTo: zxid, nowMs: now) }
            case .serveAsLeader(let epoch):
                if let core = node.core { newCore(node, tree: core.tree, sessions: core.sessionTimeouts, role: .leader, epoch: epoch) }
                node.serving = true
                stats.leaderships += 1
                checker.leaderStartedServing(node.sid, epoch: epoch, tree: node.tree, verified: &node.verified, nowMs: now)
                // Its whole log is committed now: a reconfig in it is in force.
                if let newest = newestConfig(in: node.tree) { committedVotersChanged(newest) }
                noteServing(node, asLeader: true)
            case .serveAsLearner:
                coreStep(node) { $0.setServing(true) }
                node.serving = true
                checker.learnerApplied(node.sid, tree: node.tree, verified: &node.verified, nowMs: now)
                noteServing(node, asLeader: false)
            case .sessionTouches(_, let payload):
                if let touches = try? ReplicationPayloads.decodeTouches(payload) { node.core?.touchSessions(touches, nowMs: now) }
            case .forwarded(_, let link, let payload):
                forwarded(node, payload, on: link)
            case .syncAnswered(let payload):
                if let answer = try? ReplicationPayloads.decodeSyncAnswer(payload) {
                    coreStep(node) { [now] in $0.syncAnswered(sessionId: answer.sessionId, cxid: answer.cxid, path: answer.path, nowMs: now) }
                }
            case .newerConfig(let bytes):
                noteLeaderConfig(node, bytes)
            case .log(_, let line):
                // The machine's own account, as the server logs it.
                say(line)
            }
        }
    }

    // MARK: Core state

    /// As QuorumPeer on leaving a role: stop serving; the batch being
    /// written finishes, the txns queued behind it are dropped.
    private func leaveRole(_ node: SimNode) {
        coreStep(node) { $0.setServing(false) }
        node.serving = false
        node.announcedVote = nil
        _ = node.disk.dropUnsynced(finishingBatch: true)
        node.disk.generation = nextGeneration()
    }

    /// As QuorumPeer.restoreState: a tree that already equals the durable log
    /// is kept, with no history in memory (learners behind a leader that kept
    /// its tree get a snapshot); otherwise a reload.
    private func restoreState(_ node: SimNode) {
        stats.abandons += 1
        let kept = node.disk.lastZxid == node.treeLastZxid
        if kept, let core = node.core {
            newCore(node, tree: core.tree, sessions: core.sessionTimeouts, role: learnerCoreRole(node))
        } else if !kept {
            reload(node)
            rebuildCore(node)
        }
        let history = kept ? [] : node.disk.log
        let floor = kept ? node.treeLastZxid : node.disk.snapshotZxid
        if options.reconfig { noteRestored(node) }
        step(node) { [now] in $0.stateRestored(appliedZxid: node.treeLastZxid, history: history, historyFloorZxid: floor, nowMs: now) }
    }

    /// The durable part of the log is what a reload finds (the shell lets the
    /// batch being written finish and drops the rest): the applied state is
    /// the snapshot plus all of it, and the log is the history a leader can
    /// send by DIFF.
    func reload(_ node: SimNode) {
        _ = node.disk.dropUnsynced(finishingBatch: true)
        node.disk.generation = nextGeneration()
        node.tree = node.disk.snapshot + node.disk.log
        node.verified = 0
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
        for txn in node.tree[before...] {
            checkCommitQuorums(txn, by: node.sid)
            if let voters = Self.reconfigVoters(txn) { committedVotersChanged(SimConfig(version: txn.zxid, voters: voters)) }
            noteCommitted(node, txn)
        }
    }

    // MARK: Election connections

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

    func electionLink(_ node: SimNode, to peer: Int, up: Bool) {
        let pending = node.electionConnecting.removeValue(forKey: peer)
        // The peer may have stopped or been cut off while the connect was under way.
        let connected = up && self.node(peer).up && reachable(node.sid, peer)
        if connected {
            node.electionLinks.insert(peer)
            if let pending { transmit(pending, from: node.sid, to: peer) }
        } else {
            node.electionLinks.remove(peer)
        }
        step(node) { [now] in $0.electionPeer(peer, reachable: connected, nowMs: now) }
    }

    /// Everyone's election connection to `sid` breaks; they notice shortly.
    func dropElectionLinks(to sid: Int) {
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

    // MARK: Quorum connections

    private func connectToLeader(_ node: SimNode, leader sid: Int, attempt: Int) {
        let leader = self.node(sid)
        guard leader.up, reachable(node.sid, leader.sid) else {
            let after = leader.up ? options.connectTimeoutMs : delay(1...5)
            schedule(.connectFailed(node.sid, attempt: attempt), at: now + after)
            return
        }
        connections.append(SimConnection(learner: node.sid, leader: leader.sid, attempt: attempt))
        // A paused leader's kernel still completes the handshake.
        schedule(.connected(connection: connections.count - 1), at: now + delay(options.quorumDelayMs) + delay(options.quorumDelayMs))
    }

    func connectCompleted(_ node: SimNode, _ id: Int) {
        // A connection that broke before it completed reports a failed connect (`learnerSawClose`).
        guard connections[id].open else { return }
        connections[id].established = true
        step(node) { [now, attempt = connections[id].attempt] in $0.leaderLinkUp(PeerLink(id), attempt: attempt, nowMs: now) }
    }

    /// Closes a connection; the other side (both, when `closer` is nil: a
    /// partition or a crash) notices after a network delay.
    func close(_ id: Int, by closer: Int?) {
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

    /// One packet on a connection, in order behind the ones before it.
    func sendQuorum(_ message: QuorumMessage, on id: Int, from node: SimNode) {
        guard connections[id].open else { return }
        let toLeader = connections[id].learner == node.sid
        if trace != nil, !toLeader {
            let sid = connections[id].learner
            switch message {
            case .diff(let zxid): say("s\(node.sid) syncs s\(sid) by DIFF to \(Zxid.hex(zxid))")
            case .trunc(let zxid): say("s\(node.sid) syncs s\(sid) by TRUNC to \(Zxid.hex(zxid))")
            case .snap(let zxid, _): say("s\(node.sid) syncs s\(sid) by SNAP at \(Zxid.hex(zxid))")
            default: if traceMessages { say("s\(node.sid) -> s\(sid) \(Self.describe(message))") }
            }
        } else if traceMessages {
            say("s\(node.sid) -> s\(connections[id].leader) \(Self.describe(message))")
        }
        if toLeader {
            guard connections[id].established else { return }
            let at = max(now + delay(options.quorumDelayMs), connections[id].lastToLeader)
            connections[id].lastToLeader = at
            schedule(.quorum(connection: id, toLeader: true, message), at: at)
        } else {
            let at = max(now + delay(options.quorumDelayMs), connections[id].lastToLearner)
            connections[id].lastToLearner = at
            schedule(.quorum(connection: id, toLeader: false, message), at: at)
        }
    }

    /// The leader's shell: the first packet on a connection must be a
    /// LEARNERINFO naming the connecting server, else the connection closes.
    func leaderReceives(_ node: SimNode, _ message: QuorumMessage, on id: Int) {
        guard connections[id].open else { return }
        let sid = connections[id].learner
        if !connections[id].introduced {
            guard case .learnerInfo(let claimed, _, _) = message, claimed == sid else {
                close(id, by: node.sid)
                return
            }
            connections[id].introduced = true
            step(node) { [now] in $0.learnerIntroduced(sid, on: PeerLink(id), info: message, nowMs: now) }
            return
        }
        step(node) { [now] in $0.learnerPacket(message, on: PeerLink(id), nowMs: now) }
    }

    func learnerReceives(_ node: SimNode, _ message: QuorumMessage, on id: Int) {
        guard connections[id].open else { return }
        step(node) { [now] in $0.leaderPacket(message, on: PeerLink(id), nowMs: now) }
    }

    func leaderSawClose(_ node: SimNode, _ id: Int) {
        guard connections[id].introduced else { return }
        step(node) { $0.learnerLinkClosed(PeerLink(id)) }
    }

    /// As QuorumPeer: a connect that never completed is a failed connect; a
    /// lost connection goes to the machine.
    func learnerSawClose(_ node: SimNode, _ id: Int) {
        guard connections[id].established else {
            step(node) { [now, attempt = connections[id].attempt] in
                $0.leaderLinkFailed(attempt: attempt, reason: "connection refused", nowMs: now)
            }
            return
        }
        step(node) { [now] in $0.leaderLinkClosed(PeerLink(id), nowMs: now) }
    }

    // MARK: Disk

    func scheduleFsync(_ node: SimNode) {
        guard node.disk.syncingTo == nil, !node.stalled, node.disk.durable < node.disk.log.count else { return }
        node.disk.syncingTo = node.disk.log.count
        let duration = delay(options.fsyncDelayMs) * (node.slowDisk ? 10 : 1)
        schedule(.fsynced(node.sid, disk: node.disk.generation, count: node.disk.log.count), at: now + duration)
    }

    func fsynced(_ node: SimNode, disk generation: Int, count: Int) {
        guard node.disk.generation == generation else { return }
        node.disk.syncingTo = nil
        if count > node.disk.durable {
            node.disk.durable = count
            let zxid = node.disk.log[count - 1].zxid
            step(node) { [now] in $0.durable(upTo: zxid, nowMs: now) }
        }
        scheduleFsync(node)
    }

    private func truncate(_ node: SimNode, to zxid: Int64) {
        if zxid < node.disk.snapshotZxid {
            checker.fail("t=\(now) s\(node.sid) told to truncate to \(Zxid.hex(zxid)), below its snapshot at \(Zxid.hex(node.disk.snapshotZxid))")
        }
        let kept = node.disk.log.prefix { $0.zxid <= zxid }.count
        let dropped = node.disk.log.count - kept
        node.disk.log.removeLast(dropped)
        // Truncation is synchronous and durable; the shell then reloads from disk.
        node.disk.durable = node.disk.log.count
        node.disk.generation = nextGeneration()
        node.disk.syncingTo = nil
        node.tree = node.disk.snapshot + node.disk.log
        node.verified = 0
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
}
