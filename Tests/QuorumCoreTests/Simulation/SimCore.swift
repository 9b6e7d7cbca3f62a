@testable import QuorumCore
import ZooKeeperCore
import ZooKeeperProtocol

/// A client of the simulated ensemble when it runs real server cores: one
/// connection at a time to one node, a session, creates in flight. A create
/// answered with no error is acknowledged: it must survive every fault.
struct SimClient {
    var node: Int?
    var connection: ConnectionID?
    /// 0 until the handshake is answered.
    var sessionId: Int64 = 0
    var nextXid: Int32 = 1
    /// Creates in flight by xid: path and data.
    var pending: [Int32: (path: String, data: [UInt8])] = [:]
}

/// Running the shipped `ServerCore` on every simulated node (`SimOptions.realCore`):
/// the txns ZAB carries are the core's own, clients connect, open sessions
/// and create znodes on any node (learners forward to the leader), sessions
/// are touched through pings and expire, and at the end every node's data
/// tree must hold every acknowledged create and equal the leader's.
extension EnsembleSim {
    static let coreTickMs = 200
    static let clientSessionTimeoutMs: Int32 = 4_000

    func newCore(_ node: SimNode, tree: DataTree, sessions: [Int64: Int], role: ServerRole, epoch: Int64 = 0) {
        // The old core's clients were closed when it stopped serving.
        dropClients(of: node.sid)
        let settings = ServerSettings(tickTimeMs: Self.coreTickMs, serverId: Int64(node.sid))
        node.core = ServerCore(settings: settings, tree: tree, sessions: sessions, nowMs: now, role: role, epoch: epoch)
    }

    func learnerCoreRole(_ node: SimNode) -> ServerRole { node.isObserver ? .observer : .follower }

    /// The tree a node's disk holds (snapshot plus log), replayed through a
    /// fresh core, as recovery does.
    func rebuildCore(_ node: SimNode) {
        guard options.realCore else { return }
        newCore(node, tree: DataTree(), sessions: [:], role: learnerCoreRole(node))
        for txn in node.disk.snapshot + node.disk.log {
            coreEffects(node, node.core!.applyCommitted(zxid: txn.zxid, payload: txn.payload, nowMs: now))
        }
    }

    /// Runs an input through a node's core, then its effects.
    func coreStep(_ node: SimNode, _ input: (inout ServerCore) -> [CoreEffect]) {
        guard options.realCore, node.core != nil else { return }
        let effects = input(&node.core!)
        coreEffects(node, effects)
    }

    func coreEffects(_ node: SimNode, _ effects: [CoreEffect]) {
        for effect in effects {
            switch effect {
            case .send(let id, let bytes):
                clientReceives(bytes, on: id)
            case .close(let id, _):
                node.core?.connectionClosed(id)
                clientDisconnected(id)
            case .append(let zxid, let payload):
                let txn = ZabTxn(zxid: zxid, payload: payload)
                node.disk.log.append(txn)
                scheduleFsync(node)
                stats.proposed += 1
                step(node) { [now] in $0.proposed(txn, nowMs: now) }
            case .forward(let request):
                if let link = node.machine?.leaderLink {
                    sendQuorum(.request(payload: ReplicationPayloads.encode(request)), on: link.id, from: node)
                }
            case .setReading, .snapshotDue, .log, .reconfigured:
                break
            }
        }
    }

    /// The leader's shell with a learner's forwarded request.
    func forwarded(_ node: SimNode, _ payload: [UInt8], on link: PeerLink) {
        guard options.realCore else { return }
        switch try? ReplicationPayloads.route(payload) {
        case .request(let request):
            coreStep(node) { [now] in $0.receiveForwarded(request, nowMs: now) }
        case .sync(let answer):
            step(node) { [now] in $0.syncRequested(on: link, answer: answer, nowMs: now) }
        case nil:
            checker.fail("t=\(now) s\(node.sid) got an undecodable forwarded request")
        }
    }

    // MARK: Clients

    /// One client step: connect to a random running node, or create a znode.
    func clientWriteThroughCore() {
        guard !clients.isEmpty else { return }
        let index = Int.random(in: 0..<clients.count, using: &random)
        if let sid = clients[index].node, let id = clients[index].connection {
            let node = node(sid)
            guard node.up, !node.paused, clients[index].sessionId != 0 else { return }
            clientOps += 1
            let xid = clients[index].nextXid
            clients[index].nextXid += 1
            let path = "/c\(index)-\(clientOps)"
            let data = Array("v\(clientOps)".utf8)
            clients[index].pending[xid] = (path, data)
            coreStep(node) { [now] in
                $0.receive(id, RequestHeader(xid: xid, type: .create), .create(CreateRequest(path: path, data: data, mode: .persistent)), nowMs: now)
            }
            return
        }
        let running = nodes.filter { $0.up && !$0.paused && $0.core != nil }
        guard let node = running.randomElement(using: &random) else { return }
        nextConnectionId += 1
        let id = nextConnectionId
        clients[index] = SimClient(node: node.sid, connection: id)
        clientOfConnection[id] = index
        node.core!.connectionOpened(id, remoteAddress: "127.0.0.1", remotePort: Int(id), nowMs: now)
        coreStep(node) { [now] in $0.receiveConnect(id, ConnectRequest(timeOut: Self.clientSessionTimeoutMs), nowMs: now) }
    }

    private func clientReceives(_ bytes: [UInt8], on id: ConnectionID) {
        guard let index = clientOfConnection[id] else { return }
        var offset = 0
        while offset + 4 <= bytes.count {
            let length = Int(bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) })
            let frame = Array(bytes[offset + 4..<min(bytes.count, offset + 4 + length)])
            offset += 4 + length
            var reader = JuteReader(frame)
            if clients[index].sessionId == 0 {
                if let response = try? ConnectResponse(from: &reader), response.sessionId != 0 {
                    clients[index].sessionId = response.sessionId
                }
                continue
            }
            guard let header = try? ReplyHeader(from: &reader), let create = clients[index].pending.removeValue(forKey: header.xid) else { continue }
            if header.err == 0 {
                ackedCreates[create.path] = create.data
            } else if header.err != ErrorCode.connectionLoss.rawValue, header.err != ErrorCode.sessionExpired.rawValue {
                checker.fail("t=\(now) create \(create.path) failed with error \(header.err)")
            }
        }
    }

    /// A closed connection: what was in flight is indeterminate.
    private func clientDisconnected(_ id: ConnectionID) {
        guard let index = clientOfConnection.removeValue(forKey: id) else { return }
        clients[index] = SimClient()
    }

    func dropClients(of sid: Int) {
        for index in clients.indices where clients[index].node == sid {
            if let id = clients[index].connection { clientOfConnection[id] = nil }
            clients[index] = SimClient()
        }
    }

    // MARK: Checks

    /// After a quiet period: every node's tree equals the leader's, znode by
    /// znode, and holds every acknowledged create with its data.
    func checkTreesConverged(leader sid: Int) {
        guard options.realCore, let leaderTree = node(sid).core?.tree else { return }
        for (path, data) in ackedCreates where leaderTree.node(path)?.data ?? nil != data {
            checker.fail("t=\(now) acknowledged create \(path) is missing from leader s\(sid)'s tree")
            return
        }
        for node in nodes where node.sid != sid {
            guard let tree = node.core?.tree else {
                checker.fail("t=\(now) s\(node.sid) has no core")
                continue
            }
            guard tree.nodeCount == leaderTree.nodeCount, tree.lastProcessedZxid == leaderTree.lastProcessedZxid else {
                checker.fail("t=\(now) s\(node.sid) holds \(tree.nodeCount) znodes at \(Zxid.hex(tree.lastProcessedZxid)), "
                             + "leader s\(sid) \(leaderTree.nodeCount) at \(Zxid.hex(leaderTree.lastProcessedZxid))")
                continue
            }
            for (path, znode) in leaderTree.nodes where path != DataTree.configPath {
                let other = tree.node(path)
                if other?.data != znode.data || other?.mzxid != znode.mzxid || other?.version != znode.version
                    || other?.ephemeralOwner != znode.ephemeralOwner {
                    checker.fail("t=\(now) s\(node.sid)'s \(path) differs from leader s\(sid)'s")
                    break
                }
            }
        }
    }
}
