import Testing
@testable import ZooKeeperProtocol

@Suite struct TxnBodyTests {
    static let bodies: [TxnBody] = [
        .create(CreateTxn(path: "/a", data: [1], acl: ACL.openUnsafe, ephemeral: false, parentCVersion: 3)),
        .create2(CreateTxn(path: "/b", data: [], acl: digestACL, ephemeral: true, parentCVersion: 4)),
        .createContainer(CreateContainerTxn(path: "/c", parentCVersion: 1)),
        .createTTL(CreateTTLTxn(path: "/t", parentCVersion: 1, ttl: 1000)),
        .delete(DeleteTxn(path: "/a")),
        .setData(SetDataTxn(path: "/a", data: [5], version: 2)),
        .check(CheckVersionTxn(path: "/a", version: 2)),
        .setACL(SetACLTxn(path: "/a", acl: digestACL, version: 1)),
        .error(ErrorTxn(err: ErrorCode.noNode.rawValue)),
        .createSession(CreateSessionTxn(timeOut: 30_000)),
        .closeSession(CloseSessionTxn(paths2Delete: ["/e"])),
        .closeSession(nil),
        .multi([
            .create2(CreateTxn(path: "/m", parentCVersion: 1)),
            .setData(SetDataTxn(path: "/m", data: [1], version: 1)),
            .check(CheckVersionTxn(path: "/", version: 0)),
            .delete(DeleteTxn(path: "/m")),
        ]),
        .multi([.error(ErrorTxn(err: 0)), .error(ErrorTxn(err: -103)), .error(ErrorTxn(err: -2))]),
    ]

    @Test(arguments: bodies)
    func logEntryRoundTrips(body: TxnBody) throws {
        let header = TxnHeader(clientId: 0x1000_0000_0000_0001, cxid: 5, zxid: 0x1_0000_0010, time: 1_700_000_000_000, type: body.opCode.rawValue)
        for digest in [nil, TxnDigest(version: 2, treeDigest: 0x1234_5678)] {
            let entry = TxnEntry(header: header, body: body, digest: digest)
            let bytes = entry.juteBytes()
            let decoded = try TxnEntry(juteBytes: bytes)
            #expect(decoded == entry)
            #expect(decoded.juteBytes() == bytes)
        }
        #expect(try TxnBody.decode(type: body.opCode.rawValue, bytes: body.juteBytes()) == body)
    }

    @Test func multiTxnLayout() throws {
        // MultiTxn = vector<Txn(type, buffer)>, each buffer a serialized sub-txn.
        let body = TxnBody.multi([.delete(DeleteTxn(path: "/a"))])
        #expect(body.juteBytes() == [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 6, 0, 0, 0, 2, 0x2f, 0x61])
        #expect(try MultiTxn(juteBytes: body.juteBytes()).txns == [Txn(type: 2, data: DeleteTxn(path: "/a").juteBytes())])
    }

    @Test func headerTypesThatShareABody() throws {
        let delete = DeleteTxn(path: "/c").juteBytes()
        #expect(try TxnBody.decode(type: OpCode.deleteContainer.rawValue, bytes: delete) == .delete(DeleteTxn(path: "/c")))
        let config = SetDataTxn(path: "/zookeeper/config", data: utf8("server.1=h:1:2"), version: 3)
        #expect(try TxnBody.decode(type: OpCode.reconfig.rawValue, bytes: config.juteBytes()) == .setData(config))
    }

    @Test func createTxnV0GetsParentCVersionMinusOne() throws {
        let v0 = CreateTxnV0(path: "/old", data: [1], acl: ACL.openUnsafe, ephemeral: true)
        let body = try TxnBody.decode(type: OpCode.create.rawValue, bytes: v0.juteBytes())
        #expect(body == .create(CreateTxn(path: "/old", data: [1], acl: ACL.openUnsafe, ephemeral: true, parentCVersion: -1)))
    }

    @Test func refusesUnknownTypesNestingAndTruncation() {
        #expect(throws: JuteError.unknownOpCode(OpCode.getData.rawValue)) {
            try TxnBody.decode(type: OpCode.getData.rawValue, bytes: [])
        }
        #expect(throws: JuteError.unknownOpCode(77)) { try TxnBody.decode(type: 77, bytes: []) }
        let nested = MultiTxn(txns: [Txn(type: OpCode.multi.rawValue, data: MultiTxn().juteBytes())])
        #expect(throws: JuteError.self) { try TxnBody.decode(type: OpCode.multi.rawValue, bytes: nested.juteBytes()) }
        let bytes = TxnBody.setData(SetDataTxn(path: "/a", data: [1, 2, 3], version: 1)).juteBytes()
        #expect(throws: JuteError.truncated(needed: 4, available: 3)) {
            try TxnBody.decode(type: OpCode.setData.rawValue, bytes: Array(bytes.dropLast()))
        }
        #expect(throws: JuteError.self) { try TxnEntry(juteBytes: Array(TxnHeader().juteBytes().dropLast())) }
    }
}
