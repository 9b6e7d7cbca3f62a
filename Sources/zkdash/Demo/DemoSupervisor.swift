import DashboardUI
import EnsembleMonitor
import Foundation
import TerminalUI
#if canImport(Glibc)
import Glibc
#endif

/// The demo's node processes: `zkdash server --config DIR/node-i/zoo.cfg
/// --exit-with-parent`, started with posix_spawn from this executable, output
/// to DIR/node-i/server.log. Knows each node's pid and state, kills
/// (SIGKILL), restarts, pauses (SIGSTOP) and resumes (SIGCONT) them, reaps
/// the ones that exit by themselves and reports it, and stops them all
/// (SIGTERM, up to 2 s, SIGKILL, reaped).
///
/// Everything runs on one thread of its own, `zkdash-supervisor`, which lives
/// until `stopAll` has reaped every child: PR_SET_PDEATHSIG fires when the
/// thread that spawned a child ends, so no short-lived thread may spawn one.
final class DemoSupervisor: @unchecked Sendable {
    private enum Command {
        case startAll
        case act(DemoAction)
        case stopAll
    }

    let plan: DemoPlan
    let dataDirectory: String
    /// The plan's nodes and those `A` added, in `nodes` order (roles as `O` left them).
    var planNodes: [DemoPlan.Node]
    private let report: @Sendable (DemoEvent) -> Void
    private let publish: @Sendable ([DemoNode]) -> Void
    let programName: String

    /// Guards `queue`, `finished` and `snapshot`.
    private let condition = NSCondition()
    private var queue: [(Command, @Sendable (String?) -> Void)] = []
    private var finished = false
    private var snapshot: [DemoNode]
    /// The supervisor thread's own copy.
    var nodes: [DemoNode]

    /// Seconds a node has to exit after SIGTERM before SIGKILL.
    static let stopGraceSeconds = 2.0
    /// How often exited children are looked for.
    static let reapIntervalSeconds = 0.1

    /// `report` gets each action's outcome and unexpected exits; `publish` every
    /// change of the nodes' states. Both are called on the supervisor thread.
    init(plan: DemoPlan, dataDirectory: String,
         report: @escaping @Sendable (DemoEvent) -> Void, publish: @escaping @Sendable ([DemoNode]) -> Void) {
        self.plan = plan
        self.dataDirectory = dataDirectory
        planNodes = plan.nodes
        self.report = report
        self.publish = publish
        programName = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        nodes = plan.nodes.map { DemoNode(id: $0.id, clientPort: $0.clientPort, isObserver: $0.isObserver, pid: nil, process: .exited("not started")) }
        snapshot = nodes
    }

    /// The nodes as last published.
    var currentNodes: [DemoNode] {
        condition.lock()
        defer { condition.unlock() }
        return snapshot
    }

    /// Starts the thread and every node; throws the first node that could not be started.
    func startAll() async throws {
        let thread = Thread { [self] in loop() }
        thread.name = "zkdash-supervisor"
        thread.start()
        if let failure = await submit(.startAll) { throw DemoFailure(failure) }
    }

    /// Kill, restart, pause or resume a node; the outcome comes through `report`.
    func perform(_ action: DemoAction) {
        enqueue(.act(action)) { _ in }
    }

    /// SIGTERM to every node, up to 2 s, SIGKILL to the rest, all reaped; the thread then ends.
    func stopAll() async {
        _ = await submit(.stopAll)
    }

    private func submit(_ command: Command) async -> String? {
        await withCheckedContinuation { continuation in
            enqueue(command) { continuation.resume(returning: $0) }
        }
    }

    private func enqueue(_ command: Command, done: @escaping @Sendable (String?) -> Void) {
        condition.lock()
        if finished {
            condition.unlock()
            done(nil)
            return
        }
        queue.append((command, done))
        condition.signal()
        condition.unlock()
    }

    // MARK: - the supervisor thread

    private func loop() {
        while true {
            condition.lock()
            if queue.isEmpty { _ = condition.wait(until: Date(timeIntervalSinceNow: Self.reapIntervalSeconds)) }
            let batch = queue
            queue.removeAll()
            condition.unlock()
            for (command, done) in batch {
                let failure: String?
                switch command {
                case .startAll: failure = startEveryNode()
                case .act(let action): failure = nil; act(action)
                case .stopAll: failure = nil; stopEveryNode()
                }
                published()
                if case .stopAll = command {
                    condition.lock()
                    finished = true
                    let late = queue
                    queue.removeAll()
                    condition.unlock()
                    done(failure)
                    for (_, other) in late { other(nil) }
                    return
                }
                done(failure)
            }
            reapExited()
        }
    }

    func published() {
        let copy = nodes
        condition.lock()
        snapshot = copy
        condition.unlock()
        Terminal.stopOnFatalSignal(copy.compactMap { $0.isAlive ? $0.pid : nil })
        publish(copy)
    }

    private func startEveryNode() -> String? {
        for index in nodes.indices {
            if let failure = spawn(index) { return "cannot start \(nodes[index].name): \(failure)" }
        }
        return nil
    }

    private func act(_ action: DemoAction) {
        switch action {
        case .kill(let id):
            guard let index = aliveIndex(id, doing: "kill") else { return }
            killAndReap(index)
            event("\(nodes[index].name) killed (SIGKILL)")
        case .restart(let id):
            guard let index = nodes.firstIndex(where: { $0.id == id }) else { return }
            guard !nodes[index].removed else {
                event("\(nodes[index].name) was removed from the ensemble; A adds a new node", problem: true)
                return
            }
            if nodes[index].isAlive { killAndReap(index) }
            if let failure = spawn(index) {
                event("\(nodes[index].name) restart failed: \(failure)", problem: true)
            } else {
                event("\(nodes[index].name) restarted, pid \(nodes[index].pid ?? 0)")
            }
        case .pause(let id):
            guard let index = aliveIndex(id, doing: "pause"), let pid = nodes[index].pid else { return }
            kill(pid, SIGSTOP)
            nodes[index].process = .paused
            event("\(nodes[index].name) paused (SIGSTOP)")
        case .resume(let id):
            guard let index = aliveIndex(id, doing: "resume"), let pid = nodes[index].pid else { return }
            kill(pid, SIGCONT)
            nodes[index].process = .running
            event("\(nodes[index].name) resumed (SIGCONT)")
        case let .slowDisk(id, on):
            guard let index = aliveIndex(id, doing: on ? "slow the disk of" : "restore the disk of") else { return }
            let answer = Self.fourLetterWord(on ? "slow" : "fast", port: nodes[index].clientPort)
            guard answer != nil else {
                event("\(nodes[index].name): the slow-disk control did not answer", problem: true)
                return
            }
            nodes[index].slowDisk = on
            event(on ? "\(nodes[index].name) disk slowed: every fsync takes 200 ms more" : "\(nodes[index].name) disk at full speed")
        case let .partition(id, on):
            guard let index = aliveIndex(id, doing: on ? "partition" : "heal") else { return }
            guard Self.fourLetterWord(on ? "part" : "heal", port: nodes[index].clientPort) != nil else {
                event("\(nodes[index].name): the partition control did not answer", problem: true)
                return
            }
            nodes[index].partitioned = on
            event(on ? "\(nodes[index].name) partitioned: its quorum and election traffic is cut both ways (clients still reach it)"
                : "\(nodes[index].name) partition healed: it rejoins through an election")
        case .addNode:
            addNode()
        case .removeNode(let id):
            removeNode(id)
        case .changeRole(let id):
            changeRole(id)
        case .setLoad:
            break
        }
    }

    /// A four-letter word to a demo node (loopback), blocking up to 1 s: the
    /// supervisor thread does nothing else meanwhile.
    static func fourLetterWord(_ word: String, port: Int) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = PortCheck.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0, Array(word.utf8).withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == 4 else { return nil }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            answer += buffer[0..<count]
        }
        return answer.isEmpty ? nil : String(decoding: answer, as: UTF8.self)
    }

    func aliveIndex(_ id: Int, doing verb: String) -> Int? {
        guard let index = nodes.firstIndex(where: { $0.id == id }) else { return nil }
        guard nodes[index].isAlive else {
            event("cannot \(verb) \(nodes[index].name): it is not running (\(nodes[index].processText))", problem: true)
            return nil
        }
        return index
    }

    func event(_ text: String, kind: DemoEvent.Kind = .action, problem: Bool = false) {
        report(DemoEvent(timeMs: EnsembleMonitor.wallClockMs(), kind: kind, text: text, isProblem: problem))
    }

    private func killAndReap(_ index: Int) {
        guard let pid = nodes[index].pid else { return }
        kill(pid, SIGKILL)
        Self.waitBlocking(pid)
        nodes[index].pid = nil
        nodes[index].process = .killed
    }

    private func reapExited() {
        var changed = false
        for index in nodes.indices where nodes[index].isAlive {
            guard let pid = nodes[index].pid else { continue }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { continue }
            let how = Self.describe(status: status)
            nodes[index].pid = nil
            nodes[index].process = .exited(how)
            changed = true
            event("\(nodes[index].name) exited by itself (\(how)); see \(logPath(index))", kind: .process, problem: true)
        }
        if changed { published() }
    }

    private func stopEveryNode() {
        var running = nodes.indices.compactMap { index in nodes[index].pid.map { (index, $0) } }
        for (_, pid) in running {
            kill(pid, SIGTERM)
            kill(pid, SIGCONT)
        }
        let deadline = Date(timeIntervalSinceNow: Self.stopGraceSeconds)
        while !running.isEmpty, Date() < deadline {
            running.removeAll { index, pid in
                var status: Int32 = 0
                guard waitpid(pid, &status, WNOHANG) == pid else { return false }
                nodes[index].process = .exited(Self.describe(status: status))
                nodes[index].pid = nil
                return true
            }
            if !running.isEmpty { usleep(20_000) }
        }
        for (index, pid) in running {
            kill(pid, SIGKILL)
            Self.waitBlocking(pid)
            nodes[index].process = .killed
            nodes[index].pid = nil
        }
    }

    // MARK: - processes

    func nodeDirectory(_ index: Int) -> String { DemoPlan.nodeDirectory(planNodes[index], in: dataDirectory) }
    func logPath(_ index: Int) -> String { nodeDirectory(index) + "/server.log" }

    /// SIGTERM, up to the grace period, then SIGKILL; reaped.
    func stopNode(_ index: Int) {
        guard let pid = nodes[index].pid else { return }
        kill(pid, SIGTERM)
        kill(pid, SIGCONT)
        let deadline = Date(timeIntervalSinceNow: Self.stopGraceSeconds)
        var status: Int32 = 0
        while Date() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid {
                nodes[index].pid = nil
                return
            }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        Self.waitBlocking(pid)
        nodes[index].pid = nil
    }

    /// posix_spawn of this executable as `zkdash server`; nil, or why it failed.
    func spawn(_ index: Int) -> String? {
        let arguments = [programName, "server", "--config", nodeDirectory(index) + "/zoo.cfg", "--exit-with-parent", "--demo-control"]
        var environment = ProcessInfo.processInfo.environment
        environment[ExitWithParent.parentPidVariable] = String(getpid())
        let logPath = logPath(index)
        if let handle = FileHandle(forWritingAtPath: logPath) ?? (FileManager.default.createFile(atPath: logPath, contents: nil) ? FileHandle(forWritingAtPath: logPath) : nil) {
            handle.seekToEndOfFile()
            handle.write(Data("===== zkdash demo: \(arguments.joined(separator: " "))\n".utf8))
            try? handle.close()
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        // A clean slate: default dispositions (the dashboard ignores some) and no
        // blocked signals. Each node leads a process group of its own, so a
        // terminal's Ctrl-C or hangup reaches only the demo, which then stops
        // the nodes in order (clients first).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        // This very binary; by its path while that exists, so that the
        // children are called zkdash in ps and top, not exe.
        let path = FileManager.default.isExecutableFile(atPath: programName) ? programName : "/proc/self/exe"
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else { return String(cString: strerror(result)) }
        nodes[index].pid = pid
        nodes[index].process = .running
        nodes[index].slowDisk = false
        nodes[index].partitioned = false
        return nil
    }

    /// waitpid until the child is reaped (retrying on EINTR).
    static func waitBlocking(_ pid: pid_t) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    }

    /// "exit status 2", "signal 9" (wait status decoding: Swift lacks the macros).
    static func describe(status: Int32) -> String {
        let signal = status & 0x7f
        if signal == 0 { return "exit status \((status >> 8) & 0xff)" }
        return "signal \(signal)"
    }
}

/// Why the demo could not go on.
struct DemoFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
