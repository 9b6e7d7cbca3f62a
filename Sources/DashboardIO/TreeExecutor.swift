import DashboardUI
import Foundation
import EnsembleModel
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ZooKeeperAdmin
import ZooKeeperClient
import ZooKeeperProtocol

/// Carries out the tree view's `TreeCommand`s with the ZooKeeper client and
/// turns watch events and connection changes into `TreeInput`s on `updates`.
///
/// - Connects lazily, on the first command; the client reconnects by itself
///   (the same session). An expired session is replaced by a new one, and
///   `updates` says `.connection(_, resync: true)` so that the view reads
///   everything it shows again.
/// - Live updates: one persistent recursive watch on "/" (addWatch). Every
///   create, delete and data change anywhere under the root becomes
///   `.changed(path, kind)`; the view ignores paths it has not listed. The
///   watch is re-registered by the client after a reconnect.
/// - Errors are answered as `.failed(path, message)` / `.mutationFailed` with
///   Apache's error name ("NoNode", "NoAuth", "BadVersion", …).
/// - Watchers come from `wchp` (four-letter word) on every configured server,
///   merged; answers are cached for `wchpCacheDuration` so moving the
///   selection does not ask the servers on every key.
public final class TreeExecutor: Sendable {
    public let updates: AsyncStream<TreeInput>
    let continuation: AsyncStream<TreeInput>.Continuation
    let configuration: ZooKeeperClient.Configuration
    let fourLetterWordAddresses: [ServerAddress]
    let chroot: String?
    let session: SessionHolder
    let wchpCache: WchpCache
    let wchpTimeout: Duration
    /// Runs on every new connection before the view's reads (a SASL login:
    /// its identity lives on one connection, so a reconnect repeats it).
    let login: (@Sendable (ZooKeeperClient) async throws -> Void)?
    /// Identities added with `a`, given to every later session too.
    let addedCredentials = NIOLockedValueBox<[ZooKeeperClient.AuthCredential]>([])

    public static let wchpCacheDuration: Duration = .seconds(2)

    /// - Parameters:
    ///   - connectString: the client's connect string (with an optional chroot).
    ///   - fourLetterWordAddresses: "host:port" of the servers to ask `wchp`;
    ///     nil means the connect string's servers (their client ports).
    public init(
        connectString: String,
        sessionTimeout: Duration = .seconds(15),
        fourLetterWordAddresses: [String]? = nil,
        credentials: [ZooKeeperClient.AuthCredential] = [],
        channelSetup: (@Sendable (any Channel, _ host: String) throws -> Void)? = nil,
        wchpTimeout: Duration = .seconds(1),
        login: (@Sendable (ZooKeeperClient) async throws -> Void)? = nil,
        logger: Logger = Logger(label: "zkdash.tree")
    ) {
        self.login = login
        (updates, continuation) = AsyncStream.makeStream(of: TreeInput.self)
        configuration = ZooKeeperClient.Configuration(
            connectString: connectString, sessionTimeout: sessionTimeout, credentials: credentials, logger: logger,
            channelSetup: channelSetup)
        let parsed = try? ConnectString(parsing: connectString)
        chroot = parsed?.chroot
        if let fourLetterWordAddresses {
            self.fourLetterWordAddresses = fourLetterWordAddresses.compactMap { try? ConnectString(parsing: $0).servers.first }
        } else {
            self.fourLetterWordAddresses = parsed?.servers ?? []
        }
        session = SessionHolder()
        wchpCache = WchpCache()
        self.wchpTimeout = wchpTimeout
    }

    /// Runs one command; the answers go back to the reducer as `.tree(input)`.
    public func perform(_ command: TreeCommand) async -> [TreeInput] {
        switch command {
        case .listChildren(let path):
            return await read(path) { client in
                let answer = try await client.getChildren(path)
                // Sorted here, off the UI's path (100k names take a while).
                return [.children(path: path, names: answer.children.sorted(), stat: TreeStat(answer.stat))]
            }
        case .stats(let paths):
            // A path whose exists failed (connection lost) is in neither
            // list: the view asks again after the next connection change.
            guard let client = try? await client() else {
                return [.stats([:], missing: [])]
            }
            let answers = await withTaskGroup(of: StatAnswer.self) { group in
                for path in paths {
                    group.addTask {
                        do {
                            let stat = try await client.exists(path)
                            return StatAnswer(path: path, stat: stat.map(TreeStat.init), gone: stat == nil)
                        } catch let error as ZooKeeperError where error.code == .noNode {
                            return StatAnswer(path: path, stat: nil, gone: true)
                        } catch {
                            return StatAnswer(path: path, stat: nil, gone: false)
                        }
                    }
                }
                var answers: [StatAnswer] = []
                for await answer in group { answers.append(answer) }
                return answers
            }
            var found: [String: TreeStat] = [:]
            var missing: [String] = []
            for answer in answers {
                if let stat = answer.stat {
                    found[answer.path] = stat
                } else if answer.gone {
                    missing.append(answer.path)
                }
            }
            let results = (found, missing.sorted())
            return [.stats(results.0, missing: results.1)]
        case .loadNode(let path):
            return await read(path) { client in
                async let data = client.getData(path)
                async let acl = client.getACL(path)
                let node: (data: [UInt8]?, stat: Stat)
                do {
                    let answer = try await data
                    node = (answer.data, answer.stat)
                } catch let error as ZooKeeperError where error.code == .noAuth {
                    // Not readable. getACL needs READ or ADMIN: it may still answer.
                    let entries = try? await acl.acl.map(Self.entry)
                    return [.unreadable(path: path, acl: entries)]
                }
                let nodeACL = try await acl
                return [.node(NodeDetail(path: path, data: node.data, stat: TreeStat(node.stat), acl: nodeACL.acl.map(Self.entry)))]
            }
        case .watchers(let path):
            return [.watchers(path: path, await watchers(of: path))]
        case let .create(path, data, ephemeral, sequential):
            let mode: CreateMode = ephemeral ? (sequential ? .ephemeralSequential : .ephemeral) : (sequential ? .persistentSequential : .persistent)
            return await write(path) { client in
                let created = try await client.create(path, data: data, mode: mode)
                return [.mutationDone(path: created.path, message: "created \(created.path)")]
            }
        case let .setData(path, data, version):
            return await write(path) { client in
                let stat = try await client.setData(path, data: data, version: version)
                return [.mutationDone(path: path, message: "set \(path) (version \(stat.version))")]
            }
        case let .delete(path, version):
            return await write(path) { client in
                try await client.delete(path, version: version)
                return [.mutationDone(path: path, message: "deleted \(path)")]
            }
        case let .addAuth(scheme, credentials):
            let user = scheme == "digest" ? String(decoding: credentials.prefix { $0 != UInt8(ascii: ":") }, as: UTF8.self) : "…"
            do {
                let client = try await client()
                try await client.addAuth(scheme: scheme, auth: credentials)
                addedCredentials.withLockedValue { $0.append(ZooKeeperClient.AuthCredential(scheme: scheme, auth: credentials)) }
                return [.authenticated("\(scheme):\(user)")]
            } catch {
                return [.authFailed("\(scheme):\(user): \(Self.message(error))")]
            }
        case .measure(let path):
            return await read(path) { client in
                guard let size = try await TreeTransfer.measure(client, root: path) else {
                    return [.failed(path: path, message: ErrorCode.noNode.message)]
                }
                return [.measured(path: path, nodes: size.nodes, bytes: size.bytes)]
            }
        case .deleteTree(let path):
            do {
                let deleted = try await TreeTransfer.deleteTree(try await client(), root: path)
                return [.mutationDone(path: path, message: "deleted \(path)" + (deleted > 1 ? " and the \(deleted - 1) nodes below it" : ""))]
            } catch let partial as TreeTransfer.PartialDelete {
                return [.mutationFailed(path: path, message: "\(partial.refusal.path): \(Self.message(partial.refusal.error)) after deleting \(partial.deleted) node\(partial.deleted == 1 ? "" : "s")")]
            } catch {
                return [.mutationFailed(path: path, message: Self.message(error))]
            }
        case let .copyTree(from, to, move):
            do {
                let created = try await TreeTransfer.copyTree(try await client(), from: from, to: to, move: move)
                var inputs: [TreeInput] = [.mutationDone(path: to, message: "\(move ? "moved" : "copied") \(from) to \(to) (\(created) node\(created == 1 ? "" : "s"))")]
                if move { inputs.append(.changed(path: from, kind: .deleted)) }
                return inputs
            } catch let refusal as TreeTransfer.Refusal {
                return [.mutationFailed(path: to, message: "\(refusal.path): \(Self.message(refusal.error))")]
            } catch let partial as TreeTransfer.PartialDelete {
                return [.mutationFailed(path: to, message: "copied, but deleting \(from) stopped at \(partial.refusal.path): \(Self.message(partial.refusal.error))")]
            } catch {
                return [.mutationFailed(path: to, message: Self.message(error))]
            }
        case let .exportTo(path, file):
            return await read(path) { client in
                guard let export = try await TreeTransfer.read(client, root: path) else {
                    return [.failed(path: path, message: ErrorCode.noNode.message)]
                }
                guard FileManager.default.createFile(atPath: file, contents: Data(export.json())) else {
                    return [.report(title: ":export \(path)", text: "cannot write \(file)")]
                }
                return [.report(title: ":export \(path)", text: "wrote \(export.nodes.count) nodes to \(file)")]
            }
        case let .importFrom(path, file, apply):
            return await read(path) { client in
                let title = ":import \(file) at \(path)" + (apply ? " --apply" : "")
                let export: TreeExport
                do { export = try Self.load(file) } catch { return [.report(title: title, text: "\(error)")] }
                let steps = ImportPlan.plan(export, into: path, existing: try await TreeTransfer.current(client, of: export, under: path))
                var lines = steps.map { ($0.isChange && !apply ? "would " : "") + ImportPlan.describe($0) }
                let changes = steps.filter(\.isChange).count
                if apply {
                    do {
                        let done = try await TreeTransfer.apply(steps, client)
                        lines.append("\(done) change\(done == 1 ? "" : "s") made")
                    } catch let refusal as TreeTransfer.Refusal {
                        lines.append("stopped at \(refusal.path): \(Self.message(refusal.error))")
                    }
                } else {
                    lines.append(changes == 0 ? "nothing to change" : "\(changes) change\(changes == 1 ? "" : "s"); :import \(file) --apply makes them")
                }
                return [.report(title: title, text: lines.joined(separator: "\n"))]
            }
        case let .diffWith(path, file):
            return await read(path) { client in
                let title = ":diff \(path) \(file)"
                let other: TreeExport
                do { other = try Self.load(file) } catch { return [.report(title: title, text: "\(error)")] }
                guard let here = try await TreeTransfer.read(client, root: path) else {
                    return [.failed(path: path, message: ErrorCode.noNode.message)]
                }
                let changes = TreeDiff.compare(here, other)
                let text = "--- A \(path) (\(here.nodes.count) nodes)\n+++ B \(file) (\(other.nodes.count) nodes)\n"
                    + (changes.isEmpty ? "the same" : TreeDiff.render(changes, a: here, b: other))
                return [.report(title: title, text: text)]
            }
        case .whoAmI:
            do {
                let identities = try await client().whoAmI()
                return [.identities(identities.map { "\($0.authScheme):\($0.user)" })]
            } catch let error as ZooKeeperError where error.code == .unimplemented {
                return [.identities(nil)]
            } catch {
                return []
            }
        }
    }

    /// An export file, or why it cannot be used.
    static func load(_ file: String) throws -> TreeExport {
        guard let data = FileManager.default.contents(atPath: file) else { throw TreeTransfer.CopyRefusal("cannot read \(file)") }
        do {
            return try TreeExport.parse(Array(data))
        } catch {
            throw TreeTransfer.CopyRefusal("\(file): \(error)")
        }
    }

    static func entry(_ acl: ACL) -> TreeACLEntry {
        TreeACLEntry(perms: acl.perms.rawValue, scheme: acl.id.scheme, id: acl.id.id)
    }

    /// Closes the session and ends `updates`.
    public func close() async {
        let client = await session.shutDown()
        await client?.close()
        continuation.finish()
    }

    // MARK: Calls

    func read(_ path: String, _ body: (ZooKeeperClient) async throws -> [TreeInput]) async -> [TreeInput] {
        do {
            return try await body(try await client())
        } catch {
            return [.failed(path: path, message: Self.message(error))]
        }
    }

    func write(_ path: String, _ body: (ZooKeeperClient) async throws -> [TreeInput]) async -> [TreeInput] {
        do {
            return try await body(try await client())
        } catch {
            return [.mutationFailed(path: path, message: Self.message(error))]
        }
    }

    /// Apache's error name for a client error ("NoNode"), with its detail.
    static func message(_ error: any Error) -> String {
        if let error = error as? ZooKeeperError {
            var text = error.code.message
            if let detail = error.detail { text += " (\(detail))" }
            return text
        }
        if let error = error as? ConnectStringError { return error.description }
        if let error = error as? TreeTransfer.CopyRefusal { return error.description }
        return "\(error)"
    }

    /// The live client, connecting (or replacing an ended session) first.
    func client() async throws -> ZooKeeperClient {
        try await session.client { [self, configuration, continuation] in
            continuation.yield(.connection("connecting to \(configuration.connectString)…", resync: false))
            do {
                var configuration = configuration
                configuration.credentials += self.addedCredentials.withLockedValue { $0 }
                let client = try await ZooKeeperClient.connect(configuration)
                if let login = self.login {
                    do {
                        try await login(client)
                    } catch {
                        await client.close()
                        throw error
                    }
                }
                return client
            } catch {
                continuation.yield(.connection("not connected: \(Self.message(error))", resync: false))
                throw error
            }
        } started: { [weak self] client, replaced in
            self?.follow(client, replaced: replaced)
        }
    }

    /// Session events and the recursive watch of a new client, into `updates`.
    func follow(_ client: ZooKeeperClient, replaced: Bool) {
        let continuation = self.continuation
        let server = client.connectedServer.map(\.description) ?? "?"
        continuation.yield(.connection("connected to \(server), session 0x\(String(UInt64(bitPattern: client.sessionId), radix: 16))", resync: replaced))
        let sessionTask = Task { [weak self, weak client] in
            guard let events = client?.sessionEvents else { return }
            for await event in events {
                switch event {
                case .connected:
                    break
                case .disconnected:
                    continuation.yield(.connection("disconnected, reconnecting…", resync: false))
                case let .reconnected(server, sessionId, _):
                    // A SASL identity belonged to the old connection: log in again first.
                    if let login = self?.login, let client {
                        do {
                            try await login(client)
                        } catch {
                            continuation.yield(.connection("not logged in after reconnecting: \(Self.message(error))", resync: false))
                            continue
                        }
                    }
                    continuation.yield(.connection("connected to \(server), session 0x\(String(UInt64(bitPattern: sessionId), radix: 16))", resync: true))
                case .expired, .authFailed:
                    continuation.yield(.connection(event == .expired ? "session expired, starting a new one…" : "authentication failed", resync: false))
                    if event == .expired, let self {
                        // A new session right away, so the watch goes on.
                        _ = try? await self.client()
                    }
                    return
                case .closed:
                    return
                }
            }
        }
        let watchTask = Task { [weak client] in
            guard let watch = try? await client?.addWatch("/", mode: .persistentRecursive) else { return }
            do {
                for try await event in watch {
                    let kind: TreeChangeKind
                    switch event.type {
                    case .nodeCreated: kind = .created
                    case .nodeDeleted: kind = .deleted
                    case .nodeDataChanged: kind = .dataChanged
                    case .nodeChildrenChanged: kind = .childrenChanged
                    default: continue
                    }
                    continuation.yield(.changed(path: event.path, kind: kind))
                }
            } catch {}
        }
        Task { await session.track(tasks: [sessionTask, watchTask]) }
    }

    // MARK: wchp

    func watchers(of path: String) async -> WatchersInfo {
        guard !fourLetterWordAddresses.isEmpty else { return .unavailable("no four-letter-word address") }
        let serverPath = chroot.map { path == "/" ? $0 : $0 + path } ?? path
        let answers = await withTaskGroup(of: WchpAnswer.self) { group in
            for address in fourLetterWordAddresses {
                group.addTask { await self.wchp(address) }
            }
            var answers: [WchpAnswer] = []
            for await answer in group { answers.append(answer) }
            return answers
        }
        var sessions = Set<Int64>()
        var anyReport = false
        var refused = false
        for answer in answers {
            switch answer {
            case .report(let table):
                anyReport = true
                sessions.formUnion(table[serverPath] ?? [])
            case .refused: refused = true
            case .unreachable: break
            }
        }
        if anyReport { return .sessions(sessions.sorted()) }
        return .unavailable(refused ? "wchp not whitelisted" : "wchp: no server answered")
    }

    func wchp(_ address: ServerAddress) async -> WchpAnswer {
        let now = ContinuousClock.now
        if let cached = await wchpCache.get(address, now: now) { return cached }
        let answer: WchpAnswer
        do {
            let text = try await FourLetterWordClient.ask("wchp", host: address.host, port: address.port, timeout: wchpTimeout,
                                                          channelSetup: configuration.channelSetup)
            if FourLetterReply.refusedWord(in: text) != nil {
                answer = .refused
            } else {
                answer = .report(WchpParser.parse(text))
            }
        } catch {
            answer = .unreachable
        }
        await wchpCache.put(address, answer, expires: now.advanced(by: Self.wchpCacheDuration))
        return answer
    }
}

extension TreeStat {
    init(_ stat: Stat) {
        self.init(
            czxid: stat.czxid, mzxid: stat.mzxid, pzxid: stat.pzxid, ctime: stat.ctime, mtime: stat.mtime,
            version: stat.version, cversion: stat.cversion, aversion: stat.aversion, ephemeralOwner: stat.ephemeralOwner,
            dataLength: stat.dataLength, numChildren: stat.numChildren)
    }
}

/// The client, created once at a time; replaced when its session ended.
actor SessionHolder {
    private var current: ZooKeeperClient?
    private var connecting: Task<ZooKeeperClient, any Error>?
    private var tasks: [Task<Void, Never>] = []
    private var closed = false
    private var sessions = 0

    func client(
        connect: @escaping @Sendable () async throws -> ZooKeeperClient,
        started: @escaping @Sendable (ZooKeeperClient, Bool) -> Void
    ) async throws -> ZooKeeperClient {
        if closed { throw ZooKeeperError(code: .sessionExpired, detail: "tree executor closed") }
        if let current, !current.isSessionEnded { return current }
        if let connecting { return try await connecting.value }
        let task = Task { try await connect() }
        connecting = task
        do {
            let client = try await task.value
            connecting = nil
            if closed {
                await client.close()
                throw ZooKeeperError(code: .sessionExpired, detail: "tree executor closed")
            }
            current = client
            sessions += 1
            started(client, sessions > 1)
            return client
        } catch {
            connecting = nil
            throw error
        }
    }

    func track(tasks new: [Task<Void, Never>]) {
        if closed {
            new.forEach { $0.cancel() }
        } else {
            tasks += new
        }
    }

    func shutDown() -> ZooKeeperClient? {
        closed = true
        tasks.forEach { $0.cancel() }
        tasks = []
        connecting?.cancel()
        defer { current = nil }
        return current
    }
}

/// One exists answer: a Stat, gone (nil or NoNode), or failed otherwise.
struct StatAnswer: Sendable {
    var path: String
    var stat: TreeStat?
    var gone: Bool
}

enum WchpAnswer: Sendable {
    case report([String: [Int64]])
    case refused
    case unreachable
}

actor WchpCache {
    private var entries: [ServerAddress: (answer: WchpAnswer, expires: ContinuousClock.Instant)] = [:]

    func get(_ address: ServerAddress, now: ContinuousClock.Instant) -> WchpAnswer? {
        guard let entry = entries[address], entry.expires > now else { return nil }
        return entry.answer
    }

    func put(_ address: ServerAddress, _ answer: WchpAnswer, expires: ContinuousClock.Instant) {
        entries[address] = (answer, expires)
    }
}

/// `wchp`'s report: a path line, then a tab-indented `0x<session>` line per watcher.
public enum WchpParser {
    public static func parse(_ text: String) -> [String: [Int64]] {
        var table: [String: [Int64]] = [:]
        var path: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("\t") || line.hasPrefix(" ") {
                let trimmed = line.drop { $0 == "\t" || $0 == " " }
                guard let path, trimmed.hasPrefix("0x"), let id = UInt64(trimmed.dropFirst(2), radix: 16) else { continue }
                table[path, default: []].append(Int64(bitPattern: id))
            } else {
                path = String(line)
            }
        }
        return table
    }
}
