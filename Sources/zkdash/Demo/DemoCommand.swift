import ArgumentParser
import DashboardUI
import EnsembleMonitor
import Foundation
import TerminalUI
#if canImport(Glibc)
import Glibc
#endif

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a local ensemble of zkdash servers and watch it in the dashboard.",
        discussion: """
        Starts --nodes voters and --observers observers as child processes (zkdash server), writes a \
        sample tree (naming service, shared config, members, a counter, a Kafka-style /brokers layout) \
        with sample client sessions, and opens the dashboard on them. Node i (observers numbered after \
        the voters) serves clients on 127.0.0.1:P+i, its quorum port is P+700+i and its election port \
        P+1700+i (P = --base-port: 2181 / 2881 / 3881 for node 1 by default). In the Ensemble view K kills \
        the selected node (SIGKILL), R restarts it, P pauses / resumes it (SIGSTOP / SIGCONT), L toggles \
        a write load of about 50 writes/s. Every node is stopped on exit (q, Ctrl-C, SIGTERM, SIGHUP; \
        with the parent's death they die too). With --headless: prints the connect string, runs until \
        SIGINT or SIGTERM. See docs/demo.md.
        """
    )

    @Option(name: .long, help: "Voters (1-9).")
    var nodes: Int = DemoPlan.defaultVoters

    @Option(name: .long, help: "Observers (0-9), numbered after the voters.")
    var observers: Int = 0

    @Option(name: .long, help: "Node i serves clients on base+i, quorum base+700+i, election base+1700+i.")
    var basePort: Int = DemoPlan.defaultBasePort

    @Option(name: .long, help: "Keep the nodes' files here (kept after exit). A later run on it starts the membership its servers last activated: nodes A added, not those D removed. Default: a temporary directory under /tmp, removed on exit.")
    var dataDir: String?

    @Flag(name: .long, help: "No dashboard: print the connect string and run until SIGINT or SIGTERM.")
    var headless = false

    @Option(name: .long, help: "A built-in theme name or a theme file (t cycles themes).")
    var theme: String?

    func validate() throws {
        do { _ = try DemoPlan(voters: nodes, observers: observers, basePort: basePort) } catch {
            throw ValidationError(error.description)
        }
        if let dataDir, dataDir.isEmpty { throw ValidationError("--data-dir must name a directory") }
        if headless, theme != nil { throw ValidationError("--theme is for the dashboard; not with --headless") }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        var plan = try DemoPlan(voters: nodes, observers: observers, basePort: basePort)
        // Started again on an earlier demo's directory: the membership its
        // servers activated last is the ensemble, not the flags.
        var resumed: DemoResume.Found?
        if let dataDir {
            do { resumed = try DemoResume.find(in: DemoFiles.absolutePath(dataDir)) } catch {
                Self.fail(error.description)
                throw ExitCode(1)
            }
            if let resumed { plan = resumed.plan }
        }
        if !headless { try DashboardSession.requireTerminal("demo", otherwise: "use --headless to run without the dashboard") }
        // Before anything starts: every port must be free.
        for use in plan.portUses {
            if let problem = PortCheck.problem(port: use.port) {
                Self.fail(DemoPlan.portProblem(use, reason: problem.reason))
                throw ExitCode(1)
            }
        }
        // Headless: SIGINT / SIGTERM / SIGHUP are awaited from here on. The
        // dashboard's handlers defer them to its loop, which then quits like q.
        let signals = headless ? SignalWaiter(signals: [SIGINT, SIGTERM, SIGHUP]) : nil
        if !headless { Terminal.deferTerminationSignals() }

        let files: DemoFiles
        do { files = try DemoFiles.prepare(plan, dataDirectory: dataDir, keepingZooCfgOf: resumed?.activatedNodeIds ?? []) } catch {
            Self.fail("\(error)")
            throw ExitCode(1)
        }
        let inbox = Inbox()
        let output = HeadlessOutput()
        let headless = headless
        let report: @Sendable (DemoEvent) -> Void = { event in
            if headless { output.event(event) } else { inbox.post(.demo(.event(event))) }
        }
        let supervisor = DemoSupervisor(plan: plan, dataDirectory: files.directory, report: report) { nodes in
            if !headless { inbox.post(.demo(.nodes(nodes))) }
        }
        let clients = DemoClients(connectString: plan.connectString, report: report)
        var failure: String?
        do {
            try await supervisor.startAll()
            if signals != nil { output.started(plan, files: files, nodes: supervisor.currentNodes) }
            if let resumed {
                if headless { output.line(resumed.notice) } else {
                    report(DemoEvent(timeMs: EnsembleMonitor.wallClockMs(), kind: .action, text: resumed.notice))
                }
            }
            let sampleTree = Task.detached {
                do {
                    _ = try await clients.writeSampleTree()
                    clients.startSessions()
                } catch is CancellationError {
                } catch {
                    report(DemoEvent(timeMs: EnsembleMonitor.wallClockMs(), kind: .process, text: "sample tree: \(error)", isProblem: true))
                }
            }
            if let signals {
                let received = await Self.wait(for: signals)
                output.line("received signal \(received); stopping \(plan.nodes.count) node(s)")
            } else {
                failure = await dashboard(plan, inbox: inbox, supervisor: supervisor, clients: clients)
            }
            sampleTree.cancel()
            await sampleTree.value
        } catch {
            failure = "\(error)"
        }
        await clients.close()
        await supervisor.stopAll()
        files.removeIfTemporary()
        if headless { output.line("stopped") }
        if let failure {
            Self.fail(failure)
            throw ExitCode(1)
        }
    }

    private func dashboard(_ plan: DemoPlan, inbox: Inbox, supervisor: DemoSupervisor, clients: DemoClients) async -> String? {
        let members = plan.nodes.map { node in
            Member(address: NodeAddress(host: DemoPlan.host, clientPort: node.clientPort), origin: .config,
                   configuredSid: node.id, configuredRole: node.isObserver ? .observer : .participant)
        }
        let settings = MonitorSettings(discoverMembers: true, askAdmin: false, wantsConnectionDetail: false)
        var session = DashboardSession(
            members: members, settings: settings,
            pollerSettings: PollerSettings(timeoutMs: 450, defaultAdminPort: nil), interval: 0.5,
            options: MonitorLoop.Options(
                readOnly: false, targetDescription: "demo · \(plan.summary)",
                themes: MonitorThemes.load(theme), members: members, settings: settings,
                demo: DemoStatus(nodes: supervisor.currentNodes, loadWritesPerSecond: DemoClients.loadWritesPerSecond),
                intervalSeconds: 0.5))
        session.inbox = inbox
        session.performDemo = { action in
            if case .setLoad(let on) = action {
                clients.setLoad(on: on)
                inbox.post(.demo(.load(on: clients.isLoadOn)))
            } else {
                supervisor.perform(action)
            }
        }
        if case .failed(let failure) = await session.run() { return failure }
        return nil
    }

    private static func wait(for signals: SignalWaiter) async -> Int32 {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: signals.wait()) }
            thread.name = "zkdash-signals"
            thread.start()
        }
    }

    static func fail(_ message: String) {
        FileHandle.standardError.write(Data("zkdash demo: \(message)\n".utf8))
    }
}

/// Whether 127.0.0.1:port can be bound now (SO_REUSEADDR, as the servers bind).
enum PortCheck {
    struct Problem { var reason: String? }

    /// The demo's host (127.0.0.1) and `port` as a socket address.
    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(DemoPlan.host)
        return address
    }

    /// nil when free; `reason` nil for "in use", else why it cannot be bound.
    static func problem(port: Int) -> Problem? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return Problem(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result == 0 { return nil }
        return Problem(reason: errno == EADDRINUSE ? nil : String(cString: strerror(errno)))
    }
}

/// The data directory: DIR/node-i/{zoo.cfg, data/myid, server.log}.
struct DemoFiles: Sendable {
    var directory: String
    /// A directory of our own under /tmp, removed on exit.
    var isTemporary: Bool

    /// `--data-dir` as the nodes' zoo.cfg files name it: absolute, without `.` or `..`.
    static func absolutePath(_ dataDirectory: String) -> String {
        URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
    }

    /// `keepingZooCfgOf`: nodes whose zoo.cfg their server pointed at a
    /// membership it activated (`DemoResume`): the server's own, kept.
    static func prepare(_ plan: DemoPlan, dataDirectory: String?, keepingZooCfgOf kept: Set<Int>) throws -> DemoFiles {
        let files: DemoFiles
        if let dataDirectory {
            files = DemoFiles(directory: absolutePath(dataDirectory), isTemporary: false)
        } else {
            var template = Array("/tmp/zkdash-demo-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else {
                throw DemoFailure("cannot make a temporary directory under /tmp: \(String(cString: strerror(errno)))")
            }
            files = DemoFiles(directory: String(cString: made), isTemporary: true)
        }
        let manager = FileManager.default
        do {
            for node in plan.nodes {
                let nodeDirectory = DemoPlan.nodeDirectory(node, in: files.directory)
                try manager.createDirectory(atPath: nodeDirectory + "/data", withIntermediateDirectories: true)
                if !kept.contains(node.id) {
                    try plan.zooCfg(for: node, dataDirectory: files.directory)
                        .write(toFile: nodeDirectory + "/zoo.cfg", atomically: true, encoding: .utf8)
                }
                try "\(node.id)\n".write(toFile: nodeDirectory + "/data/myid", atomically: true, encoding: .utf8)
            }
        } catch {
            files.removeIfTemporary()
            throw DemoFailure("cannot write the nodes' files in \(files.directory): \(error.localizedDescription)")
        }
        return files
    }

    func removeIfTemporary() {
        if isTemporary { try? FileManager.default.removeItem(atPath: directory) }
    }
}

/// `--headless` output: the connect string, one line a node, then events with their time.
final class HeadlessOutput: Sendable {
    private let lock = NSLock()

    func line(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
    }

    func started(_ plan: DemoPlan, files: DemoFiles, nodes: [DemoNode]) {
        line("zkdash demo: \(plan.summary), data in \(files.directory)\(files.isTemporary ? " (removed on exit)" : "")")
        line("connect string: \(plan.connectString)")
        for (node, process) in zip(plan.nodes, nodes) {
            line("node \(node.name): pid \(process.pid.map(String.init) ?? "-"), client \(node.clientAddress), quorum port \(node.quorumPort), election port \(node.electionPort), \(node.isObserver ? "observer" : "voter")")
        }
    }

    func event(_ event: DemoEvent) {
        var time = time_t(event.timeMs / 1000)
        var local = tm()
        localtime_r(&time, &local)
        line(String(format: "%02d:%02d:%02d  ", local.tm_hour, local.tm_min, local.tm_sec) + event.text)
    }
}
