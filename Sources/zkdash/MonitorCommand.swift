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

    @Option(name: .long, help: "Seconds between polls.")
    var interval: Double = 1

    @Option(name: .long, help: "A built-in theme name or a theme file (t cycles themes).")
    var theme: String?

    @Flag(name: .long, help: "Never change the tree (no create, set or delete).")
    var readOnly = false

    @OptionGroup var ensemble: EnsembleOptions

    func validate() throws {
        guard interval.isFinite, interval >= 0.1, interval <= 3600 else {
            throw ValidationError("--interval must be between 0.1 and 3600 seconds")
        }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            FileHandle.standardError.write(Data("zkdash monitor: needs a terminal (stdin and stdout); try zkdash status --watch\n".utf8))
            throw ExitCode(1)
        }
        let (members, discover) = try ensemble.loadMembers(commandName: "monitor")
        let settings = MonitorSettings(discoverMembers: discover, askAdmin: !ensemble.noAdmin, wantsConnectionDetail: false)
        let monitor = EnsembleMonitor(
            members: members, settings: settings,
            pollerSettings: ensemble.pollerSettings(pollIntervalSeconds: interval))
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
            targetDescription: EnsembleTarget.description(servers: ensemble.servers, config: ensemble.config, memberCount: members.count),
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
