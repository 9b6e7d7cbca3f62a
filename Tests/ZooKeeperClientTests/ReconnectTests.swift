import Testing
import ZooKeeperClient
import ZooKeeperProtocol
import ServerTestSupport

/// Connection loss and session expiry, with loopback proxies between the
/// client and the embedded server.
@Suite(.timeLimit(.minutes(1))) struct ReconnectTests {
    @Test func cutConnectionMovesToTheOtherServerWithTheSameSessionAndWatches() async throws {
        let server = try EmbeddedServer.start(tickTimeMilliseconds: 200)
        defer { server.stop() }
        let first = try await LoopbackProxy.start(forwardingTo: server.port)
        let second = try await LoopbackProxy.start(forwardingTo: server.port)
        let client = try await TestClients.connect("\(first.address),\(second.address)", sessionTimeout: .seconds(4))
        let recorder = EventRecorder(client.sessionEvents)
        let writer = try await TestClients.connect(server.connectString)

        let sessionId = client.sessionId
        let current = try #require(client.connectedServer)
        let (cut, other) = current.port == first.port ? (first, second) : (second, first)
        _ = try await client.create("/kept", mode: .ephemeral)
        _ = try await writer.create("/watched", data: [0])
        let dataWatch = try #require(try await client.getData("/watched", watch: true).watch)
        let recursive = WatchCollector(try await client.addWatch("/watched", mode: .persistentRecursive))

        cut.cutConnections()
        let events = try await recorder.wait(for: "reconnected") { events in
            events.contains { if case .reconnected = $0 { true } else { false } }
        }
        #expect(events.dropFirst().first == .disconnected)
        #expect(events.last == .reconnected(server: ServerAddress(host: "127.0.0.1", port: other.port), sessionId: sessionId,
                                            negotiatedTimeout: client.negotiatedSessionTimeout))
        #expect(client.sessionId == sessionId)
        #expect(other.connectionCount == 1)

        // Only SetWatches on the new connection can make these fire.
        _ = try await writer.setData("/watched", data: [1])
        #expect(try await dataWatch.expectEvent() == WatchedEvent(type: .nodeDataChanged, path: "/watched"))
        #expect(try await recursive.waitForEvents(1) == [WatchedEvent(type: .nodeDataChanged, path: "/watched")])
        // Same session: its ephemeral node is still there.
        #expect(try await writer.exists("/kept")?.ephemeralOwner == sessionId)

        await client.close()
        await writer.close()
        await first.stop()
        await second.stop()
    }

    @Test func changesMissedWhileDisconnectedFireOnReconnect() async throws {
        // The client notices the blackhole after 2/3 of its session timeout
        // and has the last third to resume the session: 6 s leaves 2 s, which
        // a loaded CI machine needs (3 s left 1 s and expired now and then).
        let server = try EmbeddedServer.start(tickTimeMilliseconds: 500)
        defer { server.stop() }
        let proxy = try await LoopbackProxy.start(forwardingTo: server.port)
        // A short connect timeout, so the attempt that went into the blackhole
        // is given up quickly and the next one resumes the session in time.
        let client = try await TestClients.connect(proxy.address, sessionTimeout: .seconds(6)) {
            $0.connectTimeout = .milliseconds(300)
            $0.reconnectDelay = .milliseconds(50)
        }
        let recorder = EventRecorder(client.sessionEvents)
        let writer = try await TestClients.connect(server.connectString)
        _ = try await writer.create("/missed")
        let watch = try #require(try await client.getData("/missed", watch: true).watch)

        // While the client cannot hear the server, the node changes.
        proxy.blackhole()
        try await recorder.wait(for: "disconnected") { $0.contains(.disconnected) }
        _ = try await writer.setData("/missed", data: [1])
        proxy.resume()
        // SetWatches carries the last zxid seen, so the server fires at once.
        #expect(try await watch.expectEvent() == WatchedEvent(type: .nodeDataChanged, path: "/missed"))
        await client.close()
        await writer.close()
        await proxy.stop()
    }

    @Test func garbageFromTheServerSideClosesOnlyThatConnection() async throws {
        let server = try EmbeddedServer.start(tickTimeMilliseconds: 200)
        defer { server.stop() }
        let proxy = try await LoopbackProxy.start(forwardingTo: server.port)
        let client = try await TestClients.connect(proxy.address, sessionTimeout: .seconds(4))
        let recorder = EventRecorder(client.sessionEvents)
        let sessionId = client.sessionId
        // A negative frame length: no reply can be read after this.
        proxy.sendToClients([0xff, 0xff, 0xff, 0xf0, 1, 2, 3])
        try await recorder.wait(for: "reconnected") { events in
            events.contains { if case .reconnected = $0 { true } else { false } }
        }
        #expect(client.sessionId == sessionId)
        #expect(try await client.exists("/") != nil)
        await client.close()
        await proxy.stop()
    }

    @Test func blackholeLongerThanTheSessionTimeoutExpiresTheSession() async throws {
        let server = try EmbeddedServer.start(tickTimeMilliseconds: 200)
        defer { server.stop() }
        let proxy = try await LoopbackProxy.start(forwardingTo: server.port)
        let client = try await TestClients.connect(proxy.address, sessionTimeout: .milliseconds(1200)) {
            $0.reconnectDelay = .milliseconds(100)
        }
        let recorder = EventRecorder(client.sessionEvents)
        let observer = try await TestClients.connect(server.connectString)
        #expect(client.negotiatedSessionTimeout == .milliseconds(1200))
        _ = try await client.create("/ephemeral", mode: .ephemeral)
        let watch = try #require(try await client.exists("/ephemeral", watch: true).watch)

        proxy.blackhole()
        // Sent into the blackhole: the connection is written off after two
        // thirds of the session timeout, and the call with it.
        let inFlight = Task { try await client.getData("/ephemeral") }
        await #expect(throws: ZooKeeperError(code: .connectionLoss, path: "/ephemeral")) {
            _ = try await withTimeout { try await inFlight.value }
        }
        try await recorder.wait(for: "disconnected") { $0.contains(.disconnected) }
        // Made while disconnected: held until the session's fate is known.
        let held = Task { try await client.exists("/") }
        // The server expires the session meanwhile.
        try await withTimeout(10, "server expiring the session") {
            while try await observer.exists("/ephemeral") != nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        proxy.resume()

        try await recorder.wait(for: "expired") { $0.last == .expired }
        await #expect(throws: ZooKeeperError(code: .sessionExpired, path: "/")) {
            _ = try await withTimeout { try await held.value }
        }
        do {
            _ = try await watch.expectEvent()
            Issue.record("the watch outlived its session")
        } catch let error as ZooKeeperError {
            #expect(error.code == .sessionExpired)
        }
        await #expect(throws: ZooKeeperError(code: .sessionExpired, path: "/x")) {
            _ = try await client.create("/x")
        }
        #expect(client.isSessionEnded)
        #expect(recorder.events.filter { $0 == .expired }.count == 1)
        await client.close()
        await observer.close()
        await proxy.stop()
    }
}

@Suite(.timeLimit(.minutes(1))) struct UnreachableServerTests {
    @Test func callsWaitWhileNoServerIsReachableAndCanBeCancelled() async throws {
        let server = try EmbeddedServer.start(tickTimeMilliseconds: 200)
        defer { server.stop() }
        let proxy = try await LoopbackProxy.start(forwardingTo: server.port)
        let client = try await TestClients.connect(proxy.address, sessionTimeout: .seconds(4)) {
            $0.reconnectDelay = .milliseconds(50)
        }
        let recorder = EventRecorder(client.sessionEvents)
        await proxy.stop()
        try await recorder.wait(for: "disconnected") { $0.contains(.disconnected) }
        let held = Task { try await client.getData("/") }
        try await Task.sleep(for: .milliseconds(300))
        held.cancel()
        await #expect(throws: CancellationError.self) {
            _ = try await withTimeout { try await held.value }
        }
        // Still looking for a server, not ended.
        #expect(!client.isSessionEnded)
        await client.close()
        try await recorder.wait(for: "closed") { $0.last == .closed }
    }

    @Test func anIdleSessionIsKeptAliveByPings() async throws {
        let server = try EmbeddedServer.start(tickTimeMilliseconds: 200)
        defer { server.stop() }
        // The connect deadline is generous (a loaded CI machine can take a
        // second to answer); the session timeout is what the test is about.
        // 2.5 s rather than less: on a loaded 2-core CI machine a shorter
        // timeout's read deadline (2/3 of it) was missed by the test itself.
        let client = try await TestClients.connect(server.connectString, sessionTimeout: .milliseconds(2500)) {
            $0.connectTimeout = .seconds(10)
        }
        let recorder = EventRecorder(client.sessionEvents)
        _ = try await client.create("/alive", mode: .ephemeral)
        // Three session timeouts without a call: only pings keep it going.
        try await Task.sleep(for: .milliseconds(7500))
        #expect(recorder.events.count == 1)
        #expect(try await client.exists("/alive")?.ephemeralOwner == client.sessionId)
        await client.close()
    }

    @Test func connectCanBeCancelled() async throws {
        let unused = FreePort.next()
        let attempt = Task {
            try await ZooKeeperClient.connect(.init(connectString: "127.0.0.1:\(unused)", sessionTimeout: .seconds(30),
                                                    reconnectDelay: .milliseconds(50), logger: TestClients.logger))
        }
        try await Task.sleep(for: .milliseconds(200))
        attempt.cancel()
        await #expect(throws: CancellationError.self) {
            _ = try await withTimeout { try await attempt.value }
        }
    }
}
