import ArgumentParser
import Dispatch
import Foundation
import Logging
import ZooKeeperServer

struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run one ZooKeeper 3.8-compatible server from an Apache-style zoo.cfg.",
        discussion: """
        Reads the same zoo.cfg Apache ZooKeeper reads (tickTime, dataDir, dataLogDir, clientPort, \
        clientPortAddress, maxClientCnxns, min/maxSessionTimeout, snapCount, 4lw.commands.whitelist, \
        autopurge.*), with myid in dataDir. Without server.N lines it runs standalone. Logs go to stderr; \
        SIGINT or SIGTERM stops it cleanly. See docs/server.md.
        """
    )

    @Option(name: .long, help: "Path of the zoo.cfg to run.")
    var config: String

    @Option(name: .long, help: ArgumentHelp(
        "JAAS file whose Server section lists the SASL DIGEST-MD5 users (with authProvider.N=...SASLAuthenticationProvider).",
        discussion: "Default: -Djava.security.auth.login.config=FILE in SERVER_JVMFLAGS or JVMFLAGS, as Apache's scripts pass it."))
    var jaasConfig: String?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    /// `zkdash demo`'s children: die with the parent (PR_SET_PDEATHSIG, SIGKILL).
    @Flag(name: .long, help: .hidden)
    var exitWithParent = false

    /// `zkdash demo`'s children only: the `slow` / `fast` words (a slow disk).
    @Flag(name: .long, help: .hidden)
    var demoControl = false

    func run() throws {
        if exitWithParent, !ExitWithParent.arm() {
            FileHandle.standardError.write(Data("zkdash server: the parent process is gone; not starting\n".utf8))
            throw ExitCode(1)
        }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "zkdash.server")
        let server: StandaloneServer
        do {
            server = try StandaloneServer.start(configPath: config, jaasConfigFile: jaasConfig ?? Self.jaasFromJVMFlags(),
                                                demoControl: demoControl ? DemoControl() : nil, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("zkdash server: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let signals = SignalWaiter(signals: [SIGINT, SIGTERM])
        let received = signals.wait()
        logger.info("received signal \(received), shutting down")
        server.stop()
    }
}

extension ServerCommand {
    /// `-Djava.security.auth.login.config=FILE` in SERVER_JVMFLAGS or JVMFLAGS
    /// (zkEnv.sh's variables), so an Apache set-up's environment works unchanged.
    static func jaasFromJVMFlags(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let prefix = "-Djava.security.auth.login.config="
        for name in ["SERVER_JVMFLAGS", "JVMFLAGS"] {
            for word in (environment[name] ?? "").split(separator: " ") where word.hasPrefix(prefix) {
                return String(word.dropFirst(prefix.count))
            }
        }
        return nil
    }
}

/// Blocks the main thread until one of the signals arrives.
final class SignalWaiter: @unchecked Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private var sources: [any DispatchSourceSignal] = []
    private var received: Int32 = 0

    init(signals: [Int32]) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                received = number
                semaphore.signal()
            }
            source.resume()
            sources.append(source)
        }
    }

    func wait() -> Int32 {
        semaphore.wait()
        return received
    }
}
