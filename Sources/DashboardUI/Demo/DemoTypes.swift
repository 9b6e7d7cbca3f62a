import EnsembleModel

/// A node process `zkdash demo` started, as the supervisor last reported it.
public struct DemoNode: Sendable, Equatable {
    public enum Process: Sendable, Equatable {
        case running
        /// SIGSTOP: frozen until `P` again (SIGCONT).
        case paused
        /// SIGKILL from `K`; `R` starts it again.
        case killed
        /// Ended by itself: "exit status 2", "signal 9".
        case exited(String)
    }

    public var id: Int
    public var clientPort: Int
    public var isObserver: Bool
    public var pid: Int32?
    public var process: Process
    /// `S` turned its slow disk on (a restart ends it: a new process).
    public var slowDisk = false
    /// `N` cut its quorum and election traffic (a restart ends it too).
    public var partitioned = false
    /// `D` removed it from the ensemble (its process was then stopped).
    public var removed = false

    public init(id: Int, clientPort: Int, isObserver: Bool = false, pid: Int32?, process: Process) {
        self.id = id
        self.clientPort = clientPort
        self.isObserver = isObserver
        self.pid = pid
        self.process = process
    }

    public var name: String { "s\(id)" }
    public var isAlive: Bool { process == .running || process == .paused }

    /// "running", "paused (SIGSTOP)", "killed (SIGKILL)", "exited (exit status 2)".
    public var processText: String {
        switch process {
        case .running: "running"
        case .paused: "paused (SIGSTOP)"
        case .killed: "killed (SIGKILL)"
        case .exited(let how): "exited (\(how))"
        }
    }
}

/// What the dashboard knows of the demo: present only under `zkdash demo`.
public struct DemoStatus: Sendable, Equatable {
    public var nodes: [DemoNode]
    public var loadOn = false
    /// The write load's target rate (shown with `L`).
    public var loadWritesPerSecond: Int

    public init(nodes: [DemoNode], loadOn: Bool = false, loadWritesPerSecond: Int = 50) {
        self.nodes = nodes
        self.loadOn = loadOn
        self.loadWritesPerSecond = loadWritesPerSecond
    }

    /// The demo node serving on this address (every demo node is on 127.0.0.1).
    public func node(at address: NodeAddress) -> DemoNode? {
        guard address.host == DemoPlan.host else { return nil }
        return nodes.first { $0.clientPort == address.clientPort }
    }
}

/// What `K`, `R`, `P`, `S`, `N`, `A`, `D`, `O` and `L` ask the demo's supervisor to do (node ids are myids).
public enum DemoAction: Sendable, Equatable {
    case kill(node: Int)
    case restart(node: Int)
    case pause(node: Int)
    case resume(node: Int)
    case setLoad(on: Bool)
    /// `S`: every fsync of the node 200 ms slower (on) or back to full speed.
    case slowDisk(node: Int, on: Bool)
    /// `N`: the node's quorum and election traffic cut both ways (on) or healed.
    case partition(node: Int, on: Bool)
    /// `A`: a new node started and joined by reconfig as a voter.
    case addNode
    /// `D`: the node removed by reconfig, then stopped.
    case removeNode(node: Int)
    /// `O`: a voter made an observer or an observer a voter, by reconfig.
    case changeRole(node: Int)
}

/// One line for the event log from the demo: an action's outcome, a node that
/// exited by itself, a demo client's news.
public struct DemoEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The outcome of K / R / P / L: also shown on the message line.
        case action
        /// A node process ended without being asked: also on the message line.
        case process
        /// Clients: the demo's sample clients (members, config clients, the
        /// writer) and the Tree view's session (a refused login): log only.
        case client
    }

    public var timeMs: Int64
    public var kind: Kind
    public var text: String
    public var isProblem: Bool

    public init(timeMs: Int64, kind: Kind, text: String, isProblem: Bool = false) {
        self.timeMs = timeMs
        self.kind = kind
        self.text = text
        self.isProblem = isProblem
    }
}

/// News from the demo's shell to the reducer.
public enum DemoUpdate: Sendable, Equatable {
    /// Every node's process as the supervisor sees it now.
    case nodes([DemoNode])
    case load(on: Bool)
    case event(DemoEvent)
}
