import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// A leader core and a follower core wired in-process the way the replicated
/// shell runs them: the follower's forwards go to the leader, a leader txn
/// counts as committed once the test says so (`commit`), and commits reach the
/// follower through `applyCommitted`.
struct Ensemble {
    var leader: CoreHarness
    var follower: CoreHarness
    /// Leader log entries the follower has applied.
    private var shipped = 0
    /// Forwarded syncs, answered once what the leader had before them commits.
    private var syncs: [ForwardedRequest] = []

    init(epoch: Int64 = 1, tickTimeMs: Int = 2000) {
        leader = CoreHarness(settings: ServerSettings(tickTimeMs: tickTimeMs, serverId: 1))
        leader.core = ServerCore(settings: ServerSettings(tickTimeMs: tickTimeMs, serverId: 1), nowMs: leader.nowMs, role: .leader, epoch: epoch)
        follower = CoreHarness(settings: ServerSettings(tickTimeMs: tickTimeMs, serverId: 2))
        follower.core = ServerCore(settings: ServerSettings(tickTimeMs: tickTimeMs, serverId: 2), nowMs: follower.nowMs, role: .follower)
        _ = follower.core.setServing(true)
    }

    var nowMs: Int64 { leader.nowMs }

    mutating func advance(to nowMs: Int64) {
        leader.nowMs = nowMs
        follower.nowMs = nowMs
    }

    /// The leader's outputs for the follower's forwards (appends; no replies).
    @discardableResult
    mutating func forward(_ followerOutputs: [Output]) -> [Output] {
        var outputs: [Output] = []
        for case .forward(let request) in followerOutputs {
            if request.opCode == OpCode.sync.rawValue { syncs.append(request) }
            outputs += leader.run(leader.core.receiveForwarded(request, nowMs: leader.nowMs))
        }
        return outputs
    }

    /// A quorum has everything the leader appended: the leader applies it,
    /// the follower applies it as commits and then hears the syncs' answers.
    /// Returns the follower's outputs.
    mutating func commit() -> [Output] {
        _ = leader.sync()
        return ship()
    }

    /// The follower applies what the leader has applied so far.
    mutating func ship() -> [Output] {
        var outputs: [Output] = []
        while shipped < leader.log.count, leader.log[shipped].zxid <= leader.syncedZxid {
            let entry = leader.log[shipped]
            shipped += 1
            outputs += follower.run(follower.core.applyCommitted(zxid: entry.zxid, payload: entry.payload, nowMs: follower.nowMs))
        }
        for sync in syncs {
            let path = (try? SyncRequest(juteBytes: sync.body).path) ?? ""
            outputs += follower.run(follower.core.syncAnswered(sessionId: sync.sessionId, cxid: sync.cxid, path: path, nowMs: follower.nowMs))
        }
        syncs.removeAll()
        return outputs
    }

    /// Forward, commit, ship: everything the follower's outputs set going.
    mutating func settle(_ followerOutputs: [Output]) -> [Output] {
        forward(followerOutputs)
        return commit()
    }

    /// A client of the follower with a new session.
    mutating func followerSession(timeoutMs: Int32 = 30_000, sourceLocation: SourceLocation = #_sourceLocation) -> Client {
        let id = follower.open()
        let outputs = settle(follower.connect(id, ConnectRequest(timeOut: timeoutMs)))
        guard let response = outputs.connectResponses.first else {
            Issue.record("no ConnectResponse: \(outputs)", sourceLocation: sourceLocation)
            return Client(connection: id, sessionId: 0, password: [], timeoutMs: 0)
        }
        return Client(connection: id, sessionId: response.sessionId, password: response.passwd, timeoutMs: response.timeOut)
    }

    /// A request from a follower client, carried through to its reply.
    mutating func followerRequest(_ id: ConnectionID, _ request: ClientRequest, sourceLocation: SourceLocation = #_sourceLocation) -> Reply {
        let xid = follower.peekXid(id)
        let outputs = settle(follower.send(id, request))
        guard let reply = outputs.reply(to: id, xid: xid) else {
            Issue.record("no reply to \(request.opCode) on c\(id): \(outputs)", sourceLocation: sourceLocation)
            return Reply(connection: id, header: ReplyHeader(xid: xid, zxid: 0, err: ErrorCode.systemError.rawValue), body: [])
        }
        return reply
    }
}

extension Array where Element == Output {
    var forwards: [ForwardedRequest] {
        compactMap { if case .forward(let request) = $0 { request } else { nil } }
    }
}

/// ServerCore as a leader and as a learner.
@Suite struct ServerCoreRoleTests {
    @Test func sessionOnTheFollowerIsCreatedByTheLeader() throws {
        var ensemble = Ensemble()
        let id = ensemble.follower.open()
        let sent = ensemble.follower.connect(id, ConnectRequest(timeOut: 30_000))
        let forward = try #require(sent.forwards.first)
        #expect(sent == [.forward(forward)], "nothing but the forward until the leader commits")
        #expect(forward.opCode == OpCode.createSession.rawValue)
        #expect(forward.cxid == 0)
        #expect(forward.body == [0, 0, 0x75, 0x30], "the negotiated timeout, big-endian")
        #expect(forward.sessionId >> 56 == 2, "the follower allocates ids in its own range")
        #expect(ensemble.follower.core.sessions.count == 0)

        let appended = ensemble.forward(sent)
        #expect(appended.appendedZxids == [0x1_0000_0001])
        #expect(ensemble.leader.core.sessions.isAlive(forward.sessionId))

        let committed = ensemble.commit()
        let response = try #require(committed.connectResponses.first)
        #expect(response.sessionId == forward.sessionId)
        #expect(response.timeOut == 30_000)
        #expect(response.passwd == SessionPassword.derive(forward.sessionId))
        #expect(ensemble.follower.core.sessions.isAlive(forward.sessionId))
        #expect(ensemble.follower.core.connections[id]?.isEstablished == true)
        #expect(ensemble.follower.core.tree.lastProcessedZxid == 0x1_0000_0001)
        #expect(ensemble.follower.core.lastPreppedZxid == 0x1_0000_0001)
    }

    /// Epoch 0 keeps the zxids of a standalone server, so every reply to a
    /// follower client must equal, byte for byte, the standalone reply.
    @Test func writesThroughTheFollowerGetTheStandaloneReplies() throws {
        var ensemble = Ensemble(epoch: 0)
        var standalone = CoreHarness()
        let client = ensemble.followerSession()
        let local = standalone.newSession()
        let requests: [ClientRequest] = [
            .create("/a", "1"),
            .create2("/a/b", "2"),
            .setData("/a", "3", version: 0),
            .setACL("/a/b", ACL.openUnsafe),
            .delete("/missing"),
            .setData("/a", "4", version: 7),
            .multi(MultiRequest(ops: [
                .create(CreateRequest(path: "/m", data: [])),
                .setData(SetDataRequest(path: "/a", data: Array("5".utf8), version: 1)),
                .delete(DeleteRequest(path: "/a/b", version: -1)),
            ])),
            .multi(MultiRequest(ops: [.create(CreateRequest(path: "/m", data: [])), .delete(DeleteRequest(path: "/nope", version: -1))])),
            .create("/a/c", "6", mode: .persistentSequential),
            .delete("/a/c0000000002"),
        ]
        for request in requests {
            let expected = standalone.request(local.connection, request)
            let actual = ensemble.followerRequest(client.connection, request)
            #expect(actual.header == expected.header, "\(request.opCode)")
            #expect(actual.body == expected.body, "\(request.opCode)")
        }
        #expect(ensemble.follower.core.tree.node("/a")?.data == Array("5".utf8))
        #expect(ensemble.leader.core.tree.node("/a")?.data == Array("5".utf8))
        #expect(ensemble.follower.core.tree.node("/m") != nil)
        #expect(ensemble.follower.core.tree.lastProcessedZxid == standalone.core.tree.lastProcessedZxid)
    }

    @Test func forwardsCarryTheRequestAndTheConnectionsIdentity() throws {
        var ensemble = Ensemble()
        let client = ensemble.followerSession()
        _ = ensemble.follower.send(client.connection, .addAuth("digest", "alice:secret"))
        let sent = ensemble.follower.send(client.connection, .create("/a", "x"), xid: 41)
        let forward = try #require(sent.forwards.first)
        var body = JuteWriter(capacity: 64)
        ClientRequest.create("/a", "x").encodeBody(to: &body)
        #expect(forward == ForwardedRequest(
            sessionId: client.sessionId, cxid: 41, opCode: OpCode.create.rawValue, body: body.bytes,
            authIds: ensemble.follower.core.connections[client.connection]?.authIds ?? []))
        #expect(forward.authIds.contains { $0.scheme == "digest" })
        #expect(ensemble.follower.log.isEmpty, "a learner preps nothing itself")
        let committed = ensemble.settle(sent)
        #expect(committed.reply(to: client.connection, xid: 41)?.header.zxid == 0x1_0000_0002)
    }

    @Test func readsWaitBehindAForwardedWrite() throws {
        var ensemble = Ensemble()
        let c = ensemble.followerSession().connection
        #expect(ensemble.follower.send(c, .getData("/a")).reply(to: c, xid: 1)?.err == .noNode, "nothing outstanding: answered at once")
        var sent = ensemble.follower.send(c, .create("/a", "v"))
        sent += ensemble.follower.send(c, .getData("/a"))
        sent += ensemble.follower.send(c, .exists("/a"))
        #expect(sent.replies.isEmpty)
        #expect(ensemble.follower.core.connections[c]?.outstandingRequests == 3)
        let committed = ensemble.settle(sent)
        let replies = committed.replies(to: c)
        #expect(replies.map(\.xid) == [2, 3, 4])
        #expect(replies.map(\.err) == [.ok, .ok, .ok])
        #expect(try replies[1].decode(GetDataResponse.self).data == Array("v".utf8))
        #expect(ensemble.follower.core.connections[c]?.outstandingRequests == 0)
    }

    @Test func undecodableWritesBecomeTheLeadersErrorTxn() throws {
        var ensemble = Ensemble()
        let c = ensemble.followerSession().connection
        let header = RequestHeader(xid: 9, type: OpCode.multi.rawValue)
        let sent = ensemble.follower.run(ensemble.follower.core.receiveUndecodable(c, header, nowMs: ensemble.nowMs))
        #expect(sent.forwards.map(\.body) == [[]])
        let appended = ensemble.forward(sent)
        let entry = try TxnEntry(juteBytes: try #require(ensemble.leader.log.last).payload)
        #expect(appended.appendedZxids == [0x1_0000_0002])
        #expect(entry.body == .error(ErrorTxn(err: ErrorCode.marshallingError.rawValue)))
        let reply = try #require(ensemble.commit().reply(to: c, xid: 9))
        #expect(reply.err == .marshallingError)
        #expect(reply.body.isEmpty, "an error carries no multi results")
        #expect(reply.header.zxid == 0x1_0000_0002)
    }

    @Test func watchesOnTheFollowerFireOnCommittedTxns() throws {
        var ensemble = Ensemble()
        let leaderClient = ensemble.leader.newSession().connection
        _ = ensemble.leader.call(leaderClient, .create("/w", "0"))
        _ = ensemble.ship()
        let watcher = ensemble.followerSession().connection
        let writer = ensemble.followerSession().connection
        #expect(ensemble.follower.send(watcher, .getData("/w", watch: true)).reply(to: watcher, xid: 1)?.err == .ok)
        #expect(ensemble.follower.send(watcher, .getChildren("/w", watch: true)).reply(to: watcher, xid: 2)?.err == .ok)

        // A write on the leader reaches the follower's watcher when it commits.
        _ = ensemble.leader.send(leaderClient, .setData("/w", "1"))
        #expect(ensemble.ship().isEmpty, "not committed yet")
        let changed = ensemble.commit()
        #expect(changed.events(for: watcher) == [WatcherEvent(type: .nodeDataChanged, path: "/w")])

        // A follower client's own write: the event goes out before the reply.
        let outputs = ensemble.settle(ensemble.follower.send(writer, .create("/w/child")))
        #expect(outputs.events(for: watcher) == [WatcherEvent(type: .nodeChildrenChanged, path: "/w")])
        let event = try #require(outputs.index { $0.reply?.isNotification == true })
        let reply = try #require(outputs.index { $0.reply?.connection == writer && $0.reply?.xid == 1 })
        #expect(event < reply)
    }

    @Test func closingASessionThroughTheFollowerRemovesItsEphemeralsEverywhere() throws {
        var ensemble = Ensemble()
        let client = ensemble.followerSession()
        let c = client.connection
        #expect(ensemble.followerRequest(c, .create("/e", mode: .ephemeral)).err == .ok)
        #expect(ensemble.leader.core.tree.node("/e")?.ephemeralOwner == client.sessionId)
        #expect(ensemble.follower.core.tree.node("/e")?.ephemeralOwner == client.sessionId)

        let sent = ensemble.follower.send(c, .closeSession)
        #expect(sent.forwards.map(\.opCode) == [OpCode.closeSession.rawValue])
        let closed = ensemble.settle(sent)
        let reply = try #require(closed.reply(to: c, xid: 2))
        #expect(reply.err == .ok)
        let replyIndex = try #require(closed.index { $0.reply?.xid == 2 })
        let closeIndex = try #require(closed.firstIndex(of: .close(c)))
        #expect(replyIndex < closeIndex, "the reply goes out before the close")
        #expect(ensemble.leader.core.tree.node("/e") == nil)
        #expect(ensemble.follower.core.tree.node("/e") == nil)
        #expect(!ensemble.leader.core.sessions.isAlive(client.sessionId))
        #expect(!ensemble.follower.core.sessions.isAlive(client.sessionId))
    }

    @Test func syncThroughTheFollowerIsAnsweredWhenTheLeaderSaysSo() throws {
        var ensemble = Ensemble()
        let c = ensemble.followerSession().connection
        let leaderClient = ensemble.leader.newSession().connection
        _ = ensemble.leader.send(leaderClient, .create("/s", "fresh"))
        var sent = ensemble.follower.send(c, .sync(SyncRequest(path: "/s")))
        sent += ensemble.follower.send(c, .getData("/s"))
        let forward = try #require(sent.forwards.first)
        #expect(forward.opCode == OpCode.sync.rawValue)
        #expect(try SyncRequest(juteBytes: forward.body).path == "/s")
        #expect(sent.replies.isEmpty, "the read waits behind the sync")
        #expect(ensemble.forward(sent).isEmpty, "a sync logs nothing")
        #expect(ensemble.follower.run(ensemble.follower.core.syncAnswered(sessionId: 42, cxid: 1, path: "/s", nowMs: ensemble.nowMs)).isEmpty,
                "an answer for another session changes nothing")

        let answered = ensemble.commit()
        let replies = answered.replies(to: c)
        #expect(replies.map(\.xid) == [1, 2])
        #expect(try replies[0].decode(SyncResponse.self).path == "/s")
        #expect(replies[0].header.zxid == ensemble.follower.core.tree.lastProcessedZxid)
        #expect(try replies[1].decode(GetDataResponse.self).data == Array("fresh".utf8), "the read sees what the leader had")
    }

    @Test func aSessionCreatedOnTheLeaderReconnectsToTheFollower() throws {
        var ensemble = Ensemble()
        let client = ensemble.leader.newSession(timeoutMs: 10_000)
        _ = ensemble.ship()
        let (id, outputs) = ensemble.follower.reconnect(client)
        let response = try #require(outputs.connectResponses.first)
        #expect(response.sessionId == client.sessionId)
        #expect(response.timeOut == 10_000)
        #expect(!outputs.closes(id))
        #expect(ensemble.follower.core.connections[id]?.isEstablished == true)
        #expect(ensemble.follower.core.takeSessionTouches() == [SessionTouch(sessionId: client.sessionId, timeoutMs: 10_000)])
        #expect(ensemble.followerRequest(id, .create("/r")).err == .ok)

        let (badId, bad) = ensemble.follower.reconnect(client, password: [UInt8](repeating: 7, count: 16))
        #expect(bad.connectResponses.first?.sessionId == 0)
        #expect(bad.closes(badId))
        #expect(bad.closes(id), "any reconnect attempt closes the session's current connection")
    }

    @Test func anUnknownSessionCannotReconnectToTheFollower() throws {
        var ensemble = Ensemble()
        let client = ensemble.leader.newSession()
        // Not yet shipped: the follower does not know the session.
        let (id, outputs) = ensemble.follower.reconnect(client)
        #expect(outputs.connectResponses.first?.sessionId == 0)
        #expect(outputs.closes(id))
    }

    @Test func leaderZxidsCarryItsEpoch() throws {
        var ensemble = Ensemble(epoch: 5)
        let client = ensemble.leader.newSession()
        #expect(ensemble.leader.log.first?.zxid == 0x5_0000_0001)
        #expect(ensemble.leader.request(client.connection, .create("/a")).header.zxid == 0x5_0000_0002)

        // A leader whose tree is already past its epoch's start continues from there.
        var tree = DataTree()
        tree.lastProcessedZxid = 0x5_0000_0009
        let next = ServerCore(settings: ServerSettings(), tree: tree, nowMs: 0, role: .leader, epoch: 5)
        #expect(next.lastPreppedZxid == 0x5_0000_0009)
        let standalone = ServerCore(settings: ServerSettings(), tree: tree, nowMs: 0, epoch: 7)
        #expect(standalone.lastPreppedZxid == 0x5_0000_0009, "the epoch means nothing standalone")
    }

    /// tickTime 2000, timeout 4000: a session made at t expires at the tick
    /// at t+6000 unless touched.
    @Test func touchesKeepAFollowerSessionAliveOnTheLeader() throws {
        var ensemble = Ensemble()
        let start = ensemble.nowMs
        let client = ensemble.followerSession(timeoutMs: 4000)
        let c = client.connection
        #expect(ensemble.follower.core.takeSessionTouches().isEmpty, "a new session has no activity to report yet")

        ensemble.advance(to: start + 3000)
        _ = ensemble.follower.send(c, .ping)
        let touches = ensemble.follower.core.takeSessionTouches()
        #expect(touches == [SessionTouch(sessionId: client.sessionId, timeoutMs: 4000)])
        #expect(ensemble.follower.core.takeSessionTouches().isEmpty, "taken once")
        ensemble.leader.core.touchSessions(touches, nowMs: ensemble.nowMs)

        #expect(ensemble.leader.tick(at: start + 6000).appendedZxids.isEmpty)
        #expect(ensemble.leader.core.sessions.isAlive(client.sessionId))
        #expect(ensemble.follower.tick(at: start + 60_000).isEmpty, "a learner expires nothing")
        ensemble.advance(to: start + 6000)

        // No more touches: the leader expires the session, and its commit
        // closes the follower's connection.
        let expired = ensemble.leader.tick(at: start + 8000)
        #expect(expired.appendedZxids.count == 1)
        ensemble.advance(to: start + 8000)
        let closed = ensemble.commit()
        #expect(closed.closes(c))
        #expect(closed.replies(to: c).isEmpty)
        #expect(!ensemble.follower.core.sessions.isAlive(client.sessionId))
    }

    @Test func aLearnerServesOnlyWhenToldTo() throws {
        var ensemble = Ensemble()
        let client = ensemble.followerSession()
        let closed = ensemble.follower.run(ensemble.follower.core.setServing(false))
        #expect(closed == [.close(client.connection)])
        #expect(!ensemble.follower.core.isServing)
        let id = ensemble.follower.open()
        #expect(ensemble.follower.connect(id, ConnectRequest()) == [.close(id)])

        #expect(ensemble.follower.core.setServing(true).isEmpty)
        let again = ensemble.follower.open()
        #expect(ensemble.follower.connect(again, ConnectRequest()).forwards.count == 1)

        let fresh = ServerCore(settings: ServerSettings(), nowMs: 0, role: .observer)
        #expect(!fresh.isServing, "a learner starts out not serving")
        #expect(ServerCore(settings: ServerSettings(), nowMs: 0, role: .leader).isServing)
        #expect(ServerCore(settings: ServerSettings(), nowMs: 0).isServing)
    }

    @Test func olderOrRepeatedCommitsAreIgnored() throws {
        var ensemble = Ensemble()
        let client = ensemble.followerSession()
        _ = ensemble.followerRequest(client.connection, .create("/a"))
        let entry = try #require(ensemble.leader.log.last)
        let applied = ensemble.follower.core.txnsSinceSnapshot
        #expect(ensemble.follower.core.applyCommitted(zxid: entry.zxid, payload: entry.payload, nowMs: ensemble.nowMs).isEmpty)
        #expect(ensemble.follower.core.txnsSinceSnapshot == applied)
        #expect(ensemble.follower.core.tree.lastProcessedZxid == entry.zxid)
    }
}
