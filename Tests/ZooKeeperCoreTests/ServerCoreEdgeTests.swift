import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// Requests Apache handles in unusual ways: undecodable bodies, unknown op
/// codes, client-sent deleteContainer, per-connection figures.
@Suite struct ServerCoreEdgeTests {
    private func undecodable(_ harness: inout CoreHarness, _ id: ConnectionID, xid: Int32, type: Int32) -> [Output] {
        let effects = harness.core.receiveUndecodable(id, RequestHeader(xid: xid, type: type), nowMs: harness.nowMs)
        return harness.run(effects)
    }

    /// UnimplementedRequestProcessor: ReplyHeader(cxid, -1, Unimplemented), then close.
    @Test func unknownOpCodeIsUnimplementedAndCloses() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let outputs = undecodable(&harness, c, xid: 5, type: 999)
        #expect(outputs.count == 2)
        let reply = try #require(outputs.first?.reply)
        #expect(reply.header == ReplyHeader(xid: 5, zxid: -1, err: ErrorCode.unimplemented.rawValue))
        #expect(outputs.last == .close(c))
    }

    /// PrepRequestProcessor turns a write whose body does not parse into an
    /// ErrorTxn(MarshallingError) that takes a zxid.
    @Test func undecodableWriteIsAnErrorTxn() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let sent = undecodable(&harness, c, xid: 3, type: OpCode.create.rawValue)
        #expect(sent.appendedZxids == [2])
        #expect(sent.replies.isEmpty)
        let entry = try TxnEntry(juteBytes: try #require(harness.log.last).payload)
        #expect(entry.header.type == OpCode.error.rawValue)
        #expect(entry.body == .error(ErrorTxn(err: ErrorCode.marshallingError.rawValue)))
        let reply = try #require(harness.sync().reply(to: c, xid: 3))
        #expect(reply.err == .marshallingError)
        #expect(reply.header.zxid == 2)
    }

    @Test func undecodableReadIsMarshallingError() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        let outputs = undecodable(&harness, c, xid: 4, type: OpCode.getData.rawValue)
        let reply = try #require(outputs.reply(to: c, xid: 4))
        #expect(reply.err == .marshallingError)
        #expect(reply.header.zxid == 1)
        #expect(outputs.appendedZxids.isEmpty)
    }

    /// In Apache an undecodable read still goes through the pipeline (the
    /// body is parsed in FinalRequestProcessor), so its reply keeps xid order
    /// behind the connection's pending writes; an out-of-order xid makes the
    /// Java client drop the connection ("Xid out of order").
    @Test
    func undecodableReadKeepsXidOrder() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        var outputs = harness.send(c, .create("/a"), xid: 1)
        outputs += undecodable(&harness, c, xid: 2, type: OpCode.getData.rawValue)
        outputs += harness.sync()
        #expect(outputs.replies(to: c).map(\.xid) == [1, 2])
    }

    /// Apache's prep for deleteContainer checks neither the session nor ACLs,
    /// and refuses only session ephemerals (BadVersion) and non-empty nodes.
    @Test func clientSentDeleteContainer() {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.call(c, .create("/e", mode: .ephemeral))
        _ = harness.call(c, .create("/locked", acl: [ACL(perms: .read, id: .anyone)]))
        _ = harness.call(c, .create("/full"))
        _ = harness.call(c, .create("/full/kid"))
        // deleteContainer is the reaper's request: from a client it deletes
        // nothing, whatever the node (Apache: BadArguments). Before, "/locked"
        // — readable only, no DELETE for anyone — was deleted.
        for path in ["/e", "/full", "/missing", "/zookeeper", "/locked"] {
            #expect(harness.request(c, .deleteContainer(path: path)).err == .badArguments, "\(path)")
        }
        #expect(harness.core.tree.node("/locked") != nil)
        #expect(harness.core.tree.node("/e") != nil)
    }

    /// What `cons` shows per connection.
    @Test func perConnectionFigures() throws {
        var harness = CoreHarness()
        let c = harness.newSession().connection
        _ = harness.send(c, .create("/a"), xid: 10)
        harness.nowMs += 7
        _ = harness.sync()
        let connection = try #require(harness.core.connections[c])
        #expect(connection.lastOperation == "CREA")
        #expect(connection.lastCxid == 10)
        #expect(connection.lastZxid == 2)
        #expect(connection.lastLatencyMs == 7)
        #expect(connection.lastResponseAtMs == harness.nowMs)
        // ConnectRequest + create; ConnectResponse + reply.
        #expect(connection.packetsReceived == 2)
        #expect(connection.packetsSent == 2)
        _ = harness.request(c, .getData("/a"))
        #expect(harness.core.connections[c]?.lastOperation == "GETD")
        #expect(harness.core.connections[c]?.lastLatencyMs == 0)
        #expect(harness.core.connections[c]?.latency.count == 2)
        #expect(harness.core.connections[c]?.latency.maxMs == 7)
        #expect(harness.core.counters.packetsReceived == 3)
    }
}
