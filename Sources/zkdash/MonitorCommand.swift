import ArgumentParser
import DashboardUI
import EnsembleMonitor
import Foundation

struct MonitorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Watch a ZooKeeper ensemble live in a full-screen terminal dashboard.",
        discussion: """
        Polls every node each --interval and shows the Ensemble, Tree, Election and Events views \
        (keys 1-4, ? for help, q to quit). Works on Apache ZooKeeper 3.5-3.9 and on zkdash's own server. \
        See docs/dashboard.md.
        """
    )

    @Option(name: .long, help: "Comma-separated host:port[@adminPort] list; IPv6 as [::1]:2181. One server = discover the rest from its conf.")
    var servers: String?

    @Option(name: .long, help: "A zoo.cfg whose server.N lines name the ensemble.")
    var config: String?

    @Option(name: .long, help: "Seconds between polls.")
    var interval: Double = 1

    @Option(name: .long, help: "A built-in theme name or a theme file (t cycles themes).")
    var theme: String?

    @Flag(name: .long, help: "Never change the tree (no create, set or delete).")
    var readOnly = false

    @Option(name: .long, help: "Seconds each node has to answer a round (default: 2, at most --interval).")
    var timeout: Double?

    @Option(name: .long, help: "AdminServer port for nodes without @port (default 8080, Apache's).")
    var adminPort: Int?

    @Flag(name: .long, help: "Do not ask AdminServers.")
    var noAdmin = false

    func validate() throws {
        switch (servers, config) {
        case (nil, nil): throw ValidationError("give --servers host:port,... or --config zoo.cfg")
        case (.some, .some): throw ValidationError("give either --servers or --config, not both")
        default: break
        }
        guard interval.isFinite, interval >= 0.1, interval <= 3600 else {
            throw ValidationError("--interval must be between 0.1 and 3600 seconds")
        }
        if let timeout { guard timeout.isFinite, timeout >= 0.05, timeout <= 60 else {
            throw ValidationError("--timeout must be between 0.05 and 60 seconds")
        } }
        if let adminPort {
            guard (1...65535).contains(adminPort) else { throw ValidationError("--admin-port must be a port number (1-65535)") }
            guard !noAdmin else { throw ValidationError("give either --admin-port or --no-admin, not both") }
        }
        if let servers {
            do { _ = try ServerListParser.parse(servers) } catch { throw ValidationError("--servers: \(error)") }
        }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            FileHandle.standardError.write(Data("zkdash monitor: needs a terminal (stdin and stdout); try zkdash status --watch\n".utf8))
            throw ExitCode(1)
        }
        let (members, discover) = try EnsembleTarget.loadMembers(servers: servers, config: config, commandName: "monitor")
        let settings = MonitorSettings(discoverMembers: discover, askAdmin: !noAdmin, wantsConnectionDetail: false)
        let timeoutSeconds = min(timeout ?? 2, timeout == nil ? interval : 60)
        let monitor = EnsembleMonitor(
            members: members, settings: settings,
            pollerSettings: PollerSettings(timeoutMs: Int(timeoutSeconds * 1000), defaultAdminPort: noAdmin ? nil : adminPort ?? 8080))
        let inbox = Inbox()
        let interval = self.interval
        let polling = Task.detached {
            while !Task.isCancelled {
                let started = Date()
                let events = await monitor.pollRound()
                let model = await monitor.model
                inbox.post(.cluster(model, newEvents: events))
                let remaining = interval - Date().timeIntervalSince(started)
                if remaining > 0 { try? await Task.sleep(nanoseconds: UInt64(remaining * 1e9)) }
            }
        }
        let tree = MonitorTree(members: members, inbox: inbox)
        let options = MonitorLoop.Options(
            readOnly: readOnly,
            targetDescription: EnsembleTarget.description(servers: servers, config: config, memberCount: members.count),
            themes: MonitorThemes.load(theme), members: members, settings: settings)
        let failure: String? = await withCheckedContinuation { continuation in
            let thread = Thread {
                let loop = MonitorLoop(options: options, inbox: inbox, performTree: { tree.perform($0) })
                do {
                    try loop.run()
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(returning: "\(error)")
                }
            }
            thread.name = "zkdash-terminal"
            thread.stackSize = 8 << 20
            thread.start()
        }
        polling.cancel()
        await tree.close()
        if let failure {
            FileHandle.standardError.write(Data("zkdash monitor: \(failure)\n".utf8))
            throw ExitCode(1)
        }
    }
}
