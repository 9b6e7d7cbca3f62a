import ArgumentParser
import ConnectionSecurity
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

    @Option(name: .long, parsing: .unconditional, help: "Seconds between polls.")
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

    /// The banner once TLS handshakes have named the servers' certificates.
    static func liveTarget(_ target: String, tls: ClientTLS?) -> (@Sendable () -> String)? {
        guard let servers = tls?.servers else { return nil }
        return { servers.summary.map { target + " · issued to " + $0 } ?? target }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        try DashboardSession.requireTerminal("monitor", otherwise: "try zkdash status --watch")
        let members: [Member]
        let discover: Bool
        // Exits through this command so the error comes with its usage, not zkdash's.
        let pollerSettings: PollerSettings
        let treeConnection: TreeConnection
        do {
            (members, discover) = try ensemble.loadMembers(commandName: "monitor")
            pollerSettings = try ensemble.pollerSettings(pollIntervalSeconds: interval)
            treeConnection = TreeConnection(credentials: try ensemble.security.credentials(),
                                            channelSetup: SecurityOptions.channelSetup(pollerSettings.tls),
                                            login: try SASLLogin.treeLogin(ensemble.security.saslLogin()))
        } catch { Self.exitWithUsage(error) }
        let environment = ProcessInfo.processInfo.environment
        let contextName = Contexts.active.withLock { $0 }
        // The context's name first: the operator must see which ensemble this is.
        let target = (contextName.map { "\($0) · " } ?? "")
            + EnsembleTarget.description(servers: ensemble.servers, config: ensemble.config, memberCount: members.count)
            + " · " + ensemble.security.connectionDescription
        let settings = MonitorSettings(discoverMembers: discover, askAdmin: !ensemble.noAdmin, wantsConnectionDetail: false)
        let session = DashboardSession(
            members: members, settings: settings,
            pollerSettings: pollerSettings, interval: interval, treeConnection: treeConnection,
            options: MonitorLoop.Options(
                readOnly: readOnly,
                targetDescription: target,
                liveTargetDescription: Self.liveTarget(target, tls: pollerSettings.tls),
                themes: MonitorThemes.load(theme), members: members, settings: settings, intervalSeconds: interval,
                contextNames: Contexts.names(environment: environment, read: Self.readFile), contextName: contextName,
                contextFile: Contexts.configPath(environment),
                checkContext: { [readOnly] name in
                    do {
                        _ = try Self.command(forContext: name, themeName: nil, intervalSeconds: 1, readOnly: readOnly)
                        return nil
                    } catch {
                        return Self.message(error)
                    }
                }))
        switch await session.run() {
        case .quit:
            return
        case .failed(let failure):
            FileHandle.standardError.write(Data("zkdash monitor: \(failure)\n".utf8))
            throw ExitCode(1)
        case .switchContext(let next):
            // A new monitor on the context's flags; the theme and refresh interval carry over.
            Contexts.active.withLock { $0 = next.name }
            let command = try Self.command(forContext: next.name, themeName: next.themeName, intervalSeconds: next.intervalSeconds,
                                           readOnly: readOnly)
            try await command.run()
        }
    }

    static func readFile(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// `zkdash monitor --context NAME`, as if typed, with the interval and
    /// read-only flag of the monitor being left, and its theme unless the
    /// context names one (a theme from a file is not carried).
    static func command(forContext name: String, themeName: String?, intervalSeconds: Double, readOnly: Bool) throws -> MonitorCommand {
        var arguments = ["monitor", "--context", name, "--interval", String(intervalSeconds)]
        if readOnly { arguments.append("--read-only") }
        var expanded = try Contexts.expand(arguments, environment: ProcessInfo.processInfo.environment, read: readFile)
        if let themeName, ThemeCatalog.builtInNames.contains(themeName), !expanded.contains("--theme") {
            expanded += ["--theme", themeName]
        }
        return try MonitorCommand.parse(Array(expanded.dropFirst()))
    }

    /// An error as ArgumentParser would word it, on one line.
    static func message(_ error: any Error) -> String {
        MonitorCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
    }
}
