/// The local ensemble `zkdash demo` starts, as plain values: how many nodes,
/// their ports, each node's zoo.cfg. Pure, so the layout and the files are
/// tested without starting anything; the dashboard carries it to know which
/// rows it may kill, restart or pause.
///
/// Node *i* (1-based; observers numbered after the voters) serves clients on
/// 127.0.0.1:`P+i`, its quorum port is `P+700+i` and its election port
/// `P+1700+i` (P = 2180: 2181 / 2881 / 3881 for node 1).
public struct DemoPlan: Sendable, Equatable {
    public static let host = "127.0.0.1"
    public static let defaultBasePort = 2180
    public static let defaultVoters = 3
    public static let voterRange = 1...9
    public static let observerRange = 0...9
    public static let quorumPortOffset = 700
    public static let electionPortOffset = 1700
    /// The first client port (`P+1`) is at least this: no privileged ports.
    public static let lowestClientPort = 1024
    /// `A` adds nodes up to this myid (their ports follow the same scheme).
    public static let highestNodeId = 30
    /// The demo ensemble's `super` password: reconfig (`A`, `D`, `O`) needs
    /// super, as on Apache. Loopback-only and printed in docs/demo.md.
    public static let superPassword = "zkdash-demo"
    /// base64(SHA-1("super:zkdash-demo")), the digest zoo.cfg holds.
    static let superDigest = "super:ZcxUWbSybojePw2WRoWJxi3JlQw="

    public struct Node: Sendable, Equatable {
        /// myid and position: 1...voters are voters, then the observers (in a
        /// plan resumed after reconfigs, any myids in any roles).
        public var id: Int
        public var isObserver: Bool
        public var clientPort: Int
        public var quorumPort: Int
        public var electionPort: Int

        /// "s2": what the dashboard and the event log call it.
        public var name: String { "s\(id)" }
        public var clientAddress: String { "\(DemoPlan.host):\(clientPort)" }
        /// The `server.N` line every node's zoo.cfg has for this node.
        public var serverLine: String {
            "server.\(id)=\(DemoPlan.host):\(quorumPort):\(electionPort)\(isObserver ? ":observer" : "");\(clientAddress)"
        }

        public init(id: Int, isObserver: Bool, clientPort: Int, quorumPort: Int, electionPort: Int) {
            self.id = id
            self.isObserver = isObserver
            self.clientPort = clientPort
            self.quorumPort = quorumPort
            self.electionPort = electionPort
        }

        /// The line `reconfig -add` takes for it, its role spelled out.
        public var reconfigLine: String {
            "server.\(id)=\(DemoPlan.host):\(quorumPort):\(electionPort):\(isObserver ? "observer" : "participant");\(clientAddress)"
        }
    }

    /// One port the demo needs and what for ("client port of node 1").
    public struct PortUse: Sendable, Equatable {
        public var port: Int
        public var use: String
    }

    public let voters: Int
    public let observers: Int
    public let basePort: Int
    public let nodes: [Node]

    /// Checks the counts and the port range; the error text names the flag.
    public init(voters: Int = defaultVoters, observers: Int = 0, basePort: Int = defaultBasePort) throws(DemoPlanError) {
        guard Self.voterRange.contains(voters) else {
            throw DemoPlanError("--nodes must be between \(Self.voterRange.lowerBound) and \(Self.voterRange.upperBound) (got \(voters))")
        }
        guard Self.observerRange.contains(observers) else {
            throw DemoPlanError("--observers must be between \(Self.observerRange.lowerBound) and \(Self.observerRange.upperBound) (got \(observers))")
        }
        let count = voters + observers
        let lowest = Self.lowestClientPort - 1
        let highest = 65535 - Self.electionPortOffset - count
        guard (lowest...highest).contains(basePort) else {
            throw DemoPlanError("--base-port must be between \(lowest) and \(highest) for \(count) node\(count == 1 ? "" : "s") (ports up to base+\(Self.electionPortOffset + count) are used; got \(basePort))")
        }
        self.voters = voters
        self.observers = observers
        self.basePort = basePort
        nodes = (1...count).map { id in
            Node(id: id, isObserver: id > voters, clientPort: basePort + id,
                 quorumPort: basePort + Self.quorumPortOffset + id, electionPort: basePort + Self.electionPortOffset + id)
        }
    }

    /// The plan of a demo started again on a data directory whose nodes had
    /// activated a membership (after `A`, `D` or `O`, the one the servers
    /// wrote last): those members, in their roles, on the ports they have.
    /// The ports must follow the demo's scheme for one base port, so `A` can
    /// go on adding nodes; the error says what does not fit.
    public init(resuming members: [Node]) throws(DemoPlanError) {
        let sorted = members.sorted { $0.id < $1.id }
        guard let first = sorted.first else { throw DemoPlanError("the data directory's membership has no members") }
        guard sorted.contains(where: { !$0.isObserver }) else {
            throw DemoPlanError("the data directory's membership has no voter")
        }
        let basePort = first.clientPort - first.id
        for node in sorted {
            guard (1...Self.highestNodeId).contains(node.id) else {
                throw DemoPlanError("the data directory's membership has server.\(node.id); the demo's myids go up to \(Self.highestNodeId)")
            }
            let expected = (basePort + node.id, basePort + Self.quorumPortOffset + node.id, basePort + Self.electionPortOffset + node.id)
            guard (node.clientPort, node.quorumPort, node.electionPort) == expected else {
                throw DemoPlanError("the data directory's server.\(node.id) (client \(node.clientPort), quorum \(node.quorumPort), election \(node.electionPort)) does not follow the demo's ports for base \(basePort); start with another --data-dir")
            }
        }
        guard basePort >= Self.lowestClientPort - 1 else {
            throw DemoPlanError("the data directory's ports start below \(Self.lowestClientPort)")
        }
        self.voters = sorted.filter { !$0.isObserver }.count
        self.observers = sorted.count - voters
        self.basePort = basePort
        self.nodes = sorted
    }

    /// The node `A` adds as `id` (the ports of the same scheme), or why not.
    public func joiner(id: Int) throws(DemoPlanError) -> Node {
        guard id <= Self.highestNodeId, basePort + Self.electionPortOffset + id <= 65535 else {
            throw DemoPlanError("no room for another node: myids up to \(Self.highestNodeId), ports up to 65535")
        }
        return Node(id: id, isObserver: false, clientPort: basePort + id,
                    quorumPort: basePort + Self.quorumPortOffset + id, electionPort: basePort + Self.electionPortOffset + id)
    }

    /// "127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183".
    public var connectString: String { nodes.map(\.clientAddress).joined(separator: ",") }

    /// Every port, in the order they are checked: client ports, then quorum, then election.
    public var portUses: [PortUse] {
        nodes.map { PortUse(port: $0.clientPort, use: "client port of node \($0.id)") }
            + nodes.map { PortUse(port: $0.quorumPort, use: "quorum port of node \($0.id)") }
            + nodes.map { PortUse(port: $0.electionPort, use: "election port of node \($0.id)") }
    }

    /// The message for a port that cannot be bound.
    public static func portProblem(_ use: PortUse, reason: String? = nil) -> String {
        let what = reason.map { "cannot be bound (\($0))" } ?? "is in use"
        return "port \(use.port) (\(use.use)) \(what); pick another --base-port"
    }

    /// `DIR/node-i`, the node's directory under the demo's data directory.
    public static func nodeDirectory(_ node: Node, in dataDirectory: String) -> String {
        dataDirectory + "/node-\(node.id)"
    }

    /// The node's zoo.cfg (in `nodeDirectory`; its dataDir is `nodeDirectory/data`).
    public func zooCfg(for node: Node, dataDirectory: String) -> String {
        zooCfg(for: node, members: nodes, dataDirectory: dataDirectory)
    }

    /// A node's zoo.cfg listing `members` (a node `A` adds: the members now,
    /// itself among them). Reconfiguration is on, with the demo's super
    /// password; the servers then keep their membership in
    /// `zoo.cfg.dynamic.<version>` files beside it.
    public func zooCfg(for node: Node, members: [Node], dataDirectory: String) -> String {
        var lines = [
            "# zkdash demo: node \(node.id) (\(node.isObserver ? "observer" : "voter")) of \(voters) voter(s) and \(observers) observer(s)",
            "tickTime=500",
            "initLimit=10",
            "syncLimit=5",
            "dataDir=\(Self.nodeDirectory(node, in: dataDirectory))/data",
            "clientPort=\(node.clientPort)",
            "clientPortAddress=\(Self.host)",
            "4lw.commands.whitelist=*",
            "admin.enableServer=false",
            "reconfigEnabled=true",
            "DigestAuthenticationProvider.superDigest=\(Self.superDigest)",
        ]
        if node.isObserver { lines.append("peerType=observer") }
        lines += members.map(\.serverLine)
        return lines.joined(separator: "\n") + "\n"
    }

    /// "3 voters", "3 voters + 1 observer".
    public var summary: String {
        let voterText = voters == 1 ? "1 voter" : "\(voters) voters"
        guard observers > 0 else { return voterText }
        return voterText + " + " + (observers == 1 ? "1 observer" : "\(observers) observers")
    }
}

/// A demo flag that cannot be used, with a message naming it.
public struct DemoPlanError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
