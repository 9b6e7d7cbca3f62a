import Testing
@testable import ZooKeeperProtocol

@Suite struct ClientRequestTests {
    static let samples: [ClientRequest] = [
        .create(CreateRequest(path: "/a", data: [1], mode: .persistent)),
        .create2(CreateRequest(path: "/a", mode: .ephemeral)),
        .createContainer(CreateRequest(path: "/c", mode: .container)),
        .createTTL(CreateTTLRequest(path: "/t", ttl: 100)),
        .delete(DeleteRequest(path: "/a", version: 2)),
        .deleteContainer(path: "/c"),
        .exists(ExistsRequest(path: "/a", watch: true)),
        .getData(GetDataRequest(path: "/a")),
        .setData(SetDataRequest(path: "/a", data: [2])),
        .getACL(GetACLRequest(path: "/a")),
        .setACL(SetACLRequest(path: "/a", acl: digestACL, version: 0)),
        .getChildren(GetChildrenRequest(path: "/")),
        .getChildren2(GetChildren2Request(path: "/", watch: true)),
        .getAllChildrenNumber(GetAllChildrenNumberRequest(path: "/")),
        .getEphemerals(GetEphemeralsRequest(prefixPath: "/")),
        .sync(SyncRequest(path: "/")),
        .ping,
        .multi(MultiRequest(ops: [.check(CheckVersionRequest(path: "/a", version: 1)), .delete(DeleteRequest(path: "/a"))])),
        .multiRead(MultiRequest(ops: [.getData(GetDataRequest(path: "/a"))])),
        .reconfig(ReconfigRequest(newMembers: "server.1=h:1:2;3")),
        .checkWatches(CheckWatchesRequest(path: "/a", type: WatcherType.data.rawValue)),
        .removeWatches(RemoveWatchesRequest(path: "/a")),
        .addWatch(AddWatchRequest(path: "/a", mode: .persistent)),
        .auth(AuthPacket(scheme: "digest", auth: utf8("a:b"))),
        .setWatches(SetWatches(relativeZxid: 3, dataWatches: ["/a"])),
        .setWatches2(SetWatches2(relativeZxid: 3, persistentRecursiveWatches: ["/r"])),
        .sasl(GetSASLRequest(token: [1, 2])),
        .whoAmI,
        .closeSession,
    ]

    @Test(arguments: samples)
    func roundTrip(request: ClientRequest) throws {
        var writer = JuteWriter()
        request.encode(xid: 42, to: &writer)
        let (header, decoded) = try ClientRequest.decode(frame: writer.bytes)
        #expect(header == RequestHeader(xid: 42, type: request.opCode))
        #expect(decoded == request)
    }

    @Test(arguments: samples)
    func truncatedBodiesThrowTruncated(request: ClientRequest) throws {
        var writer = JuteWriter()
        request.encodeBody(to: &writer)
        let body = writer.bytes
        // deleteContainer's raw path has no length, so any prefix is a valid path.
        if case .deleteContainer = request { return }
        for length in 0..<body.count {
            var reader = JuteReader(Array(body[0..<length]))
            #expect(throws: JuteError.self) { try ClientRequest.decode(header: RequestHeader(xid: 1, type: request.opCode), body: &reader) }
            var again = JuteReader(Array(body[0..<length]))
            do {
                _ = try ClientRequest.decode(header: RequestHeader(xid: 1, type: request.opCode), body: &again)
            } catch let error as JuteError {
                guard case .truncated = error else { Issue.record("\(request.opCode): \(error)"); return }
            }
        }
    }

    @Test func unknownAndForbiddenOpcodes() {
        for type: Int32 in [999, 10, -3, OpCode.notification.rawValue, OpCode.check.rawValue,
                            OpCode.createSession.rawValue, OpCode.error.rawValue] {
            var reader = JuteReader([])
            #expect(throws: JuteError.unknownOpCode(type)) {
                try ClientRequest.decode(header: RequestHeader(xid: 1, type: type), body: &reader)
            }
        }
    }

    @Test func multiKindsMustMatch() {
        let mixed = MultiRequest(ops: [.getData(GetDataRequest(path: "/a")), .delete(DeleteRequest(path: "/a"))])
        #expect(throws: JuteError.self) { try MultiRequest(juteBytes: mixed.juteBytes()) }
        let reads = MultiRequest(ops: [.getData(GetDataRequest(path: "/a"))]).juteBytes()
        var asMulti = JuteReader(reads)
        #expect(throws: JuteError.self) { try ClientRequest.decode(header: RequestHeader(xid: 1, type: .multi), body: &asMulti) }
        let writes = MultiRequest(ops: [.delete(DeleteRequest(path: "/a"))]).juteBytes()
        var asMultiRead = JuteReader(writes)
        #expect(throws: JuteError.self) { try ClientRequest.decode(header: RequestHeader(xid: 1, type: .multiRead), body: &asMultiRead) }
        // An op type that cannot appear in a multi at all.
        var bad = JuteWriter()
        bad.write(MultiHeader(type: OpCode.sync.rawValue, done: false, err: -1))
        bad.write(SyncRequest(path: "/"))
        bad.write(MultiHeader.terminator)
        #expect(throws: JuteError.self) { try MultiRequest(juteBytes: bad.bytes) }
    }

    @Test func multiWireLayoutMatchesApache() {
        // MultiOperationRecord: (type, false, -1) before each op, (-1, true, -1) at the end.
        let bytes = MultiRequest(ops: [.delete(DeleteRequest(path: "/a", version: 1))]).juteBytes()
        #expect(bytes == [0, 0, 0, 2, 0, 0xff, 0xff, 0xff, 0xff,
                          0, 0, 0, 2, 0x2f, 0x61, 0, 0, 0, 1,
                          0xff, 0xff, 0xff, 0xff, 1, 0xff, 0xff, 0xff, 0xff])
        #expect(MultiRequest().juteBytes() == [0xff, 0xff, 0xff, 0xff, 1, 0xff, 0xff, 0xff, 0xff])
    }

    @Test func isWrite() {
        let writes = Self.samples.filter(\.isWrite).map(\.opCode)
        #expect(writes == [.create, .create2, .createContainer, .createTTL, .delete, .deleteContainer,
                           .setData, .setACL, .multi, .reconfig, .closeSession])
        #expect(ClientRequest.createSession(ConnectRequest()).isWrite)
        #expect(!ClientRequest.multiRead(MultiRequest()).isWrite)
    }

    @Test func connectRequestWithAndWithoutReadOnly() throws {
        let modern = ConnectRequest(lastZxidSeen: 5, timeOut: 6000, sessionId: 9, readOnly: true)
        let bytes = modern.juteBytes()
        #expect(bytes.count == 45)
        #expect(try ConnectRequest(juteBytes: bytes) == modern)
        let old = try ConnectRequest(juteBytes: Array(bytes.dropLast()))
        #expect(!old.hasReadOnlyField && !old.readOnly && old.sessionId == 9)
        #expect(old.juteBytes().count == 44)
        // Missing bytes before readOnly are still truncation.
        #expect(throws: JuteError.truncated(needed: 8, available: 7)) { try ConnectRequest(juteBytes: Array(bytes.prefix(23))) }
    }

    @Test func hostileVectorCountInsideARequest() {
        // getChildren reply claiming 2^28 children in a 12-byte body.
        var reader = JuteReader([0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(throws: JuteError.self) { try GetChildrenResponse(from: &reader) }
        // A path length over jute.maxbuffer is refused before reading it.
        var path = JuteReader([0x00, 0x10, 0x00, 0x00])
        #expect(throws: JuteError.lengthOverLimit(length: 0x100000, limit: JuteLimits.defaultMaxBufferBytes)) {
            try GetDataRequest(from: &path)
        }
    }
}
