import Testing
@testable import ZooKeeperProtocol

/// Reply frames captured from a real Apache ZooKeeper 3.8.0 server (see
/// scripts/capture-golden.py and GoldenCaptures.swift). zxids, times and session
/// ids vary per capture, so we assert what is predictable and that re-encoding
/// the decoded records reproduces the captured bytes exactly.
@Suite struct ApacheGoldenTests {
    /// Decodes header + body record, requires the frame to be fully consumed and
    /// to re-encode identically.
    private func reply<R: JuteRecord>(_ hex: String, _: R.Type, xid: Int32, sourceLocation: SourceLocation = #_sourceLocation) throws -> (ReplyHeader, R) {
        let bytes = hexBytes(hex)
        var reader = JuteReader(bytes)
        let header = try ReplyHeader(from: &reader)
        let body = try R(from: &reader)
        #expect(reader.isAtEnd, "unread bytes", sourceLocation: sourceLocation)
        #expect(header.xid == xid, sourceLocation: sourceLocation)
        #expect(header.err == 0, sourceLocation: sourceLocation)
        #expect(header.juteBytes() + body.juteBytes() == bytes, "re-encoding differs", sourceLocation: sourceLocation)
        return (header, body)
    }

    /// A reply that is a ReplyHeader alone (errors, and ops with no result).
    private func headerOnly(_ hex: String, xid: Int32, err: ErrorCode, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = hexBytes(hex)
        let header = try ReplyHeader(juteBytes: bytes)
        #expect(bytes.count == 16, sourceLocation: sourceLocation)
        #expect(header.xid == xid && header.err == err.rawValue, sourceLocation: sourceLocation)
        #expect(header.juteBytes() == bytes, sourceLocation: sourceLocation)
    }

    private func notification(_ hex: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> WatcherEvent {
        let (header, event) = try reply(hex, WatcherEvent.self, xid: SpecialXid.notification, sourceLocation: sourceLocation)
        #expect(header.zxid == -1, sourceLocation: sourceLocation)
        #expect(event.state == KeeperState.syncConnected.rawValue, sourceLocation: sourceLocation)
        return event
    }

    @Test func connectResponses() throws {
        let bytes = hexBytes(Golden.connectReply)
        let response = try ConnectResponse(juteBytes: bytes)
        #expect(response.protocolVersion == 0 && response.timeOut == 10_000)
        #expect(response.sessionId != 0 && response.passwd.count == 16)
        #expect(response.hasReadOnlyField && !response.readOnly)
        #expect(response.juteBytes() == bytes)

        // To a client that sent no readOnly byte, Apache sends none either.
        let oldBytes = hexBytes(Golden.oldClientConnectReply)
        let old = try ConnectResponse(juteBytes: oldBytes)
        #expect(!old.hasReadOnlyField && old.timeOut == 10_000 && old.sessionId != 0)
        #expect(oldBytes.count == bytes.count - 1 && old.juteBytes() == oldBytes)

        // Reattaching to a closed session: timeOut 0, sessionId 0, zero password.
        let expiredBytes = hexBytes(Golden.expiredConnectReply)
        let expired = try ConnectResponse(juteBytes: expiredBytes)
        #expect(expired == ConnectResponse(protocolVersion: 0, timeOut: 0, sessionId: 0, passwd: [UInt8](repeating: 0, count: 16), readOnly: false))
        #expect(expired.juteBytes() == expiredBytes)
    }

    @Test func creates() throws {
        #expect(try reply(Golden.createReply, CreateResponse.self, xid: 1).1.path == "/golden")
        let (header, create2) = try reply(Golden.create2Reply, Create2Response.self, xid: 2)
        #expect(create2.path == "/golden/child")
        #expect(create2.stat.czxid == header.zxid && create2.stat.mzxid == header.zxid && create2.stat.pzxid == header.zxid)
        #expect(create2.stat.version == 0 && create2.stat.dataLength == 0 && create2.stat.numChildren == 0)
        #expect(create2.stat.ctime == create2.stat.mtime && create2.stat.ephemeralOwner == 0)
        // The sequence suffix is the parent's cversion (one child existed): 10 digits.
        #expect(try reply(Golden.createEphemeralSequentialReply, CreateResponse.self, xid: 3).1.path == "/golden/seq-0000000001")
        #expect(try reply(Golden.createNullDataReply, CreateResponse.self, xid: 4).1.path == "/golden/nulldata")
        try headerOnly(Golden.createExistingReply, xid: 5, err: .nodeExists)
    }

    @Test func getData() throws {
        let (_, hello) = try reply(Golden.getDataReply, GetDataResponse.self, xid: 6)
        #expect(hello.data == utf8("hello"))
        #expect(hello.stat.version == 0 && hello.stat.dataLength == 5 && hello.stat.numChildren == 3 && hello.stat.cversion == 3)
        // A node created with null data comes back as a -1 buffer, not an empty one.
        let (_, null) = try reply(Golden.getDataNullReply, GetDataResponse.self, xid: 7)
        #expect(null.data == nil && null.stat.dataLength == 0)
    }

    @Test func setDataStreamWithNotification() throws {
        // Raw socket bytes, fed one byte at a time: the watch fires before the reply.
        var decoder = FrameDecoder()
        var frames: [[UInt8]] = []
        for byte in hexBytes(Golden.setDataStream) {
            decoder.append(CollectionOfOne(byte))
            while let frame = try decoder.nextFrame() { frames.append(frame) }
        }
        #expect(frames.count == 2 && decoder.bufferedByteCount == 0)
        guard frames.count == 2 else { return }
        var first = JuteReader(frames[0])
        #expect(try ReplyHeader(from: &first) == ReplyHeader(xid: -1, zxid: -1, err: 0))
        #expect(try WatcherEvent(from: &first) == WatcherEvent(type: .nodeDataChanged, state: .syncConnected, path: "/golden"))
        var second = JuteReader(frames[1])
        let header = try ReplyHeader(from: &second)
        let response = try SetDataResponse(from: &second)
        #expect(header.xid == 8 && header.err == 0)
        #expect(response.stat.version == 1 && response.stat.dataLength == 5 && response.stat.mzxid == header.zxid)
        #expect(FrameDecoder.frame(records: ReplyHeader(xid: -1, zxid: -1, err: 0), WatcherEvent(type: .nodeDataChanged, path: "/golden"))
            + FrameDecoder.frame(records: header, response) == hexBytes(Golden.setDataStream))
    }

    @Test func existsAndChildren() throws {
        try headerOnly(Golden.existsMissingReply, xid: 9, err: .noNode)
        #expect(try reply(Golden.existsReply, ExistsResponse.self, xid: 10).1.stat.version == 1)
        let (_, children2) = try reply(Golden.getChildren2Reply, GetChildren2Response.self, xid: 11)
        #expect(Set(children2.children) == ["child", "nulldata", "seq-0000000001"])
        #expect(children2.stat.numChildren == 3 && children2.stat.cversion == 3)
        let (_, children) = try reply(Golden.getChildrenReply, GetChildrenResponse.self, xid: 12)
        #expect(children.children == children2.children)
    }

    @Test func acls() throws {
        let (_, getACL) = try reply(Golden.getACLReply, GetACLResponse.self, xid: 13)
        #expect(getACL.acl == ACL.openUnsafe && getACL.stat.aversion == 0)
        #expect(try reply(Golden.setACLReply, SetACLResponse.self, xid: 14).1.stat.aversion == 1)
    }

    @Test func sync() throws {
        #expect(try reply(Golden.syncReply, SyncResponse.self, xid: 15).1.path == "/golden")
    }

    @Test func multiSuccess() throws {
        let (header, response) = try reply(Golden.multiReply, MultiResponse.self, xid: 16)
        #expect(response.results.count == 4)
        guard response.results.count == 4 else { return }
        #expect(response.results[0] == .create(path: "/golden/m1"))
        guard case let .setData(stat) = response.results[1] else { Issue.record("not setData"); return }
        #expect(stat.version == 1 && stat.czxid == header.zxid && stat.dataLength == 2)
        #expect(response.results[2] == .check)
        #expect(response.results[3] == .delete)
    }

    @Test func multiFailure() throws {
        // The header says ok: the failure is only in the results, where every op
        // is an error: ok before the failing one, runtimeInconsistency after it.
        let bytes = hexBytes(Golden.multiFailedReply)
        var reader = JuteReader(bytes)
        let header = try ReplyHeader(from: &reader)
        let response = try MultiResponse(from: &reader)
        #expect(reader.isAtEnd)
        #expect(header.xid == 17 && header.err == 0)
        #expect(response.results == [.error(code: 0), .error(code: ErrorCode.badVersion.rawValue), .error(code: ErrorCode.runtimeInconsistency.rawValue)])
        #expect(header.juteBytes() + response.juteBytes() == bytes)
    }

    @Test func multiCreateVariants() throws {
        let (_, response) = try reply(Golden.multiCreatesReply, MultiResponse.self, xid: 18)
        #expect(response.results.count == 3)
        guard response.results.count == 3 else { return }
        // Apache 3.8.0 decays a create2 op inside multi to a plain create result
        // (ZOOKEEPER-4026, fixed in 3.9), while createContainer and createTTL
        // answer with path + stat.
        #expect(response.results[0] == .create(path: "/golden/c2"))
        guard case let .create2(containerPath, containerStat) = response.results[1],
              case let .create2(ttlPath, ttlStat) = response.results[2] else {
            Issue.record("expected create2 results"); return
        }
        #expect(containerPath == "/golden/cc" && ttlPath == "/golden/ttl")
        // Apache marks containers and TTL nodes inside ephemeralOwner, but
        // clients are shown 0 (DataNode.copyStat hides the marker).
        #expect(containerStat.ephemeralOwner == 0 && ttlStat.ephemeralOwner == 0)
    }

    @Test func multiRead() throws {
        let (_, response) = try reply(Golden.multiReadReply, MultiResponse.self, xid: 19)
        #expect(response.results.count == 3)
        guard response.results.count == 3 else { return }
        #expect(response.results[0] == .getChildren(children: []))
        guard case let .getData(data, stat) = response.results[1] else { Issue.record("not getData"); return }
        #expect(data == utf8("world") && stat.version == 1)
        // In multiRead each op fails on its own.
        #expect(response.results[2] == .error(code: ErrorCode.noNode.rawValue))
    }

    @Test func newerOps() throws {
        #expect(try reply(Golden.getAllChildrenNumberReply, GetAllChildrenNumberResponse.self, xid: 20).1.totalNumber == 6)
        #expect(try reply(Golden.getEphemeralsReply, GetEphemeralsResponse.self, xid: 21).1.ephemerals == ["/golden/seq-0000000001"])
        #expect(try reply(Golden.whoAmIReply, WhoAmIResponse.self, xid: 22).1.clientInfo == [ClientInfo(authScheme: "ip", user: "127.0.0.1")])
        // addWatch is the one void op whose reply has a body: ErrorResponse(0).
        #expect(try reply(Golden.addWatchReply, ErrorResponse.self, xid: 23).1 == ErrorResponse(err: 0))
        try headerOnly(Golden.removeWatchesMissingReply, xid: 24, err: .noWatcher)
    }

    @Test func createTTLFiresPersistentRecursiveWatch() throws {
        // The addWatch(persistentRecursive) on /golden fires for the new node
        // before the create reply arrives.
        #expect(try notification(Golden.createTTLNotification) == WatcherEvent(type: .nodeCreated, path: "/golden/ttl2"))
        let (header, created) = try reply(Golden.createTTLReply, Create2Response.self, xid: 25)
        #expect(created.path == "/golden/ttl2" && created.stat.czxid == header.zxid && created.stat.dataLength == 1)
        #expect(created.stat.ephemeralOwner == 0)
    }

    @Test func errorsAndSessionReplies() throws {
        try headerOnly(Golden.deleteNotEmptyReply, xid: 26, err: .notEmpty)
        try headerOnly(Golden.reconfigReply, xid: 27, err: .reconfigDisabled)
        try headerOnly(Golden.authReply, xid: SpecialXid.auth, err: .ok)
        try headerOnly(Golden.pingReply, xid: SpecialXid.ping, err: .ok)
        try headerOnly(Golden.setWatches2Reply, xid: SpecialXid.setWatches, err: .ok)
        // Re-registering a data watch with relativeZxid 0 fires it at once.
        #expect(try notification(Golden.setWatches2Notification) == WatcherEvent(type: .nodeDataChanged, path: "/golden/nulldata"))
        // Closing the session deletes its ephemeral, seen by the recursive watch.
        #expect(try notification(Golden.closeSessionNotification) == WatcherEvent(type: .nodeDeleted, path: "/golden/seq-0000000001"))
        try headerOnly(Golden.closeSessionReply, xid: 28, err: .ok)
        // An unknown opcode: unimplemented with zxid -1 (then Apache closes the session).
        try headerOnly(Golden.unknownOpReply, xid: 1, err: .unimplemented)
        #expect(try ReplyHeader(juteBytes: hexBytes(Golden.unknownOpReply)).zxid == -1)
    }
}
