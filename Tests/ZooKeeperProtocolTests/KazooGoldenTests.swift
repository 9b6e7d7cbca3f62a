import Testing
@testable import ZooKeeperProtocol

/// Request frames produced by kazoo 2.8's own serializers (see
/// scripts/capture-golden.py and GoldenCaptures.swift): we must decode them to
/// the expected typed request and re-encode them byte for byte.
@Suite struct KazooGoldenTests {
    /// Decodes a kazoo frame body, checks the xid, and checks that encoding the
    /// decoded request reproduces the captured bytes.
    private func decode(_ hex: String, xid: Int32, sourceLocation: SourceLocation = #_sourceLocation) throws -> ClientRequest {
        let bytes = hexBytes(hex)
        let (header, request) = try ClientRequest.decode(frame: bytes)
        #expect(header.xid == xid, sourceLocation: sourceLocation)
        #expect(header.type == request.opCode.rawValue, sourceLocation: sourceLocation)
        var writer = JuteWriter()
        request.encode(xid: header.xid, to: &writer)
        #expect(writer.bytes == bytes, "re-encoding differs", sourceLocation: sourceLocation)
        return request
    }

    @Test func connectRequest() throws {
        let bytes = hexBytes(Golden.kazooConnectRequest)
        let request = try ConnectRequest(juteBytes: bytes)
        #expect(request == ConnectRequest(protocolVersion: 0, lastZxidSeen: 0, timeOut: 10_000, sessionId: 0,
                                          passwd: [UInt8](repeating: 0, count: 16), readOnly: false, hasReadOnlyField: true))
        #expect(request.juteBytes() == bytes)

        // The same request from an old client, without the trailing readOnly byte.
        let old = try ConnectRequest(juteBytes: Array(bytes.dropLast()))
        #expect(!old.hasReadOnlyField && !old.readOnly)
        #expect(old.juteBytes() == Array(bytes.dropLast()))
    }

    @Test func creates() throws {
        #expect(try decode(Golden.createRequest, xid: 1)
            == .create(CreateRequest(path: "/golden", data: utf8("hello"), acl: ACL.openUnsafe, mode: .persistent)))
        #expect(try decode(Golden.create2Request, xid: 2)
            == .create2(CreateRequest(path: "/golden/child", data: [], acl: ACL.openUnsafe, mode: .persistent)))
        let sequential = try decode(Golden.createEphemeralSequentialRequest, xid: 3)
        guard case let .create(request) = sequential else { Issue.record("not a create"); return }
        #expect(request.mode == .ephemeralSequential && request.path == "/golden/seq-")
        #expect(try decode(Golden.createExistingRequest, xid: 5)
            == .create(CreateRequest(path: "/golden", data: utf8("again"), mode: .persistent)))
    }

    @Test func nullDataStaysNull() throws {
        // kazoo sends data=None as a -1 buffer; it decodes as nil (Apache keeps
        // null data) and re-encodes byte for byte.
        let bytes = hexBytes(Golden.createNullDataRequest)
        let (header, request) = try ClientRequest.decode(frame: bytes)
        #expect(header.xid == 4)
        #expect(request == .create(CreateRequest(path: "/golden/nulldata", data: nil, mode: .persistent)))
        #expect(bytes == request.juteBytesWithHeader(xid: 4))
    }

    @Test func reads() throws {
        #expect(try decode(Golden.getDataRequest, xid: 6) == .getData(GetDataRequest(path: "/golden", watch: true)))
        #expect(try decode(Golden.getDataNullRequest, xid: 7) == .getData(GetDataRequest(path: "/golden/nulldata", watch: false)))
        #expect(try decode(Golden.existsMissingRequest, xid: 9) == .exists(ExistsRequest(path: "/golden/missing", watch: false)))
        #expect(try decode(Golden.existsRequest, xid: 10) == .exists(ExistsRequest(path: "/golden")))
        #expect(try decode(Golden.getChildren2Request, xid: 11) == .getChildren2(GetChildren2Request(path: "/golden")))
        #expect(try decode(Golden.getChildrenRequest, xid: 12) == .getChildren(GetChildrenRequest(path: "/golden")))
        #expect(try decode(Golden.getACLRequest, xid: 13) == .getACL(GetACLRequest(path: "/golden")))
        #expect(try decode(Golden.syncRequest, xid: 15) == .sync(SyncRequest(path: "/golden")))
    }

    @Test func writes() throws {
        #expect(try decode(Golden.setDataRequest, xid: 8) == .setData(SetDataRequest(path: "/golden", data: utf8("world"), version: 0)))
        #expect(try decode(Golden.setACLRequest, xid: 14) == .setACL(SetACLRequest(path: "/golden", acl: ACL.openUnsafe, version: 0)))
        #expect(try decode(Golden.deleteNotEmptyRequest, xid: 26) == .delete(DeleteRequest(path: "/golden", version: -1)))
        let reconfig = try decode(Golden.reconfigRequest, xid: 27)
        #expect(reconfig == .reconfig(ReconfigRequest(joiningServers: nil, leavingServers: nil, newMembers: nil, curConfigId: -1)))
        #expect(reconfig.isWrite)
    }

    @Test func multi() throws {
        let request = try decode(Golden.multiRequest, xid: 16)
        #expect(request == .multi(MultiRequest(ops: [
            .create(CreateRequest(path: "/golden/m1", data: utf8("m"), mode: .persistent)),
            .setData(SetDataRequest(path: "/golden/m1", data: utf8("mm"), version: -1)),
            .check(CheckVersionRequest(path: "/golden", version: 1)),
            .delete(DeleteRequest(path: "/golden/m1", version: -1)),
        ])))
        #expect(request.isWrite)
        #expect(try decode(Golden.multiFailedRequest, xid: 17) == .multi(MultiRequest(ops: [
            .create(CreateRequest(path: "/golden/m2", data: [], mode: .persistent)),
            .check(CheckVersionRequest(path: "/golden", version: 99)),
            .delete(DeleteRequest(path: "/golden/child", version: -1)),
        ])))
    }

    @Test func sessionRequests() throws {
        #expect(try decode(Golden.authRequest, xid: SpecialXid.auth) == .auth(AuthPacket(type: 0, scheme: "digest", auth: utf8("user:pw"))))
        #expect(try decode(Golden.pingRequest, xid: SpecialXid.ping) == .ping)
        let close = try decode(Golden.closeSessionRequest, xid: 28)
        #expect(close == .closeSession && close.isWrite)
    }
}

extension ClientRequest {
    func juteBytesWithHeader(xid: Int32) -> [UInt8] {
        var writer = JuteWriter()
        encode(xid: xid, to: &writer)
        return writer.bytes
    }
}
