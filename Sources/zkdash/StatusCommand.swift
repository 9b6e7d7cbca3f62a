import ArgumentParser
import EnsembleMonitor
import Foundation
import ZooKeeperAdmin

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Poll a ZooKeeper ensemble and print every node's state, zxid, lag and load.",
        discussion: """
        Works on Apache ZooKeeper 3.5-3.9 and on zkdash's own server. Asks each node srvr, mntr, conf, \
        cons and wchs (whatever its 4lw.commands.whitelist allows) and its AdminServer's /commands/leader \
        and /commands/zabstate. Exit status: 0 when a quorum of voters serves with exactly one leader \
        (a lone standalone server counts), 1 otherwise, 64 for bad flags. See docs/monitoring.md.
        """
    )

    @Option(name: .long, help: "Comma-separated host:port[@adminPort] list; IPv6 as [::1]:2181. One server = discover the rest from its conf.")
    var servers: String?

    @Option(name: .long, help: "A zoo.cfg whose server.N lines name the ensemble.")
    var config: String?

    @Flag(name: .long, help: "Print JSON (one object per round) instead of the table.")
    var json = false

    @Flag(name: .long, help: "Keep polling every --interval seconds until interrupted.")
    var watch = false

    @Option(name: .long, help: "With --watch: stop after this many rounds.")
    var count: Int?

    @Option(name: .long, help: "Seconds between polls with --watch.")
    var interval: Double = 1

    @Option(name: .long, help: "Seconds each node has to answer a round (default: 2, at most --interval with --watch).")
    var timeout: Double?

    @Option(name: .long, help: "AdminServer port for nodes without @port (default 8080, Apache's).")
    var adminPort: Int?

    @Flag(name: .long, help: "Do not ask AdminServers.")
    var noAdmin = false

    @Flag(name: .long, help: .hidden)
    var stats = false

    func validate() throws {
        switch (servers, config) {
        case (nil, nil): throw ValidationError("give --servers host:port,... or --config zoo.cfg")
        case (.some, .some): throw ValidationError("give either --servers or --config, not both")
        default: break
        }
        guard interval.isFinite, interval >= 0.01, interval <= 3600 else {
            throw ValidationError("--interval must be between 0.01 and 3600 seconds")
        }
        if let timeout { guard timeout.isFinite, timeout >= 0.05, timeout <= 60 else {
            throw ValidationError("--timeout must be between 0.05 and 60 seconds")
        } }
        if let count { guard count >= 1 else { throw ValidationError("--count must be at least 1") } }
        if let adminPort {
            guard (1...65535).contains(adminPort) else { throw ValidationError("--admin-port must be a port number (1-65535)") }
            guard !noAdmin else { throw ValidationError("give either --admin-port or --no-admin, not both") }
        }
        if let servers {
            do { _ = try ServerListParser.parse(servers) } catch { throw ValidationError("--servers: \(error)") }
        }
    }

    func run() async throws {
        // Writes to a closed pipe must fail with EPIPE, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        let (members, discover) = try loadMembers()
        var timeoutSeconds = timeout ?? 2
        if watch, timeout == nil { timeoutSeconds = min(timeoutSeconds, interval) }
        let monitor = EnsembleMonitor(
            members: members,
            settings: MonitorSettings(discoverMembers: discover, askAdmin: !noAdmin),
            pollerSettings: PollerSettings(timeoutMs: Int(timeoutSeconds * 1000), defaultAdminPort: noAdmin ? nil : adminPort ?? 8080))
        let rounds = watch ? (count ?? Int.max) : 1
        var cost = RoundCost()
        var healthy = false
        for round in 0..<rounds {
            let started = Date()
            let measure = cost.begin()
            let events = await monitor.pollRound()
            let model = await monitor.model
            healthy = model.summary.hasQuorum
            // A reader that went away (`| head -1`) ends the command quietly.
            do { try FileHandle.standardOutput.write(contentsOf: Data(render(model, events: events, round: round).utf8)) } catch {
                throw ExitCode(healthy ? 0 : 1)
            }
            cost.end(measure)
            if round + 1 < rounds {
                let remaining = interval - Date().timeIntervalSince(started)
                if remaining > 0 { try await Task.sleep(nanoseconds: UInt64(remaining * 1e9)) }
            }
        }
        if stats { FileHandle.standardError.write(Data((cost.summary() + "\n").utf8)) }
        if !healthy { throw ExitCode(1) }
    }

    private func render(_ model: ClusterModel, events: [MonitorEvent], round: Int) -> String {
        if json {
            return StatusJSON.document(model, events: events, timeMs: EnsembleMonitor.wallClockMs()).text + "\n"
        }
        var out = ""
        if watch { out += "-- \(StatusJSON.clockTime(EnsembleMonitor.wallClockMs())) round \(round + 1)\n" }
        out += StatusTable.render(model)
        for event in events { out += "  \(StatusJSON.clockTime(event.timeMs))  \(event.text)\n" }
        return out
    }

    /// The members to poll, and whether to discover more from `conf`.
    private func loadMembers() throws -> ([Member], Bool) {
        try EnsembleTarget.loadMembers(servers: servers, config: config, commandName: "status")
    }
}

/// Wall and CPU time per round, for `--stats` (the monitor benchmark).
struct RoundCost {
    private var rounds = 0
    private var wallMs = 0.0
    private var cpuMs = 0.0
    private var cpuMaxMs = 0.0

    struct Mark { var wall: Date; var cpuMs: Double }

    func begin() -> Mark { Mark(wall: Date(), cpuMs: Self.processCPUMs()) }

    mutating func end(_ mark: Mark) {
        let cpu = Self.processCPUMs() - mark.cpuMs
        rounds += 1
        wallMs += Date().timeIntervalSince(mark.wall) * 1000
        cpuMs += cpu
        cpuMaxMs = max(cpuMaxMs, cpu)
    }

    func summary() -> String {
        let n = Double(max(rounds, 1))
        return String(format: "rounds=%d wall_ms_avg=%.3f cpu_ms_avg=%.3f cpu_ms_max=%.3f", rounds, wallMs / n, cpuMs / n, cpuMaxMs)
    }

    /// User + system CPU of the whole process (all threads), in ms.
    static func processCPUMs() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func ms(_ t: timeval) -> Double { Double(t.tv_sec) * 1000 + Double(t.tv_usec) / 1000 }
        return ms(usage.ru_utime) + ms(usage.ru_stime)
    }
}
