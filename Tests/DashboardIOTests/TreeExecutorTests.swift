import DashboardIO
import DashboardUI
import Foundation
import Logging
import Testing
import ZooKeeperClient
import ZooKeeperProtocol
import ServerTestSupport

let quietLogger: Logger = {
    var logger = Logger(label: "test.dashboardio")
    logger.logLevel = .critical
    return logger
}()

func otherClient(_ server: EmbeddedServer) async throws -> ZooKeeperClient {
    try await withTimeout(15, "connect") {
        try await ZooKeeperClient.connect(.init(connectString: server.connectString, sessionTimeout: .seconds(6), logger: quietLogger))
    }
}

func executor(_ server: EmbeddedServer) -> TreeExecutor {
    TreeExecutor(connectString: server.connectString, sessionTimeout: .seconds(6), logger: quietLogger)
}

@Suite("DashboardIO: TreeExecutor against the embedded server", .serialized)
struct TreeExecutorTests {
    @Test func readsAndWritesRoundTrip() async throws {
        let server = try EmbeddedServer.start()
        defer { server.stop() }
        let tree = executor(server)

        let created = await tree.perform(.create(path: "/a", data: Array("v1".utf8), ephemeral: false, sequential: false))
        #expect(created == [.mutationDone(path: "/a", message: "created /a")])

        let listed = await tree.perform(.listChildren(path: "/"))
        guard case let .children(path, names, stat)? = listed.first else {
            Issue.record("no children: \(listed)")
            return
        }
        #expect(path == "/")
        #expect(names == ["a", "zookeeper"])
        #expect(stat?.numChildren == 2)

        let loaded = await tree.perform(.loadNode(path: "/a"))
        guard case let .node(detail)? = loaded.first else {
            Issue.record("no node: \(loaded)")
            return
        }
        #expect(detail.data == Array("v1".utf8))
        #expect(detail.stat.version == 0)
        #expect(detail.stat.dataLength == 2)
        #expect(detail.acl == [TreeACLEntry(perms: 31, scheme: "world", id: "anyone")])

        #expect(await tree.perform(.setData(path: "/a", data: Array("v2".utf8), version: 0))
            == [.mutationDone(path: "/a", message: "set /a (version 1)")])
        // The version the view showed is checked.
        #expect(await tree.perform(.setData(path: "/a", data: Array("v3".utf8), version: 0)) == [.mutationFailed(path: "/a", message: "BadVersion")])

        let stats = await tree.perform(.stats(paths: ["/a", "/zookeeper", "/missing"]))
        guard case let .stats(found, missing)? = stats.first else {
            Issue.record("no stats: \(stats)")
            return
        }
        #expect(found["/a"]?.version == 1)
        #expect(found["/zookeeper"] != nil)
        #expect(missing == ["/missing"])

        let sequential = await tree.perform(.create(path: "/a/job-", data: [], ephemeral: true, sequential: true))
        guard case let .mutationDone(jobPath, _)? = sequential.first else {
            Issue.record("no create: \(sequential)")
            return
        }
        #expect(jobPath == "/a/job-0000000000")
        let jobStats = await tree.perform(.stats(paths: [jobPath]))
        if case let .stats(found, _)? = jobStats.first { #expect(found[jobPath]?.isEphemeral == true) }

        #expect(await tree.perform(.delete(path: "/a", version: 1)) == [.mutationFailed(path: "/a", message: "Directory not empty")])
        #expect(await tree.perform(.delete(path: jobPath, version: 0)) == [.mutationDone(path: jobPath, message: "deleted \(jobPath)")])
        #expect(await tree.perform(.delete(path: "/a", version: 1)) == [.mutationDone(path: "/a", message: "deleted /a")])
        #expect(await tree.perform(.loadNode(path: "/a")) == [.failed(path: "/a", message: "NoNode")])
        #expect(await tree.perform(.listChildren(path: "/a")) == [.failed(path: "/a", message: "NoNode")])

        // The default whitelist has no wchp.
        #expect(await tree.perform(.watchers(path: "/")) == [.watchers(path: "/", .unavailable("wchp not whitelisted"))])
        await tree.close()
    }

    @Test func changesByAnotherClientArriveAsUpdates() async throws {
        let server = try EmbeddedServer.start()
        defer { server.stop() }
        let tree = executor(server)
        let updates = UpdatesCollector(tree.updates)
        _ = await tree.perform(.listChildren(path: "/"))
        _ = try await updates.wait("connected") {
            if case let .connection(text, _) = $0 { return text.hasPrefix("connected to 127.0.0.1:") }
            return false
        }
        let other = try await otherClient(server)
        // The watch is added just after the connection: create until one is seen.
        var seen = false
        for attempt in 0..<50 where !seen {
            _ = try await other.create("/probe-\(attempt)")
            seen = (try? await updates.wait(seconds: 0.2, "probe") { $0 == .changed(path: "/probe-\(attempt)", kind: .created) }) != nil
        }
        #expect(seen)
        _ = try await other.create("/watched", data: Array("x".utf8))
        _ = try await other.create("/watched/child")
        _ = try await other.setData("/watched", data: Array("y".utf8))
        try await other.delete("/watched/child")
        _ = try await updates.wait("created") { $0 == .changed(path: "/watched/child", kind: .created) }
        _ = try await updates.wait("data changed") { $0 == .changed(path: "/watched", kind: .dataChanged) }
        _ = try await updates.wait("deleted") { $0 == .changed(path: "/watched/child", kind: .deleted) }
        await other.close()
        await tree.close()
        await updates.stop()
    }

    @Test func watchersFromWchp() async throws {
        let server = try EmbeddedServer.start(extraConfig: "4lw.commands.whitelist=*\n")
        defer { server.stop() }
        let tree = TreeExecutor(
            connectString: server.connectString, sessionTimeout: .seconds(6),
            fourLetterWordAddresses: [server.connectString], logger: quietLogger)
        let other = try await otherClient(server)
        _ = try await other.create("/watched")
        let data = try await other.getData("/watched", watch: true)
        #expect(data.watch != nil)
        let answer = await tree.perform(.watchers(path: "/watched"))
        #expect(answer == [.watchers(path: "/watched", .sessions([other.sessionId]))])
        #expect(await tree.perform(.watchers(path: "/zookeeper")) == [.watchers(path: "/zookeeper", .sessions([]))])
        await other.close()
        await tree.close()
    }

    @Test func chrootPathsAndWatchers() async throws {
        let server = try EmbeddedServer.start(extraConfig: "4lw.commands.whitelist=*\n")
        defer { server.stop() }
        let other = try await otherClient(server)
        _ = try await other.create("/app")
        _ = try await other.create("/app/x", data: Array("in app".utf8))
        _ = try await other.getData("/app/x", watch: true)
        // The view sees the chroot as "/"; wchp reports server paths.
        let tree = TreeExecutor(connectString: server.connectString + "/app", sessionTimeout: .seconds(6), logger: quietLogger)
        let listed = await tree.perform(.listChildren(path: "/"))
        guard case let .children(_, names, _)? = listed.first else {
            Issue.record("no children: \(listed)")
            return
        }
        #expect(names == ["x"])
        #expect(await tree.perform(.watchers(path: "/x")) == [.watchers(path: "/x", .sessions([other.sessionId]))])
        await other.close()
        await tree.close()
    }

    /// A server that forgot the session (a fresh one on the same address)
    /// expires it: the executor starts a new session, asks the view to read
    /// everything again, and live updates go on.
    @Test func expiredSessionIsReplaced() async throws {
        let first = try EmbeddedServer.start()
        let port = first.port
        let tree = TreeExecutor(connectString: first.connectString, sessionTimeout: .seconds(4), logger: quietLogger)
        let updates = UpdatesCollector(tree.updates)
        #expect(await tree.perform(.listChildren(path: "/")).count == 1)
        first.stop()
        let second = try EmbeddedServer.start(port: port)
        defer { second.stop() }
        // A server behind the zxid the client has seen sends it away (Apache's
        // rule): a few writes bring the new one past it.
        let other = try await otherClient(second)
        for index in 0..<5 { _ = try await other.create("/pad-\(index)") }
        _ = try await updates.wait(seconds: 20, "a new session") {
            if case let .connection(text, resync) = $0 { return resync && text.hasPrefix("connected to") }
            return false
        }
        let listed = await tree.perform(.listChildren(path: "/"))
        #expect(listed.first.map { if case .children = $0 { true } else { false } } == true)
        var seen = false
        for attempt in 0..<50 where !seen {
            _ = try await other.create("/after-\(attempt)")
            seen = (try? await updates.wait(seconds: 0.2, "change") { $0 == .changed(path: "/after-\(attempt)", kind: .created) }) != nil
        }
        #expect(seen)
        await other.close()
        await tree.close()
        await updates.stop()
    }

    /// `a` in the Tree view: a protected node reads as unreadable (its ACL is
    /// hidden too: getACL needs READ or ADMIN), addAuth opens it, whoAmI
    /// names the identity, and a new session (after expiry) keeps it.
    @Test func addAuthOpensAProtectedNodeAndOutlivesTheSession() async throws {
        let first = try EmbeddedServer.start()
        let port = first.port
        let owner = try await otherClient(first)
        try await owner.addAuth(scheme: "digest", auth: Array("bob:secret".utf8))
        let bobOnly = [ACL(perms: .all, id: Id(scheme: "auth", id: ""))]
        _ = try await owner.create("/bobs", data: Array("bob-data".utf8), acl: bobOnly)
        await owner.close()
        let tree = TreeExecutor(connectString: first.connectString, sessionTimeout: .seconds(4), logger: quietLogger)
        #expect(await tree.perform(.loadNode(path: "/bobs")) == [.unreadable(path: "/bobs", acl: nil)])
        #expect(await tree.perform(.whoAmI) == [.identities(["ip:127.0.0.1"])])
        #expect(await tree.perform(.addAuth(scheme: "digest", credentials: Array("bob:secret".utf8))) == [.authenticated("digest:bob")])
        #expect(await tree.perform(.whoAmI) == [.identities(["ip:127.0.0.1", "digest:bob"])])
        guard case .node(let node)? = await tree.perform(.loadNode(path: "/bobs")).first else {
            Issue.record("not readable after addAuth")
            return
        }
        #expect(node.data == Array("bob-data".utf8))
        #expect(node.acl.map(\.scheme) == ["digest"])

        // The server goes away (with its sessions, no disk kept) and comes back:
        // the replacement session carries bob again.
        let updates = UpdatesCollector(tree.updates)
        first.stop()
        let second = try EmbeddedServer.start(port: port)
        defer { second.stop() }
        let other = try await otherClient(second)
        for index in 0..<5 { _ = try await other.create("/pad-\(index)") }
        await other.close()
        _ = try await updates.wait(seconds: 20, "a new session") {
            if case let .connection(text, resync) = $0 { return resync && text.hasPrefix("connected to") }
            return false
        }
        #expect(await tree.perform(.whoAmI) == [.identities(["ip:127.0.0.1", "digest:bob"])])
        await tree.close()
        await updates.stop()
    }

    /// `s`, `D`, `C`, `M` against the embedded server: sizes, a copy with its
    /// data and ACLs, a move that refuses to lose an ephemeral, a delete of a
    /// whole subtree.
    @Test func subtreeMeasureCopyMoveAndDelete() async throws {
        let server = try EmbeddedServer.start()
        defer { server.stop() }
        let other = try await otherClient(server)
        _ = try await other.create("/src", data: Array("root".utf8))
        _ = try await other.create("/src/a", data: Array("aa".utf8))
        _ = try await other.create("/src/a/deep", data: nil)
        try await other.addAuth(scheme: "digest", auth: Array("bob:pw".utf8))
        _ = try await other.create("/src/bob", data: Array("b".utf8), acl: [ACL(perms: .all, id: Id(scheme: "auth", id: ""))])
        let tree = TreeExecutor(connectString: server.connectString, sessionTimeout: .seconds(6),
                                credentials: [.init(scheme: "digest", auth: Array("bob:pw".utf8))], logger: quietLogger)
        #expect(await tree.perform(.measure(path: "/src")) == [.measured(path: "/src", nodes: 4, bytes: 7)])
        #expect(await tree.perform(.measure(path: "/none")) == [.failed(path: "/none", message: "NoNode")])

        #expect(await tree.perform(.copyTree(from: "/src", to: "/dst", move: false))
                == [.mutationDone(path: "/dst", message: "copied /src to /dst (4 nodes)")])
        #expect(try await other.getData("/dst/a").data == Array("aa".utf8))
        #expect(try await other.getData("/dst/a/deep").data == nil)
        let sourceACL = try await other.getACL("/src/bob").acl
        #expect(try await other.getACL("/dst/bob").acl == sourceACL)
        #expect(await tree.perform(.copyTree(from: "/src", to: "/dst", move: false))
                == [.mutationFailed(path: "/dst", message: "/dst already exists")])

        _ = try await other.create("/src/eph", mode: .ephemeral)
        #expect(await tree.perform(.copyTree(from: "/src", to: "/moved", move: true))
                == [.mutationFailed(path: "/moved", message: "/src/eph is ephemeral and cannot be moved (copy the rest with C)")])
        try await other.delete("/src/eph")
        #expect(await tree.perform(.copyTree(from: "/src", to: "/moved", move: true))
                == [.mutationDone(path: "/moved", message: "moved /src to /moved (4 nodes)"), .changed(path: "/src", kind: .deleted)])
        #expect(try await other.exists("/src") == nil)

        #expect(await tree.perform(.deleteTree(path: "/dst"))
                == [.mutationDone(path: "/dst", message: "deleted /dst and the 3 nodes below it")])
        #expect(try await other.exists("/dst") == nil)
        #expect(try await other.exists("/moved/a/deep") != nil)
        await tree.close()
        await other.close()
    }

    /// `:export`, `:diff`, `:import` from the dashboard's command line: the
    /// same format and plan as the CLI, reported in a box.
    @Test func exportDiffAndImportFromTheCommandLine() async throws {
        let server = try EmbeddedServer.start()
        defer { server.stop() }
        let other = try await otherClient(server)
        _ = try await other.create("/cfg", data: Array("v1".utf8))
        _ = try await other.create("/cfg/a", data: Array("a".utf8))
        let tree = executor(server)
        let file = NSTemporaryDirectory() + "zkdash-cmd-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(await tree.perform(.exportTo(path: "/cfg", file: file)) == [.report(title: ":export /cfg", text: "wrote 2 nodes to \(file)")])
        guard case .report(_, let same)? = await tree.perform(.diffWith(path: "/cfg", file: file)).first else { Issue.record("no diff"); return }
        #expect(same.hasSuffix("the same"))
        _ = try await other.setData("/cfg/a", data: Array("changed".utf8))
        guard case .report(_, let changed)? = await tree.perform(.diffWith(path: "/cfg", file: file)).first else { Issue.record("no diff"); return }
        #expect(changed.contains(#"~ ./a  data: "changed" (7 bytes) → "a" (1 byte)"#), "\(changed)")
        guard case .report(_, let plan)? = await tree.perform(.importFrom(path: "/copy", file: file, apply: false)).first else { Issue.record("no plan"); return }
        #expect(plan.contains("would create /copy/a") && plan.hasSuffix(":import \(file) --apply makes them"))
        #expect(try await other.exists("/copy") == nil, "a plan writes nothing")
        guard case .report(_, let applied)? = await tree.perform(.importFrom(path: "/copy", file: file, apply: true)).first else { Issue.record("no apply"); return }
        #expect(applied.hasSuffix("2 changes made"))
        #expect(try await other.getData("/copy/a").data == Array("a".utf8))
        guard case .report(_, let bad)? = await tree.perform(.diffWith(path: "/cfg", file: file + ".missing")).first else { Issue.record("no report"); return }
        #expect(bad == "cannot read \(file).missing")
        await tree.close()
        await other.close()
    }

    @Test func wchpParser() {
        let table = WchpParser.parse("/a\n\t0x100000abc\n\t0x2\n/b/c\n\t0xffffffffffffffff\n\n")
        #expect(table == ["/a": [0x1_0000_0abc, 2], "/b/c": [-1]])
    }

    @Test func unreachableServerFailsReads() async throws {
        let port = FreePort.next()
        let tree = TreeExecutor(connectString: "127.0.0.1:\(port)", sessionTimeout: .seconds(2), logger: quietLogger)
        let answer = try await withTimeout(20, "list against nothing") { await tree.perform(.listChildren(path: "/")) }
        guard case let .failed(path, message)? = answer.first else {
            Issue.record("not a failure: \(answer)")
            return
        }
        #expect(path == "/")
        #expect(message.hasPrefix("ConnectionLoss"))
        await tree.close()
    }

    /// The benchmark "first screen of a 100k-child znode ≤ 300 ms": from the
    /// list request to a rendered frame (list, sort, reducer, stats of the rows
    /// on screen, render). Prints TREE_FIRST_SCREEN_MS.
    /// `/` then Enter finds a node in branches never opened, through the real
    /// client and server (issue 13 item 6).
    @Test func searchListsBranchesNeverOpened() async throws {
        let server = try EmbeddedServer.start()
        defer { server.stop() }
        let other = try await otherClient(server)
        for path in ["/services", "/services/billing", "/services/billing/leader", "/services/search", "/config"] {
            _ = try await other.create(path)
        }
        let tree = executor(server)
        var state = TreeState()
        func run(_ commands: [TreeCommand]) async {
            var pending = commands
            while !pending.isEmpty {
                let command = pending.removeFirst()
                for input in await tree.perform(command) { pending += state.handle(input, nowMs: 0) }
            }
        }
        await run(state.activate(nowMs: 0))
        _ = state.handle(.character("/"), readOnly: false, nowMs: 0)
        for character in "leader" { await run(state.handle(.character(character), readOnly: false, nowMs: 0)) }
        #expect(state.searchNote?.hasPrefix("no match among") == true)
        await run(state.handle(.enter, readOnly: false, nowMs: 0))
        #expect(state.selectedPath == "/services/billing/leader")
        #expect(state.message?.hasPrefix("'leader': found after listing") == true, "\(state.message ?? "")")
    }

    @Test func hundredThousandChildrenFirstScreen() async throws {
        let server = try EmbeddedServer.start()
        defer { server.stop() }
        let other = try await otherClient(server)
        _ = try await other.create("/big")
        let count = 100_000
        let batch = 2000
        let createStart = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for start in stride(from: 0, to: count, by: batch) {
                group.addTask {
                    let ops = (start..<min(count, start + batch)).map { index -> ZooKeeperClient.Operation in
                        let digits = String(index)
                        return .create(path: "/big/item-" + String(repeating: "0", count: 6 - digits.count) + digits)
                    }
                    _ = try await other.multi(ops)
                }
            }
            try await group.waitForAll()
        }
        print("TREE_CREATE_100K_MS=\(ms(ContinuousClock.now - createStart))")
        #expect(try await other.exists("/big")?.numChildren == Int32(count))

        // How much of a list is the sort (done in the executor, off the UI).
        let shuffled = (0..<count).map { "item-" + String($0) }.shuffled()
        let sortStart = ContinuousClock.now
        let sorted = shuffled.sorted()
        print("TREE_SORT_100K_MS=\(ms(ContinuousClock.now - sortStart)) (\(sorted.count) names)")

        let tree = executor(server)
        var state = TreeState()
        let size = ScreenSize(columns: 160, rows: 45)
        state.viewportRows = TreeLayout.treeRows(for: size)
        // Connected, root listed and the cursor on /big, as a user would be.
        var pending = state.activate(nowMs: 0)
        while !pending.isEmpty {
            let command = pending.removeFirst()
            for input in await tree.perform(command) { pending += state.handle(input, nowMs: 0) }
        }
        _ = state.handle(.down, readOnly: false, nowMs: 0)
        #expect(state.selectedPath == "/big")

        for round in 0..<3 {
            var copy = state
            let start = ContinuousClock.now
            var commands = copy.handle(.enter, readOnly: false, nowMs: 0)
            var statsAsked = 0
            var phases: [String] = []
            while !commands.isEmpty {
                let command = commands.removeFirst()
                if case .stats(let paths) = command { statsAsked += paths.count }
                // The detail pane's reads go on in parallel in the shell; the screen needs the list and the stats.
                if case .loadNode = command { continue }
                if case .watchers = command { continue }
                let performStart = ContinuousClock.now
                let inputs = await tree.perform(command)
                let reduceStart = ContinuousClock.now
                for input in inputs { commands += copy.handle(input, nowMs: 0) }
                phases.append("\(Self.name(command)) \(ms(reduceStart - performStart)) ms + reducer \(ms(ContinuousClock.now - reduceStart)) ms")
            }
            let renderStart = ContinuousClock.now
            var buffer = CellBuffer(size: size)
            TreeRenderer.render(copy, into: &buffer, rect: Layout.body(size), nowMs: 0)
            let elapsed = ms(ContinuousClock.now - start)
            phases.append("render \(ms(ContinuousClock.now - renderStart)) ms")
            #expect(copy.rowCount == count + 3)
            #expect(statsAsked <= state.viewportRows)
            #expect(buffer.text().contains("item-000000"))
            print("TREE_FIRST_SCREEN_MS=\(elapsed) (round \(round), \(statsAsked) stats; \(phases.joined(separator: ", ")))")
        }
        await tree.close()
        await other.close()
    }
}

extension TreeExecutorTests {
    static func name(_ command: TreeCommand) -> String {
        switch command {
        case .listChildren: "list"
        case .stats: "stats"
        default: "\(command)"
        }
    }
}

func ms(_ duration: Duration) -> Int {
    Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
}
