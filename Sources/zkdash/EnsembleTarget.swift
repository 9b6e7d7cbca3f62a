import ArgumentParser
import EnsembleMonitor
import Foundation
import ZooKeeperAdmin

/// The ensemble a command watches, from `--servers` or `--config` (shared by
/// `zkdash status` and `zkdash monitor`).
enum EnsembleTarget {
    /// The members to poll, and whether to discover more from `conf` (a single seed server).
    static func loadMembers(servers: String?, config: String?, commandName: String) throws -> ([Member], Bool) {
        // Checked here, not in `validate()`: ArgumentParser runs an option
        // group's validate() before it reports unknown flags, so a mistyped
        // flag was answered with this message instead of being named.
        guard servers != nil || config != nil else { throw ValidationError("give --servers host:port,... or --config zoo.cfg") }
        if let servers {
            let addresses = try ServerListParser.parse(servers)
            return (addresses.map { Member(address: $0) }, addresses.count == 1)
        }
        let path = config!
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("--config: cannot read \(path): \(readFailure(path))")
        }
        let parsed: ServerConfig
        do {
            parsed = try ServerConfigParser.parse(text, fileName: path, readFile: { try? String(contentsOfFile: $0, encoding: .utf8) })
        } catch { throw ValidationError("--config: \(error)") }
        // admin.* keys are Apache-only: the config reader keeps them as warnings with their values.
        let adminEnabled = parsed.warnings.first { $0.key == "admin.enableServer" }?.value.lowercased() != "false"
        let filePort = parsed.warnings.first { $0.key == "admin.serverPort" }.flatMap { Int($0.value) }
        let admin = adminEnabled ? filePort : nil
        if parsed.servers.isEmpty {
            guard let port = parsed.clientPort else { throw ValidationError("--config: \(path) has no clientPort and no server.N lines") }
            let host = Member.clientHost(parsed.clientPortAddress, serverHost: "127.0.0.1")
            return ([Member(address: NodeAddress(host: host, clientPort: port, adminPort: admin), origin: .config)], false)
        }
        let (members, skipped) = Member.fromConfig(parsed, adminPort: admin)
        for line in skipped { FileHandle.standardError.write(Data("zkdash \(commandName): \(line)\n".utf8)) }
        guard !members.isEmpty else { throw ValidationError("--config: no server.N line of \(path) names a client port") }
        return (members, false)
    }

    /// Why `path` cannot be read, in the system's words ("No such file or directory").
    static func readFailure(_ path: String) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        close(fd)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return "is a directory" }
        return "not UTF-8 text"
    }

    /// What the dashboard's title names: "3 servers", "1 server", or the config file's name.
    static func description(servers: String?, config: String?, memberCount: Int) -> String {
        if let config { return URL(fileURLWithPath: config).lastPathComponent }
        return memberCount == 1 ? "1 server" : "\(memberCount) servers"
    }
}

/// The flags `zkdash status` and `zkdash monitor` share: which ensemble, how
/// long a node may take, and the AdminServer.
struct EnsembleOptions: ParsableArguments {
    @Option(name: .long, help: "Comma-separated host:port[@adminPort] list; IPv6 as [::1]:2181. One server = discover the rest from its conf.")
    var servers: String?

    @Option(name: .long, help: "A zoo.cfg whose server.N lines name the ensemble.")
    var config: String?

    // `.unconditional`: "--timeout -1" is a value to refuse by name, not a missing value.
    @Option(name: .long, parsing: .unconditional, help: "Seconds each node has to answer a round (default: 2, at most the polling interval).")
    var timeout: Double?

    @Option(name: .long, parsing: .unconditional, help: "AdminServer port for nodes without @port (default 8080, Apache's).")
    var adminPort: Int?

    @Flag(name: .long, help: "Do not ask AdminServers.")
    var noAdmin = false

    @OptionGroup var security: SecurityOptions

    func validate() throws {
        if servers != nil && config != nil { throw ValidationError("give either --servers or --config, not both") }
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

    func loadMembers(commandName: String) throws -> ([Member], Bool) {
        try EnsembleTarget.loadMembers(servers: servers, config: config, commandName: commandName)
    }

    /// Poller settings; without `--timeout`, a repeating poll gives each node
    /// at most its interval so a silent node never delays the next round.
    /// Reads the TLS files now: a bad one is a flag error before the first poll.
    func pollerSettings(pollIntervalSeconds: Double?) throws -> PollerSettings {
        var timeoutSeconds = timeout ?? 2
        if timeout == nil, let pollIntervalSeconds { timeoutSeconds = min(timeoutSeconds, pollIntervalSeconds) }
        return PollerSettings(timeoutMs: Int(timeoutSeconds * 1000), defaultAdminPort: noAdmin ? nil : adminPort ?? 8080,
                              tls: try security.clientTLS(), adminTLS: try security.adminTLS())
    }
}
