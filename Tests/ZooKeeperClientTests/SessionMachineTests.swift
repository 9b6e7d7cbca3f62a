import Testing
import ZooKeeperProtocol
@testable import ZooKeeperClient

/// The session protocol without sockets: handshake, xid matching, special
/// xids, reconnect with SetWatches, expiry, timers, close.
@Suite struct SessionMachineTests {
    @Test func handshakeAsksForTheSessionAndHeldCallsGoOutAfterIt() throws {
        var harness = SessionHarness()
        #expect(harness.submit(1, .getData(GetDataRequest(path: "/a")), .data).isEmpty)
        let opened = harness.open()
        let frame = try #require(opened.sentFrames.first)
        let request = try ConnectRequest(juteBytes: Array(frame.dropFirst(4)))
        #expect(request == ConnectRequest(protocolVersion: 0, lastZxidSeen: 0, timeOut: 3000, sessionId: 0,
                                          passwd: [UInt8](repeating: 0, count: 16), readOnly: false))
        let response = ConnectResponse(timeOut: 2400, sessionId: 0x77, passwd: SessionHarness.password)
        let connected = harness.feed(FrameDecoder.frame(response.juteBytes()))
        #expect(connected.events == [.connected(server: harness.server, sessionId: 0x77, negotiatedTimeout: .milliseconds(2400))])
        #expect(connected.sentRequests.map(\.header) == [RequestHeader(xid: 1, type: .getData)])
        #expect(harness.machine.negotiatedTimeoutMilliseconds == 2400)
    }

    @Test func repliesAreMatchedByXidAndTrackTheLastZxid() {
        var harness = SessionHarness()
        _ = harness.connect()
        _ = harness.submit(10, .getData(GetDataRequest(path: "/a")), .data)
        let sent = harness.submit(11, .exists(ExistsRequest(path: "/b")), .stat)
        #expect(sent.sentRequests.map(\.header.xid) == [2])
        var stat = Stat()
        stat.version = 4
        let first = harness.feed(SessionHarness.reply(xid: 1, zxid: 0x20, GetDataResponse(data: [7], stat: stat)))
        #expect(first.completions[10] == .success(.data([7], stat)))
        let second = harness.feed(SessionHarness.reply(xid: 2, zxid: 0x21, err: .noNode))
        #expect(second.completions[11]?.errorCode == .noNode)
        #expect(harness.machine.lastZxidSeen == 0x21)
    }

    @Test func aReplyOutOfOrderDropsTheConnectionAndFailsCallsWithConnectionLoss() {
        var harness = SessionHarness()
        _ = harness.connect()
        _ = harness.submit(1, .getData(GetDataRequest(path: "/a")), .data)
        _ = harness.submit(2, .getData(GetDataRequest(path: "/b")), .data)
        let effects = harness.feed(SessionHarness.reply(xid: 2, GetDataResponse()))
        #expect(effects.closeReasons.count == 1)
        #expect(effects.closeReasons.first?.contains("xid 2 where xid 1 was due") == true)
        #expect(effects.completions[1]?.errorCode == .connectionLoss)
        #expect(effects.completions[2]?.errorCode == .connectionLoss)
        #expect(effects.events == [.disconnected])
        #expect(harness.machine.phase == .disconnected)
        #expect(effects.sessionEnd == nil)
    }

    @Test func aReplyWithNothingInFlightDropsTheConnection() {
        var harness = SessionHarness()
        _ = harness.connect()
        let effects = harness.feed(SessionHarness.reply(xid: 9))
        #expect(effects.closeReasons.first?.contains("where no reply was due") == true)
    }

    @Test(arguments: [
        [0xff, 0xff, 0xff, 0xff] as [UInt8],          // negative frame length
        [0x7f, 0x00, 0x00, 0x00],                     // longer than any reply may be
        [0, 0, 0, 3, 1, 2, 3],                        // too short for a ReplyHeader
        FrameDecoder.frame(ReplyHeader(xid: -1, zxid: -1, err: 0).juteBytes() + [0, 0]),  // cut-off notification
    ])
    func garbageClosesTheConnectionButNotTheSession(bytes: [UInt8]) throws {
        var harness = SessionHarness()
        _ = harness.connect()
        let effects = harness.feed(bytes)
        #expect(effects.closeReasons.count == 1)
        #expect(effects.events == [.disconnected])
        // The session itself survives and resumes on the next connection.
        #expect(!harness.machine.isEnded)
        let reopened = harness.open()
        let request = try ConnectRequest(juteBytes: Array(try #require(reopened.sentFrames.first).dropFirst(4)))
        #expect(request.sessionId == 0x5eed)
    }

    @Test func anUndecodableReplyBodyFailsThatCallAndDropsTheConnection() {
        var harness = SessionHarness()
        _ = harness.connect()
        _ = harness.submit(1, .getData(GetDataRequest(path: "/a")), .data)
        let effects = harness.feed(SessionHarness.reply(xid: 1, ErrorResponse(err: 3)))
        #expect(effects.completions[1]?.errorCode == .connectionLoss)
        #expect(effects.closeReasons.count == 1)
    }

    @Test func pingRepliesAreAbsorbedAndNotificationsReachTheirWatch() {
        var harness = SessionHarness(chroot: "/app")
        _ = harness.connect()
        #expect(harness.feed(SessionHarness.reply(xid: SpecialXid.ping)).isEmpty)
        _ = harness.submit(1, .getData(GetDataRequest(path: "/app/x", watch: true)), .data,
                           watch: PendingWatch(watcher: 50, path: "/x", request: .getData))
        let registered = harness.feed(SessionHarness.reply(xid: 1, GetDataResponse(data: [], stat: Stat())))
        #expect(registered.endedWatches.isEmpty)
        let fired = harness.feed(SessionHarness.notification(.nodeDataChanged, "/app/x"))
        #expect(fired.deliveries.map(\.0) == [50])
        #expect(fired.deliveries.first?.1 == WatchedEvent(type: .nodeDataChanged, path: "/x"))
        #expect(fired.deliveries.first?.2 == true)
        #expect(harness.feed(SessionHarness.notification(.nodeDataChanged, "/app/x")).deliveries.isEmpty)
    }

    @Test func existsOnAMissingNodeLeavesAWatchButAFailedGetDataDoesNot() {
        var harness = SessionHarness()
        _ = harness.connect()
        _ = harness.submit(1, .exists(ExistsRequest(path: "/new", watch: true)), .stat,
                           watch: PendingWatch(watcher: 7, path: "/new", request: .exists))
        _ = harness.submit(2, .getData(GetDataRequest(path: "/gone", watch: true)), .data,
                           watch: PendingWatch(watcher: 8, path: "/gone", request: .getData))
        let existsReply = harness.feed(SessionHarness.reply(xid: 1, err: .noNode))
        #expect(existsReply.completions[1]?.errorCode == .noNode)
        #expect(existsReply.endedWatches.isEmpty)
        let dataReply = harness.feed(SessionHarness.reply(xid: 2, err: .noNode))
        #expect(dataReply.endedWatches.map(\.0) == [8])
        #expect(harness.machine.watches.registration(of: 7) == .init(kind: .exist, path: "/new"))
        #expect(harness.feed(SessionHarness.notification(.nodeCreated, "/new")).deliveries.map(\.0) == [7])
    }

    @Test func reconnectResumesTheSessionWithCredentialsThenWatchesThenHeldCalls() {
        var harness = SessionHarness()
        _ = harness.connect(sessionId: 0xabc)
        _ = harness.submit(1, .getData(GetDataRequest(path: "/w", watch: true)), .data,
                           watch: PendingWatch(watcher: 3, path: "/w", request: .getData))
        _ = harness.feed(SessionHarness.reply(xid: 1, zxid: 0x42, GetDataResponse(data: nil, stat: Stat())))
        let auth = harness.machine.addAuth(AuthPacket(scheme: "digest", auth: Array("u:p".utf8)), token: 20, nowNanoseconds: harness.nowNanoseconds)
        #expect(auth.sentRequests.map(\.header) == [RequestHeader(xid: SpecialXid.auth, type: .auth)])
        #expect(harness.feed(SessionHarness.reply(xid: SpecialXid.auth)).completions[20] == .success(.empty))
        _ = harness.submit(2, .sync(SyncRequest(path: "/")), .sync)

        let lost = harness.machine.connectionClosed()
        #expect(lost.completions[2]?.errorCode == .connectionLoss)
        #expect(lost.events == [.disconnected])
        #expect(harness.submit(3, .exists(ExistsRequest(path: "/w")), .stat).isEmpty)

        let reopened = harness.open()
        let request = try? ConnectRequest(juteBytes: Array(reopened.sentFrames[0].dropFirst(4)))
        #expect(request?.sessionId == 0xabc)
        #expect(request?.passwd == SessionHarness.password)
        #expect(request?.lastZxidSeen == 0x42)
        let resumed = harness.feed(FrameDecoder.frame(ConnectResponse(timeOut: 3000, sessionId: 0xabc, passwd: SessionHarness.password).juteBytes()))
        #expect(resumed.events == [.reconnected(server: harness.server, sessionId: 0xabc, negotiatedTimeout: .seconds(3))])
        let sent = resumed.sentRequests
        #expect(sent.map(\.header.type) == [OpCode.auth.rawValue, OpCode.setWatches.rawValue, OpCode.exists.rawValue])
        #expect(sent[1].header.xid == SpecialXid.setWatches)
        #expect(sent[1].request == .setWatches(SetWatches(relativeZxid: 0x42, dataWatches: ["/w"])))
        // The setWatches reply is matched in order like any other.
        #expect(harness.feed(SessionHarness.reply(xid: SpecialXid.setWatches, zxid: 0x42)).closeReasons.isEmpty)
        #expect(harness.feed(SessionHarness.reply(xid: sent[2].header.xid, ExistsResponse())).completions[3] == .success(.stat(Stat())))
    }

    @Test func anExpiredAnswerEndsTheSessionForEveryone() {
        var harness = SessionHarness()
        _ = harness.connect()
        _ = harness.submit(1, .getData(GetDataRequest(path: "/w", watch: true)), .data,
                           watch: PendingWatch(watcher: 3, path: "/w", request: .getData))
        _ = harness.feed(SessionHarness.reply(xid: 1, GetDataResponse()))
        _ = harness.machine.connectionClosed()
        _ = harness.submit(2, .exists(ExistsRequest(path: "/")), .stat)
        _ = harness.open()
        let effects = harness.feed(FrameDecoder.frame(ConnectResponse(timeOut: 0, sessionId: 0, passwd: []).juteBytes()))
        #expect(effects.events == [.expired])
        #expect(effects.completions[2]?.errorCode == .sessionExpired)
        #expect(effects.endedWatches.map(\.0) == [3])
        #expect(effects.endedWatches.first?.1?.code == .sessionExpired)
        #expect(effects.sessionEnd == .expired)
        #expect(effects.closeReasons.count == 1)
        #expect(harness.submit(4, .sync(SyncRequest(path: "/")), .sync).completions[4]?.errorCode == .sessionExpired)
    }

    @Test func pingsAfterAThirdOfTheTimeoutAndGivesUpAfterTwoThirds() {
        var harness = SessionHarness()
        _ = harness.connect(timeoutMilliseconds: 3000)
        harness.advance(milliseconds: 999)
        #expect(harness.machine.tick(nowNanoseconds: harness.nowNanoseconds).isEmpty)
        harness.advance(milliseconds: 1)
        let ping = harness.machine.tick(nowNanoseconds: harness.nowNanoseconds)
        #expect(ping.sentRequests.map(\.header) == [RequestHeader(xid: SpecialXid.ping, type: .ping)])
        // The server went quiet after the handshake: 2000 ms is the limit.
        harness.advance(milliseconds: 1000)
        #expect(harness.machine.tick(nowNanoseconds: harness.nowNanoseconds).closeReasons.isEmpty)
        harness.advance(milliseconds: 1)
        let dropped = harness.machine.tick(nowNanoseconds: harness.nowNanoseconds)
        #expect(dropped.closeReasons.first?.contains("no reply from the server") == true)
        #expect(dropped.events == [.disconnected])
    }

    @Test func aHandshakeWithoutAnswerTimesOut() {
        var harness = SessionHarness(connectTimeoutMilliseconds: 500)
        _ = harness.open()
        harness.advance(milliseconds: 500)
        #expect(harness.machine.tick(nowNanoseconds: harness.nowNanoseconds).isEmpty)
        harness.advance(milliseconds: 1)
        let effects = harness.machine.tick(nowNanoseconds: harness.nowNanoseconds)
        #expect(effects.closeReasons.count == 1)
        // Never connected, so nothing to report as disconnected.
        #expect(effects.events.isEmpty)
        #expect(harness.machine.phase == .disconnected)
    }

    @Test func refusedCredentialsEndTheSession() {
        var harness = SessionHarness()
        _ = harness.machine.addAuth(AuthPacket(scheme: "nope", auth: []), token: 1, nowNanoseconds: harness.nowNanoseconds)
        let connected = harness.connect()
        #expect(connected.sentRequests.map(\.header.type) == [OpCode.auth.rawValue])
        let refused = harness.feed(SessionHarness.reply(xid: SpecialXid.auth, err: .authFailed))
        #expect(refused.completions[1]?.errorCode == .authFailed)
        #expect(refused.events == [.authFailed])
        #expect(refused.sessionEnd == .authFailed)
    }

    @Test func closeSendsCloseSessionAndEndsOnItsReply() {
        var harness = SessionHarness()
        _ = harness.connect()
        _ = harness.submit(1, .sync(SyncRequest(path: "/")), .sync)
        let closing = harness.machine.close(token: 2, nowNanoseconds: harness.nowNanoseconds)
        #expect(closing.sentRequests.map(\.header) == [RequestHeader(xid: 2, type: .closeSession)])
        #expect(harness.submit(3, .sync(SyncRequest(path: "/")), .sync).completions[3]?.errorCode == .sessionExpired)
        let synced = harness.feed(SessionHarness.reply(xid: 1, SyncResponse(path: "/")))
        #expect(synced.completions[1] == .success(.synced(path: "/")))
        let closed = harness.feed(SessionHarness.reply(xid: 2))
        #expect(closed.completions[2] == .success(.empty))
        #expect(closed.events == [.closed])
        #expect(closed.sessionEnd == .closed)
    }

    @Test func cancellingAPersistentWatchRemovesItAtTheServer() {
        var harness = SessionHarness()
        _ = harness.connect()
        _ = harness.submit(1, .addWatch(AddWatchRequest(path: "/p", mode: .persistentRecursive)), .empty,
                           watch: PendingWatch(watcher: 9, path: "/p", request: .addWatch(recursive: true)))
        _ = harness.feed(SessionHarness.reply(xid: 1, ErrorResponse(err: 0)))
        let cancelled = harness.machine.watcherCancelled(9, nowNanoseconds: harness.nowNanoseconds)
        #expect(cancelled.sentRequests.map(\.request) == [.removeWatches(RemoveWatchesRequest(path: "/p", type: WatcherType.any.rawValue))])
        #expect(harness.feed(SessionHarness.notification(.nodeCreated, "/p/x")).deliveries.isEmpty)
    }
}
