import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// Handshake, reconnect, expiry, closeSession.
@Suite struct ServerCoreSessionTests {
    @Test func handshakeIsAnsweredOnlyOnceTheSessionIsDurable() throws {
        var harness = CoreHarness()
        let id = harness.open()
        let connected = harness.connect(id, ConnectRequest(timeOut: 30_000))
        #expect(connected.connectResponses.isEmpty)
        #expect(connected.appendedZxids == [1])
        let entry = try TxnEntry(juteBytes: try #require(harness.log.first).payload)
        #expect(entry.header.type == OpCode.createSession.rawValue)
        #expect(entry.body == .createSession(CreateSessionTxn(timeOut: 30_000)))

        let synced = harness.sync()
        let response = try #require(synced.connectResponses.first)
        #expect(response.protocolVersion == 0)
        #expect(response.timeOut == 30_000)
        #expect(response.sessionId != 0)
        #expect(response.sessionId == entry.header.clientId)
        #expect(response.passwd.count == 16)
        #expect(response.readOnly == false)
        #expect(harness.core.sessions.isAlive(response.sessionId))
        #expect(harness.core.connections[id]?.isEstablished == true)
    }

    /// Apache's initializeNextSessionId: ((time << 24) >>> 8) | (serverId << 56).
    @Test func sessionIdsCarryTheServerIdInTheHighByte() {
        var harness = CoreHarness(settings: ServerSettings(tickTimeMs: 2000, serverId: 3))
        let first = harness.newSession()
        let second = harness.newSession()
        #expect(first.sessionId >> 56 == 3)
        #expect(second.sessionId == first.sessionId + 1)
        let expected = Int64(bitPattern: UInt64(bitPattern: CoreHarness.startMs << 24) >> 8) | (3 << 56)
        #expect(first.sessionId == expected)
    }

    /// With myid 255 every session id has 0xFF in its high byte. Apache
    /// (extended types off, the default) reads such an owner as a NORMAL
    /// ephemeral (EphemeralType.get); zkdash must not mistake it for a TTL.
    @Test
    func ephemeralsWorkWithServerId255() throws {
        var harness = CoreHarness(settings: ServerSettings(tickTimeMs: 2000, serverId: 255))
        let client = harness.newSession()
        #expect(UInt64(bitPattern: client.sessionId) >> 56 == 0xFF)
        let created = harness.request(client.connection, .create2("/e", mode: .ephemeral))
        #expect(try created.decode(Create2Response.self).stat.ephemeralOwner == client.sessionId)
        #expect(harness.core.tree.ephemerals[client.sessionId] == ["/e"])
        _ = harness.call(client.connection, .closeSession)
        #expect(harness.core.tree.node("/e") == nil)
    }

    /// Apache mirrors an old client (no readOnly byte) in its ConnectResponse.
    @Test func oldClientGetsNoReadOnlyByte() throws {
        var harness = CoreHarness()
        let id = harness.open()
        _ = harness.connect(id, ConnectRequest(timeOut: 30_000, hasReadOnlyField: false))
        let response = try #require(harness.sync().connectResponses.first)
        #expect(response.hasReadOnlyField == false)
    }

    @Test(arguments: [
        (Int32(1), Int32(4000)),        // below min (2 * tickTime)
        (Int32(4000), Int32(4000)),
        (Int32(10_000), Int32(10_000)),
        (Int32(40_000), Int32(40_000)),
        (Int32(1_000_000), Int32(40_000)), // above max (20 * tickTime)
    ])
    func negotiatedTimeoutIsClamped(_ requested: Int32, _ negotiated: Int32) {
        var harness = CoreHarness()
        #expect(harness.newSession(timeoutMs: requested).timeoutMs == negotiated)
    }

    @Test func explicitTimeoutBoundsAreHonoured() {
        var harness = CoreHarness(settings: ServerSettings(tickTimeMs: 1000, minSessionTimeoutMs: 5000, maxSessionTimeoutMs: 6000))
        #expect(harness.newSession(timeoutMs: 100).timeoutMs == 5000)
        #expect(harness.newSession(timeoutMs: 60_000).timeoutMs == 6000)
    }

    /// Apache refuses a client that has seen a newer zxid than the server has.
    @Test func clientAheadOfTheServerIsClosed() {
        var harness = CoreHarness()
        _ = harness.newSession()
        let id = harness.open()
        let outputs = harness.connect(id, ConnectRequest(lastZxidSeen: 5, timeOut: 30_000))
        #expect(outputs == [.close(id)])
        #expect(harness.log.count == 1, "no session is created")
    }

    @Test func clientAtTheServersZxidIsAccepted() {
        var harness = CoreHarness()
        _ = harness.newSession()
        let id = harness.open()
        let outputs = harness.connect(id, ConnectRequest(lastZxidSeen: 1, timeOut: 30_000)) + harness.sync()
        #expect(outputs.connectResponses.count == 1)
    }

    @Test func reconnectWithTheRightPasswordKeepsTheSession() throws {
        var harness = CoreHarness()
        let client = harness.newSession()
        _ = harness.call(client.connection, .create("/e", mode: .ephemeral))
        let (id, outputs) = harness.reconnect(client)
        let response = try #require(outputs.connectResponses.first)
        #expect(response.sessionId == client.sessionId)
        #expect(response.timeOut == client.timeoutMs)
        #expect(response.passwd == client.password)
        #expect(outputs.appendedZxids.isEmpty, "a reconnect is not a txn")
        // Apache closes the session's previous connection.
        #expect(outputs.closes(client.connection))
        #expect(!outputs.closes(id))
        harness.closeConnection(client.connection)
        // The session and its ephemeral live on, usable from the new connection.
        #expect(harness.core.tree.node("/e")?.ephemeralOwner == client.sessionId)
        #expect(harness.request(id, .create("/f", mode: .ephemeral)).err == .ok)
        #expect(harness.core.tree.ephemerals[client.sessionId] == ["/e", "/f"])
    }

    /// Apache touches a session with its connection's negotiated timeout
    /// (ZooKeeperServer.touch uses cnxn.getSessionTimeout()), so after a
    /// reconnect that negotiated a longer timeout the session lives by it.
    @Test
    func reconnectTimeoutGovernsExpiry() throws {
        var harness = CoreHarness()
        let start = harness.nowMs
        let client = harness.newSession(timeoutMs: 4000)
        harness.closeConnection(client.connection)
        harness.nowMs = start + 1000
        let (id, outputs) = harness.reconnect(client, timeoutMs: 40_000)
        #expect(try #require(outputs.connectResponses.first).timeOut == 40_000)
        harness.nowMs = start + 5000
        #expect(harness.request(id, .ping).err == .ok)
        // Idle for 15 s: well within 40 s, well past 4 s.
        #expect(harness.tick(at: start + 20_000).appendedZxids.isEmpty)
        #expect(harness.core.sessions.isAlive(client.sessionId))
    }

    @Test func reconnectWithAWrongPasswordIsTreatedAsExpired() throws {
        var harness = CoreHarness()
        let client = harness.newSession()
        var wrong = client.password
        wrong[0] ^= 0xFF
        let (id, outputs) = harness.reconnect(client, password: wrong)
        let response = try #require(outputs.connectResponses.first)
        #expect(response.timeOut == 0)
        #expect(response.sessionId == 0)
        #expect(response.passwd == [UInt8](repeating: 0, count: 16))
        #expect(outputs.closes(id))
        let closeIndex = try #require(outputs.index { $0 == .close(id) })
        let responseIndex = try #require(outputs.index { if case .connected = $0 { true } else { false } })
        #expect(responseIndex < closeIndex, "the response is written before the close")
        // The session itself is untouched.
        #expect(harness.core.sessions.isAlive(client.sessionId))
    }

    @Test func reconnectToAnUnknownSessionIsTreatedAsExpired() throws {
        var harness = CoreHarness()
        let id = harness.open()
        let outputs = harness.connect(id, ConnectRequest(timeOut: 30_000, sessionId: 0x1234, passwd: SessionPassword.derive(0x1234)))
        let response = try #require(outputs.connectResponses.first)
        #expect(response.sessionId == 0)
        #expect(response.timeOut == 0)
        #expect(outputs.closes(id))
    }

    @Test func requestBeforeTheHandshakeClosesTheConnection() {
        var harness = CoreHarness()
        let id = harness.open()
        let outputs = harness.send(id, .exists("/"))
        #expect(outputs == [.close(id)])
    }

    @Test func closeSessionRemovesEphemeralsAndClosesTheConnection() throws {
        var harness = CoreHarness()
        let client = harness.newSession()
        let watcher = harness.newSession()
        _ = harness.call(client.connection, .create("/e1", mode: .ephemeral))
        _ = harness.call(client.connection, .create("/p"))
        _ = harness.call(client.connection, .create("/p/e2", mode: .ephemeralSequential))
        #expect(harness.request(watcher.connection, .exists("/e1", watch: true)).err == .ok)

        let sent = harness.send(client.connection, .closeSession)
        #expect(sent.replies.isEmpty)
        let entry = try TxnEntry(juteBytes: try #require(harness.log.last).payload)
        #expect(entry.header.type == OpCode.closeSession.rawValue)
        #expect(entry.body == .closeSession(CloseSessionTxn(paths2Delete: ["/e1", "/p/e20000000000"])))

        let outputs = harness.sync()
        let reply = try #require(outputs.reply(to: client.connection, xid: 4))
        #expect(reply.err == .ok)
        #expect(outputs.closes(client.connection))
        let replyIndex = try #require(outputs.index { $0.reply?.connection == client.connection })
        let closeIndex = try #require(outputs.index { $0 == .close(client.connection) })
        #expect(replyIndex < closeIndex)
        #expect(outputs.events(for: watcher.connection) == [WatcherEvent(type: .nodeDeleted, path: "/e1")])
        #expect(harness.core.tree.node("/e1") == nil)
        #expect(harness.core.tree.node("/p/e20000000000") == nil)
        #expect(harness.core.tree.node("/p") != nil)
        #expect(harness.core.tree.ephemerals[client.sessionId] == nil)
        #expect(!harness.core.sessions.isAlive(client.sessionId))
        #expect(harness.core.sessions.sessions[client.sessionId] == nil)
    }

    /// Ephemerals created in the same pipeline as the closeSession go too.
    @Test func closeSessionCountsPendingEphemerals() {
        var harness = CoreHarness()
        let client = harness.newSession()
        _ = harness.send(client.connection, .create("/e", mode: .ephemeral))
        _ = harness.send(client.connection, .closeSession)
        _ = harness.sync()
        #expect(harness.core.tree.node("/e") == nil)
        #expect(harness.core.tree.ephemeralCount == 0)
    }

    /// Apache either drops a request from a closing session (touch fails in
    /// submitRequestNow) or fails it in prep with SessionExpired; it never applies it.
    @Test func writesAfterCloseSessionAreNotApplied() {
        var harness = CoreHarness()
        let client = harness.newSession()
        _ = harness.send(client.connection, .closeSession)
        _ = harness.send(client.connection, .create("/x"))
        let outputs = harness.sync()
        if let reply = outputs.reply(to: client.connection, xid: 2) {
            #expect(reply.err == .sessionExpired)
        }
        #expect(harness.core.tree.node("/x") == nil)
    }

    /// Apache's ExpiryQueue rounds deadlines up to the next tick boundary.
    @Test func sessionExpiresAfterItsTimeoutRoundedUpToATick() throws {
        var harness = CoreHarness()
        let start = harness.nowMs
        let doomed = harness.newSession(timeoutMs: 4000)
        let watcher = harness.newSession(timeoutMs: 40_000)
        _ = harness.call(doomed.connection, .create("/e", mode: .ephemeral))
        #expect(harness.request(watcher.connection, .exists("/e", watch: true)).err == .ok)

        // start is a multiple of tickTime; 4000 ms later rounds up to start + 6000.
        #expect(start % 2000 == 0)
        #expect(harness.tick(at: start + 5999).appendedZxids.isEmpty)
        #expect(harness.core.sessions.isAlive(doomed.sessionId))
        let expiry = harness.tick(at: start + 6000)
        #expect(expiry.appendedZxids.count == 1)
        let entry = try TxnEntry(juteBytes: try #require(harness.log.last).payload)
        #expect(entry.header.type == OpCode.closeSession.rawValue)
        #expect(entry.header.clientId == doomed.sessionId)
        #expect(harness.core.tree.node("/e") != nil, "not deleted before the txn is durable")

        let outputs = harness.sync()
        #expect(harness.core.tree.node("/e") == nil)
        #expect(outputs.events(for: watcher.connection) == [WatcherEvent(type: .nodeDeleted, path: "/e")])
        #expect(outputs.closes(doomed.connection))
        #expect(harness.core.sessions.sessions[doomed.sessionId] == nil)
        #expect(harness.core.sessions.isAlive(watcher.sessionId))
        // A later tick does not expire it again.
        #expect(harness.tick(at: start + 8000).appendedZxids.isEmpty)
    }

    @Test func requestsKeepASessionAlive() {
        var harness = CoreHarness()
        let start = harness.nowMs
        let client = harness.newSession(timeoutMs: 4000)
        for step in 1...5 {
            harness.nowMs = start + Int64(step) * 3000
            _ = harness.request(client.connection, .ping)
            #expect(harness.tick(at: harness.nowMs).appendedZxids.isEmpty)
        }
        #expect(harness.core.sessions.isAlive(client.sessionId))
        #expect(harness.tick(at: start + 15_000 + 6000).appendedZxids.count == 1)
    }

    /// A session outlives its connection until it times out.
    @Test func sessionSurvivesADroppedConnection() {
        var harness = CoreHarness()
        let start = harness.nowMs
        let client = harness.newSession(timeoutMs: 10_000)
        _ = harness.call(client.connection, .create("/e", mode: .ephemeral))
        harness.closeConnection(client.connection)
        #expect(harness.tick(at: start + 4000).appendedZxids.isEmpty)
        #expect(harness.core.tree.node("/e") != nil)
        _ = harness.tick(at: start + 12_000)
        _ = harness.sync()
        #expect(harness.core.tree.node("/e") == nil)
    }

    @Test func reconnectAfterExpiryIsRefused() throws {
        var harness = CoreHarness()
        let start = harness.nowMs
        let client = harness.newSession(timeoutMs: 4000)
        harness.closeConnection(client.connection)
        _ = harness.tick(at: start + 6000)
        let (id, outputs) = harness.reconnect(client)
        let response = try #require(outputs.connectResponses.first)
        #expect(response.sessionId == 0)
        #expect(response.timeOut == 0)
        #expect(outputs.closes(id))
    }

    @Test func pingIsAnsweredWithXidMinusTwo() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let reply = harness.request(c, .ping)
        #expect(reply.header == ReplyHeader(xid: -2, zxid: 1, err: 0))
        #expect(reply.body.isEmpty)
    }

    @Test func throttlingPausesAndResumesReading() {
        var harness = CoreHarness(settings: ServerSettings(tickTimeMs: 2000, maxOutstandingPerConnection: 4))
        let c = harness.newSession().connection
        var sent: [Output] = []
        for index in 0..<3 {
            sent += harness.send(c, .create("/n\(index)"))
        }
        #expect(!sent.contains(.setReading(c, false)), "below the limit")
        for index in 3..<5 {
            sent += harness.send(c, .create("/n\(index)"))
        }
        // The 4th request reaches the limit and the 5th arrives over it: each
        // repeats the pause (the shell may have resumed reading meanwhile).
        #expect(sent.filter { $0 == .setReading(c, false) }.count == 2)
        #expect(!sent.contains(.setReading(c, true)))
        let synced = harness.sync()
        #expect(synced.filter { $0 == .setReading(c, true) }.count == 1)
        #expect(!synced.contains(.setReading(c, false)))
        #expect(synced.replies(to: c).count == 5)
        #expect(harness.core.connections[c]?.outstandingRequests == 0)
    }

    /// Issue 14: the in-flight queue is bounded over all connections, not only
    /// per connection. At the bound every connection that sends another write
    /// stops being read; at half, they read again.
    @Test func inFlightWritesAreBoundedOverAllConnections() {
        var harness = CoreHarness(settings: ServerSettings(tickTimeMs: 2000, maxOutstandingPerConnection: 1000, maxInFlightTxns: 4))
        let c1 = harness.newSession().connection
        let c2 = harness.newSession().connection
        var sent = harness.send(c1, .create("/a1")) + harness.send(c1, .create("/a2")) + harness.send(c2, .create("/b1"))
        #expect(!sent.contains { if case .setReading(_, false) = $0 { true } else { false } }, "below the bound")
        sent = harness.send(c2, .create("/b2"))
        #expect(sent.contains(.setReading(c2, false)))
        sent = harness.send(c1, .create("/a3"))
        #expect(sent.contains(.setReading(c1, false)))
        #expect(harness.core.inFlightCount == 5)
        let synced = harness.sync()
        #expect(synced.contains(.setReading(c1, true)) && synced.contains(.setReading(c2, true)))
        #expect(synced.replies(to: c1).count == 3 && synced.replies(to: c2).count == 2)
        #expect(harness.core.inFlightCount == 0)
    }

    @Test func queuedReadsCountTowardsTheLimit() {
        var harness = CoreHarness(settings: ServerSettings(tickTimeMs: 2000, maxOutstandingPerConnection: 3))
        let c = harness.newSession().connection
        var sent = harness.send(c, .create("/a"))
        sent += harness.send(c, .getData("/a"))
        sent += harness.send(c, .getData("/a"))
        sent += harness.send(c, .getData("/a"))
        #expect(sent.contains(.setReading(c, false)))
        let synced = harness.sync()
        #expect(synced.contains(.setReading(c, true)))
        #expect(synced.replies(to: c).count == 4)
    }

    /// Apache's randRoll: after a roll r the next snapshot is due after
    /// snapCount/2 + r txns (r is clamped into 0..<snapCount/2).
    @Test func rolledThresholdMovesTheNextSnapshot() {
        var harness = CoreHarness(settings: ServerSettings(tickTimeMs: 2000, snapCount: 10))
        #expect(harness.core.snapshotThreshold == 10)
        harness.core.rollSnapshotThreshold(2)
        #expect(harness.core.snapshotThreshold == 7)
        let c = harness.newSession().connection   // txn 1
        for index in 2...6 { #expect(!harness.call(c, .create("/n\(index)")).contains(.snapshotDue)) }
        #expect(harness.call(c, .create("/n7")).contains(.snapshotDue))
        harness.core.rollSnapshotThreshold(99)
        #expect(harness.core.snapshotThreshold == 9, "a roll past snapCount/2 is clamped")
        harness.core.rollSnapshotThreshold(-3)
        #expect(harness.core.snapshotThreshold == 5)
    }

    @Test func snapCountTriggersASnapshot() {
        var harness = CoreHarness(settings: ServerSettings(tickTimeMs: 2000, snapCount: 3))
        let c = harness.newSession().connection   // txn 1
        let first = harness.call(c, .create("/a"))  // txn 2
        #expect(!first.contains(.snapshotDue))
        let second = harness.call(c, .create("/b")) // txn 3
        #expect(second.filter { $0 == .snapshotDue }.count == 1)
        #expect(harness.core.txnsSinceSnapshot == 0)
        // Failed writes are txns too.
        _ = harness.call(c, .create("/a"))
        _ = harness.call(c, .create("/a"))
        #expect(harness.call(c, .create("/a")).contains(.snapshotDue))
    }

    /// Apache's ContainerManager deletes a container that had children and has
    /// none left, through a logged deleteContainer txn.
    @Test func emptiedContainersAreRemovedOnTheCheckInterval() throws {
        var harness = CoreHarness(settings: ServerSettings(tickTimeMs: 2000, containerCheckIntervalMs: 60_000))
        let start = harness.nowMs
        let c = harness.newSession(timeoutMs: 40_000).connection
        let created = harness.request(c, .createContainer(CreateRequest(path: "/c", mode: .container)))
        #expect(created.err == .ok)
        #expect(try created.decode(Create2Response.self).stat.ephemeralOwner == 0)
        #expect(harness.core.tree.node("/c")?.kind == .container)
        _ = harness.call(c, .createContainer(CreateRequest(path: "/never-used", mode: .container)))
        _ = harness.call(c, .create("/c/child"))
        _ = harness.call(c, .delete("/c/child"))
        #expect(harness.request(c, .exists("/c", watch: true)).err == .ok)

        #expect(harness.tick(at: start + 30_000).appendedZxids.isEmpty)
        harness.nowMs = start + 30_000
        _ = harness.request(c, .ping)
        let check = harness.tick(at: start + 60_000)
        #expect(check.appendedZxids.count == 1)
        let entry = try TxnEntry(juteBytes: try #require(harness.log.last).payload)
        #expect(entry.header.type == OpCode.deleteContainer.rawValue)
        #expect(entry.body == .delete(DeleteTxn(path: "/c")))
        let outputs = harness.sync()
        #expect(harness.core.tree.node("/c") == nil)
        #expect(harness.core.tree.containers == ["/never-used"])
        #expect(outputs.events(for: c) == [WatcherEvent(type: .nodeDeleted, path: "/c")])
    }

    /// Apache's DataTree applies a create2 txn from its `ephemeral` flag only,
    /// so a create2 (not createContainer) with the container flag makes a
    /// persistent node; clients use the createContainer op.
    @Test func create2WithContainerFlagMakesAPersistentNode() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        #expect(harness.request(c, .create2("/c", mode: .container)).err == .ok)
        #expect(harness.core.tree.node("/c")?.kind == .persistent)
    }

    @Test func containerWithChildrenIsKept() {
        var harness = CoreHarness(settings: ServerSettings(tickTimeMs: 2000, containerCheckIntervalMs: 1000))
        let c = harness.newSession(timeoutMs: 40_000).connection
        _ = harness.call(c, .createContainer(CreateRequest(path: "/c", mode: .container)))
        _ = harness.call(c, .create("/c/child"))
        #expect(harness.tick(at: harness.nowMs + 1000).appendedZxids.isEmpty)
    }
}
