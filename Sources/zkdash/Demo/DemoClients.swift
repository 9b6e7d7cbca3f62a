import DashboardUI
import EnsembleMonitor
import Foundation
import Logging
import ZooKeeperClient
import ZooKeeperProtocol

/// The demo's sample clients, each its own `ZooKeeperClient` session on the
/// ensemble's connect string:
///
/// - the sample tree (`writeSampleTree`): a naming service, a shared
///   configuration, a load-balancing counter, the parents below;
/// - 3 members: each an ephemeral /demo/members/member-k and, Kafka-style,
///   /brokers/ids/k (member 1 also /controller); they follow their session
///   and join again when it expires;
/// - 2 config clients watching /demo/config/app.json, logging each version;
/// - the write load (`L`): about 50 writes/s.
///
/// Nothing here writes to the terminal: news goes to `report`.
final class DemoClients: @unchecked Sendable {
    static let memberCount = 3
    static let configClientCount = 2
    static let loadWritesPerSecond = 50
    static let configPath = "/demo/config/app.json"
    static let counterPath = "/demo/lb/counter"
    static let loadPath = "/demo/load"

    /// Persistent nodes of the sample tree, parents first, with their data.
    static let sampleTree: [(String, String)] = [
        ("/demo", "zkdash demo: naming, config, members, lb, load"),
        ("/demo/naming", ""),
        ("/demo/naming/services", ""),
        ("/demo/naming/services/orders", "127.0.0.1:9001"),
        ("/demo/naming/services/payments", "127.0.0.1:9002"),
        ("/demo/naming/services/inventory", "127.0.0.1:9003"),
        ("/demo/config", ""),
        (configPath, #"{"service":"shop","maxConnections":100,"timeoutMs":2500,"featureFlags":{"newCheckout":false,"darkMode":true}}"#),
        ("/demo/members", ""),
        ("/demo/lb", ""),
        (counterPath, "0"),
        (loadPath, ""),
        ("/brokers", ""),
        ("/brokers/ids", ""),
    ]

    private let connectString: String
    private let report: @Sendable (DemoEvent) -> Void
    private let lock = NSLock()
    private var tasks: [Task<Void, Never>] = []
    private var loadTask: Task<Void, Never>?

    init(connectString: String, report: @escaping @Sendable (DemoEvent) -> Void) {
        self.connectString = connectString
        self.report = report
    }

    private func note(_ text: String, kind: DemoEvent.Kind = .client, problem: Bool = false) {
        report(DemoEvent(timeMs: EnsembleMonitor.wallClockMs(), kind: kind, text: text, isProblem: problem))
    }

    private func connect() async throws -> ZooKeeperClient {
        try await ZooKeeperClient.connect(.init(
            connectString: connectString, sessionTimeout: .seconds(6), reconnectDelay: .milliseconds(300),
            logger: Logger(label: "zkdash.demo") { _ in SwiftLogNoOpLogHandler() }, closeTimeout: .seconds(1)))
    }

    // MARK: - the sample tree

    /// Writes the sample tree (nodes already there are kept), retrying until
    /// the ensemble accepts writes or `deadlineSeconds` pass; returns the
    /// server that took the writes.
    func writeSampleTree(deadlineSeconds: Double = 60) async throws -> String {
        let deadline = Date(timeIntervalSinceNow: deadlineSeconds)
        var lastError = "no attempt"
        while Date() < deadline {
            try Task.checkCancellation()
            do {
                let zk = try await Self.bounded(seconds: 10) { try await self.connect() }
                do {
                    for (path, data) in Self.sampleTree {
                        try await Self.bounded(seconds: 5) { try await Self.createIfMissing(zk, path, data: data) }
                    }
                    let server = zk.connectedServer?.description ?? connectString
                    await zk.close()
                    note("sample tree written through \(server)")
                    return server
                } catch {
                    await zk.close()
                    throw error
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                lastError = "\(error)"
                try await Task.sleep(nanoseconds: 500_000_000)
            }
        }
        throw DemoFailure("the ensemble did not accept writes within \(Int(deadlineSeconds)) s (last error: \(lastError))")
    }

    static func createIfMissing(_ zk: ZooKeeperClient, _ path: String, data: String, mode: CreateMode = .persistent) async throws {
        do {
            _ = try await zk.create(path, data: Array(data.utf8), mode: mode)
        } catch let error as ZooKeeperError where error.code == .nodeExists {
            return
        }
    }

    /// An ephemeral node of this session: one left by an earlier session (a
    /// previous run, an expired session) is replaced.
    static func createEphemeral(_ zk: ZooKeeperClient, _ path: String, data: String) async throws {
        for _ in 0..<5 {
            do {
                _ = try await zk.create(path, data: Array(data.utf8), mode: .ephemeral)
                return
            } catch let error as ZooKeeperError where error.code == .nodeExists {
                if let stat = try await zk.exists(path), stat.ephemeralOwner == zk.sessionId { return }
                do { try await zk.delete(path) } catch let error as ZooKeeperError where error.code == .noNode {}
            }
        }
        throw DemoFailure("\(path) keeps coming back")
    }

    /// Runs `operation`, giving up after `seconds` (a call held while no
    /// server answers would otherwise wait for the session to come back).
    static func bounded<T: Sendable>(seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
                throw DemoFailure("no answer within \(Int(seconds)) s")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    // MARK: - members and config clients

    /// Starts the members and the config clients (after the sample tree).
    func startSessions() {
        lock.lock()
        defer { lock.unlock() }
        for k in 1...Self.memberCount { tasks.append(Task.detached { await self.member(k) }) }
        for n in 1...Self.configClientCount { tasks.append(Task.detached { await self.configClient(n) }) }
    }

    /// One session at a time, a fresh one after expiry or failure, until cancelled.
    private func session(_ name: String, _ body: @escaping @Sendable (ZooKeeperClient) async throws -> Void) async {
        var failures = 0
        while !Task.isCancelled {
            do {
                let zk = try await connect()
                do {
                    try await body(zk)
                } catch {
                    if !Task.isCancelled, failures == 0 { note("\(name): \(error); starting a new session") }
                }
                await zk.close()
                failures = 0
            } catch {
                if !Task.isCancelled, failures == 0 { note("\(name) cannot connect yet: \(error)") }
                failures += 1
            }
            try? await Task.sleep(nanoseconds: 500_000_000)
        }
    }

    private func member(_ k: Int) async {
        let name = "member-\(k)"
        await session(name) { zk in
            for parent in ["/demo", "/demo/members", "/brokers", "/brokers/ids"] {
                try await Self.createIfMissing(zk, parent, data: "")
            }
            try await Self.createEphemeral(zk, "/demo/members/\(name)", data: #"{"member":\#(k),"host":"127.0.0.1","port":\#(9100 + k)}"#)
            let port = 9091 + k
            try await Self.createEphemeral(zk, "/brokers/ids/\(k)", data: #"{"version":5,"host":"127.0.0.1","port":\#(port),"jmx_port":-1,"endpoints":["PLAINTEXT://127.0.0.1:\#(port)"],"timestamp":"\#(EnsembleMonitor.wallClockMs())"}"#)
            if k == 1 {
                try await Self.createEphemeral(zk, "/controller", data: #"{"version":1,"brokerid":1,"timestamp":"\#(EnsembleMonitor.wallClockMs())"}"#)
            }
            self.note("\(name) joined through \(zk.connectedServer?.description ?? "?") (session 0x\(String(UInt64(bitPattern: zk.sessionId), radix: 16)))")
            for await event in zk.sessionEvents {
                switch event {
                case .connected: continue
                case .disconnected: self.note("\(name) lost its server; the client tries the next one")
                case .reconnected(let server, _, _): self.note("\(name) reconnected to \(server), same session")
                case .expired: throw DemoFailure("session expired")
                case .authFailed, .closed: return
                }
            }
        }
    }

    private func configClient(_ n: Int) async {
        let name = "config client \(n)"
        await session(name) { zk in
            var lastVersion: Int32?
            while !Task.isCancelled {
                do {
                    let node = try await zk.getData(Self.configPath, watch: true)
                    if node.stat.version != lastVersion {
                        lastVersion = node.stat.version
                        self.note("\(name) read app.json version \(node.stat.version) (\(node.data?.count ?? 0) bytes)")
                    }
                    _ = try await node.watch?.event()
                } catch let error as ZooKeeperError where error.code == .noNode {
                    let existence = try await zk.exists(Self.configPath, watch: true)
                    if existence.stat == nil { _ = try await existence.watch?.event() }
                } catch let error as ZooKeeperError where error.code == .connectionLoss && !zk.isSessionEnded {
                    try await Task.sleep(nanoseconds: 300_000_000)
                }
            }
        }
    }

    // MARK: - the write load

    var isLoadOn: Bool {
        lock.lock()
        defer { lock.unlock() }
        return loadTask != nil
    }

    /// `L`: about 50 writes/s — setData on the counter, create and delete of
    /// sequential /demo/load/item- nodes — until turned off.
    func setLoad(on: Bool) {
        lock.lock()
        let running = loadTask
        if on, running == nil {
            loadTask = Task.detached { await self.runLoad() }
        } else if !on {
            loadTask = nil
        }
        lock.unlock()
        if !on { running?.cancel() }
        if on != (running != nil) {
            note(on ? "write load on (\(Self.loadWritesPerSecond) writes/s)" : "write load off", kind: .action)
        }
    }

    private func runLoad() async {
        await session("write load") { zk in
            try await Self.createIfMissing(zk, Self.counterPath, data: "0")
            try await Self.createIfMissing(zk, Self.loadPath, data: "")
            var items: [String] = []
            var count = 0
            let period = 1.0 / Double(Self.loadWritesPerSecond)
            var next = Date()
            while !Task.isCancelled {
                count += 1
                do {
                    switch count % 3 {
                    case 0:
                        _ = try await zk.setData(Self.counterPath, data: Array(String(count).utf8))
                    case 1:
                        items.append(try await zk.create(Self.loadPath + "/item-", data: Array("\(count)".utf8), mode: .persistentSequential).path)
                    default:
                        if items.count > 20 {
                            try await zk.delete(items.removeFirst())
                        } else {
                            _ = try await zk.setData(Self.counterPath, data: Array(String(count).utf8))
                        }
                    }
                } catch let error as ZooKeeperError where error.code == .noNode || error.code == .connectionLoss {
                    if zk.isSessionEnded { throw error }
                    items.removeAll()
                }
                next += period
                let wait = next.timeIntervalSinceNow
                if wait > 0 {
                    try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
                } else if wait < -1 {
                    next = Date()
                }
            }
        }
    }

    private func takeTasks() -> [Task<Void, Never>] {
        lock.lock()
        defer { lock.unlock() }
        let all = tasks + (loadTask.map { [$0] } ?? [])
        tasks.removeAll()
        loadTask = nil
        return all
    }

    /// Ends every session (members' ephemerals go with them), at most about `seconds`.
    func close(seconds: Double = 3) async {
        let all = takeTasks()
        for task in all { task.cancel() }
        _ = try? await Self.bounded(seconds: seconds) {
            for task in all { await task.value }
        }
    }
}
