import DashboardUI
import Foundation
import ZooKeeperAdmin

/// `zkdash demo --data-dir DIR` on a directory an earlier demo left. Its
/// servers run with reconfigEnabled, so each one, once it has a leader,
/// writes its membership to `zoo.cfg.dynamic.<version>` and points its
/// zoo.cfg at it (as Apache does). The newest of those is the ensemble to
/// bring back: nodes `A` added are started again, nodes `D` removed are not,
/// and roles `O` changed stay changed. Writing the flags' plan over those
/// files instead would start removed nodes (which then refuse to start, as
/// Apache's do) and leave added ones out.
enum DemoResume {
    struct Found: Sendable {
        var plan: DemoPlan
        /// The membership's version (the zxid of the reconfig that made it).
        var version: Int64
        /// The zoo.cfg it was read through.
        var zooCfgPath: String
        /// The myids whose zoo.cfg names an activated membership: the
        /// servers' own files, which the demo keeps as they are.
        var activatedNodeIds: Set<Int>

        /// One line for the operator: what is started again and from where.
        var notice: String {
            let names = plan.nodes.map { $0.name + ($0.isObserver ? " (observer)" : "") }.joined(separator: " ")
            return "resuming membership 0x\(String(version, radix: 16)) from \(zooCfgPath): \(names); --nodes, --observers and --base-port are not used"
        }
    }

    /// The newest membership a node directory under `dataDirectory` holds,
    /// as a plan; nil when none has one (a new directory, or nodes that never
    /// had a leader). A zoo.cfg that cannot be read is passed over: the demo
    /// writes that node's files again.
    static func find(in dataDirectory: String) throws(DemoPlanError) -> Found? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dataDirectory) else { return nil }
        var newest: (config: ServerConfig, path: String)?
        var activatedNodeIds: Set<Int> = []
        for entry in entries.sorted() where entry.hasPrefix("node-") {
            let path = dataDirectory + "/" + entry + "/zoo.cfg"
            guard let id = Int(entry.dropFirst("node-".count)), let config = activatedConfig(at: path) else { continue }
            activatedNodeIds.insert(id)
            if config.membershipVersion > newest?.config.membershipVersion ?? -1 { newest = (config, path) }
        }
        guard let newest else { return nil }
        var nodes: [DemoPlan.Node] = []
        for server in newest.config.servers {
            guard server.host == DemoPlan.host, let clientPort = server.clientPort,
                  server.clientHost == nil || server.clientHost == DemoPlan.host else {
                throw DemoPlanError("\(newest.path): server.\(server.sid) is not a demo node on \(DemoPlan.host) with its client port; start with another --data-dir")
            }
            nodes.append(DemoPlan.Node(id: server.sid, isObserver: server.role == .observer, clientPort: clientPort,
                                       quorumPort: server.quorumPort, electionPort: server.electionPort))
        }
        return Found(plan: try DemoPlan(resuming: nodes), version: newest.config.membershipVersion, zooCfgPath: newest.path,
                     activatedNodeIds: activatedNodeIds)
    }

    /// zoo.cfg at `path` as its server left it: one that names a dynamic
    /// config file it can read. nil for anything else (the demo's own static
    /// zoo.cfg, a missing or broken file).
    private static func activatedConfig(at path: String) -> ServerConfig? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let config = try? ServerConfigParser.parse(text, fileName: path,
                                                         readFile: { try? String(contentsOfFile: $0, encoding: .utf8) }),
              config.dynamicConfigFile != nil else { return nil }
        return config
    }
}
