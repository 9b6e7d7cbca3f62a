import Testing
@testable import ZooKeeperProtocol

/// Every record survives encode -> decode -> encode, and every strict prefix of
/// its bytes is refused as truncated (never a crash, never a wrong value).
@Suite struct RecordRoundTripTests {
    static let records: [any JuteRecord] = [
        Id(scheme: "digest", id: "bob:x"),
        ACL(perms: [.read, .admin], id: .anyone),
        Stat.sample,
        ClientInfo(authScheme: "ip", user: "127.0.0.1"),
        ConnectRequest(protocolVersion: 0, lastZxidSeen: 77, timeOut: 4000, sessionId: 0x1234, passwd: Array(0..<16), readOnly: true),
        ConnectResponse(protocolVersion: 0, timeOut: 4000, sessionId: 0x1234, passwd: Array(0..<16), readOnly: false),
        RequestHeader(xid: 7, type: .getData),
        ReplyHeader(xid: 7, zxid: 0x1_0000_0001, err: .noNode),
        WatcherEvent(type: .nodeChildrenChanged, state: .syncConnected, path: "/a/b"),
        AuthPacket(type: 0, scheme: "digest", auth: utf8("u:p")),
        SetWatches(relativeZxid: 9, dataWatches: ["/d"], existWatches: ["/e", "/e2"], childWatches: []),
        SetWatches2(relativeZxid: 9, dataWatches: ["/d"], existWatches: [], childWatches: ["/c"], persistentWatches: ["/p"], persistentRecursiveWatches: ["/r", "/r2"]),
        ErrorResponse(err: ErrorCode.badVersion.rawValue),
        GetSASLRequest(token: [1, 2, 3]),
        SetSASLRequest(token: [4]),
        SetSASLResponse(token: []),
        CreateRequest(path: "/n", data: utf8("v"), acl: digestACL, mode: .ephemeralSequential),
        CreateTTLRequest(path: "/t", data: [], acl: ACL.openUnsafe, flags: CreateMode.persistentSequentialWithTTL.rawValue, ttl: 60_000),
        DeleteRequest(path: "/n", version: 3),
        ExistsRequest(path: "/n", watch: true),
        GetDataRequest(path: "/n", watch: true),
        SetDataRequest(path: "/n", data: utf8("new"), version: -1),
        ReconfigRequest(joiningServers: "server.4=h:1:2;3", leavingServers: nil, newMembers: nil, curConfigId: 0x1_0000_0000),
        GetACLRequest(path: "/n"),
        SetACLRequest(path: "/n", acl: digestACL, version: 2),
        GetChildrenRequest(path: "/", watch: true),
        GetChildren2Request(path: "/", watch: false),
        GetAllChildrenNumberRequest(path: "/a"),
        CheckVersionRequest(path: "/a", version: 5),
        GetMaxChildrenRequest(path: "/a"),
        SetMaxChildrenRequest(path: "/a", max: 10),
        SyncRequest(path: "/a"),
        AddWatchRequest(path: "/a", mode: .persistentRecursive),
        CheckWatchesRequest(path: "/a", type: WatcherType.data.rawValue),
        RemoveWatchesRequest(path: "/a", type: WatcherType.children.rawValue),
        GetEphemeralsRequest(prefixPath: "/app"),
        CreateResponse(path: "/n0000000001"),
        Create2Response(path: "/n", stat: .sample),
        ExistsResponse(stat: .sample),
        GetDataResponse(data: utf8("hello"), stat: .sample),
        GetDataResponse(data: nil, stat: .sample),
        SetDataResponse(stat: .sample),
        GetACLResponse(acl: digestACL, stat: .sample),
        SetACLResponse(stat: .sample),
        GetChildrenResponse(children: ["a", "b", "ü"]),
        GetChildren2Response(children: [], stat: .sample),
        SyncResponse(path: "/a"),
        GetMaxChildrenResponse(max: 4),
        GetEphemeralsResponse(ephemerals: ["/app/e1"]),
        GetAllChildrenNumberResponse(totalNumber: 42),
        WhoAmIResponse(clientInfo: [ClientInfo(authScheme: "ip", user: "127.0.0.1"), ClientInfo(authScheme: "digest", user: "bob")]),
        MultiHeader(type: OpCode.create.rawValue, done: false, err: -1),
        MultiRequest(ops: [
            .create(CreateRequest(path: "/m", data: [1], mode: .persistent)),
            .create2(CreateRequest(path: "/m2", mode: .ephemeral)),
            .createTTL(CreateTTLRequest(path: "/m3", ttl: 10)),
            .createContainer(CreateRequest(path: "/m4", mode: .container)),
            .delete(DeleteRequest(path: "/m", version: 0)),
            .setData(SetDataRequest(path: "/m2", data: [2], version: -1)),
            .check(CheckVersionRequest(path: "/m2", version: 1)),
        ]),
        MultiRequest(ops: [.getChildren(GetChildrenRequest(path: "/")), .getData(GetDataRequest(path: "/a"))]),
        MultiRequest(ops: []),
        MultiResponse(results: [
            .create(path: "/m"), .create2(path: "/m2", stat: .sample), .delete, .setData(stat: .sample), .check,
            .getChildren(children: ["x"]), .getData(data: nil, stat: .sample), .getData(data: [9], stat: .sample),
            .error(code: ErrorCode.noNode.rawValue),
        ]),
        TxnHeader(clientId: 0x1000_0000_0000_0001, cxid: 12, zxid: 0x2_0000_0003, time: 1_700_000_000_000, type: OpCode.create.rawValue),
        TxnDigest(version: 2, treeDigest: -12345),
        CreateTxn(path: "/n", data: utf8("v"), acl: digestACL, ephemeral: true, parentCVersion: 7),
        CreateTxnV0(path: "/n", data: [], acl: ACL.openUnsafe, ephemeral: false),
        CreateContainerTxn(path: "/c", data: [], acl: ACL.openUnsafe, parentCVersion: 1),
        CreateTTLTxn(path: "/t", data: [1], acl: ACL.openUnsafe, parentCVersion: 2, ttl: 500),
        DeleteTxn(path: "/n"),
        SetDataTxn(path: "/n", data: [1, 2], version: 4),
        CheckVersionTxn(path: "/n", version: 4),
        SetACLTxn(path: "/n", acl: digestACL, version: 1),
        ErrorTxn(err: ErrorCode.runtimeInconsistency.rawValue),
        CreateSessionTxn(timeOut: 30_000),
        CloseSessionTxn(paths2Delete: ["/e1", "/e2"]),
        SetMaxChildrenTxn(path: "/n", max: 3),
        Txn(type: OpCode.delete.rawValue, data: DeleteTxn(path: "/x").juteBytes()),
        MultiTxn(txns: [Txn(type: OpCode.delete.rawValue, data: DeleteTxn(path: "/x").juteBytes())]),
    ]

    @Test(arguments: 0..<records.count)
    func roundTripsAndRefusesTruncation(index: Int) throws {
        let record = Self.records[index]
        // Computed outside #expect: the macro would stop the existential being opened.
        let survives = try Self.check(record)
        #expect(survives, "record \(index): \(type(of: record))")
        // ConnectRequest/Response legitimately decode without their last byte.
        if !(record is ConnectRequest || record is ConnectResponse) {
            let refused = Self.checkTruncation(record)
            #expect(refused, "record \(index): \(type(of: record))")
        }
    }

    private static func check<R: JuteRecord>(_ record: R) throws -> Bool {
        let bytes = record.juteBytes()
        var reader = JuteReader(bytes)
        let decoded = try R(from: &reader)
        return reader.isAtEnd && decoded.juteBytes() == bytes
    }

    private static func checkTruncation<R: JuteRecord>(_ record: R) -> Bool {
        everyPrefixIsTruncated(record)
    }

    @Test func equalityRoundTrips() throws {
        #expect(try roundTrip(CreateRequest(path: "/n", data: utf8("v"), acl: digestACL, mode: .container)))
        #expect(try roundTrip(GetDataResponse(data: nil, stat: .sample)))
        #expect(try roundTrip(MultiResponse(results: [.error(code: 0), .error(code: -103), .error(code: -2)])))
        #expect(try roundTrip(ConnectRequest(hasReadOnlyField: false)))
        #expect(try roundTrip(ConnectResponse(readOnly: true)))
    }

    @Test func nullValuesDecodeAsEmptyExceptData() throws {
        // Strings and vectors of -1 (null) decode as empty values; data
        // buffers keep nil, because Apache stores and returns null data.
        var writer = JuteWriter()
        writer.writeString(nil)
        writer.writeBuffer(nil)
        writer.writeVector(nil as [ACL]?) { $0.write($1) }
        writer.writeInt(0)
        let create = try CreateRequest(juteBytes: writer.bytes)
        #expect(create == CreateRequest(path: "", data: nil, acl: [], flags: 0))
        let data = try GetDataResponse(juteBytes: [0xff, 0xff, 0xff, 0xff] + Stat().juteBytes())
        #expect(data.data == nil)
    }

    @Test func createModeFlags() {
        #expect(CreateMode.allCases.filter(\.isEphemeral) == [.ephemeral, .ephemeralSequential])
        #expect(CreateMode.allCases.filter(\.isSequential) == [.persistentSequential, .ephemeralSequential, .persistentSequentialWithTTL])
        #expect(CreateMode.allCases.filter(\.isContainer) == [.container])
        #expect(CreateMode.allCases.filter(\.isTTL) == [.persistentWithTTL, .persistentSequentialWithTTL])
        #expect(CreateRequest(path: "/x", flags: 9).mode == nil)
        #expect(WatcherEventType.persistentWatchRemoved.rawValue == 7)
        #expect(KeeperState.expired.rawValue == -112)
    }
}
