import ArgumentParser
import EnsembleMonitor
import Foundation
import ZooKeeperAdmin

/// The ensemble a command watches, from `--servers` or `--config` (shared by
/// `zkdash status` and `zkdash monitor`).
enum EnsembleTarget {
    /// The members to poll, and whether to discover more from `conf` (a single seed server).
    static func loadMembers(servers: String?, config: String?, commandName: String) throws -> ([Member], Bool) {
        if let servers {
            let addresses = try ServerListParser.parse(servers)
            return (addresses.map { Member(address: $0) }, addresses.count == 1)
        }
        let path = config!
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("--config: cannot read \(path)")
        }
        let parsed: ServerConfig
        do { parsed = try ServerConfigParser.parse(text, fileName: path) } catch { throw ValidationError("--config: \(error)") }
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

    /// What the dashboard's title names: "3 servers", "1 server", or the config file's name.
    static func description(servers: String?, config: String?, memberCount: Int) -> String {
        if let config { return URL(fileURLWithPath: config).lastPathComponent }
        return memberCount == 1 ? "1 server" : "\(memberCount) servers"
    }
}
