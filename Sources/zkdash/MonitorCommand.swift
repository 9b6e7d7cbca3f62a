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
        let target = EnsembleTarget.description(servers: ensemble.servers, config: ensemble.config, memberCount: members.count)
            + " · " + ensemble.security.connectionDescription
        let settings = MonitorSettings(discoverMembers: discover, askAdmin: !ensemble.noAdmin, wantsConnectionDetail: false)
        let session = DashboardSession(
            members: members, settings: settings,
            pollerSettings: pollerSettings, interval: interval, treeConnection: treeConnection,
            options: MonitorLoop.Options(
                readOnly: readOnly,
                targetDescription: target,
                liveTargetDescription: Self.liveTarget(target, tls: pollerSettings.tls),
                themes: MonitorThemes.load(theme), members: members, settings: settings, intervalSeconds: interval))
        if let failure = await session.run() {
            FileHandle.standardError.write(Data("zkdash monitor: \(failure)\n".utf8))
            throw ExitCode(1)
        }
    }
}
