import ArgumentParser
import EnsembleMonitor
import Foundation

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

    @Flag(name: .long, help: "Print JSON (one object per round) instead of the table.")
    var json = false

    @Flag(name: .long, help: "Keep polling every --interval seconds until interrupted.")
    var watch = false

    @Option(name: .long, parsing: .unconditional, help: "With --watch: stop after this many rounds.")
    var count: Int?

    @Option(name: .long, parsing: .unconditional, help: "Seconds between polls with --watch.")
    var interval: Double = 1

    @OptionGroup var ensemble: EnsembleOptions

    @Flag(name: .long, help: .hidden)
    var stats = false

    func validate() throws {
        guard interval.isFinite, interval >= 0.01, interval <= 3600 else {
            throw ValidationError("--interval must be between 0.01 and 3600 seconds")
        }
        if let count { guard count >= 1 else { throw ValidationError("--count must be at least 1") } }
    }

    func run() async throws {
        // Writes to a closed pipe must fail with EPIPE, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        let members: [Member]
        let discover: Bool
        // Exits through this command so the error comes with its usage, not zkdash's.
        let pollerSettings: PollerSettings
        do {
            (members, discover) = try ensemble.loadMembers(commandName: "status")
            pollerSettings = try ensemble.pollerSettings(pollIntervalSeconds: watch ? interval : nil)
        } catch { Self.exitWithUsage(error) }
        let monitor = EnsembleMonitor(
            members: members,
            settings: MonitorSettings(discoverMembers: discover, askAdmin: !ensemble.noAdmin),
            pollerSettings: pollerSettings)
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
