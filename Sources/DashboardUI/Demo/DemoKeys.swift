/// `K` kill, `R` restart, `P` pause / resume, `S` slow disk, `N` partition
/// the selected node, `D` remove it and `O` change its role by reconfig, `A`
/// add a node by reconfig, `L` the write load: the Ensemble view's demo keys, and the demo's news. Pure: the keys
/// become `DashboardEffect.demo` for the shell; what happened comes back as
/// `DemoUpdate`s. Outside `zkdash demo` the keys only explain themselves.
/// `K` sits next to `k` (up), so it asks first: y kills, any other key cancels.
enum DemoKeys {
    static let keys: Set<Key> = [.character("K"), .character("R"), .character("P"), .character("L"), .character("S"), .character("N"),
                                 .character("A"), .character("D"), .character("O")]

    static func handle(_ state: inout DashboardState, _ key: Key) -> [DashboardEffect] {
        guard let demo = state.demo else {
            state.message = refusal(key)
            return []
        }
        if key == .character("L") { return [.demo(.setLoad(on: !demo.loadOn))] }
        if key == .character("A") {
            state.message = "A: starting a new node; it syncs, then a reconfig makes it a voter"
            return [.demo(.addNode)]
        }
        guard let selected = state.selectedNodeIndex, let node = demo.node(at: state.cluster.nodes[selected].address) else {
            state.message = "\(keyName(key)): the selected row is not a node zkdash demo started"
            return []
        }
        if node.removed {
            state.message = "\(node.name) was removed from the ensemble (D); A adds a new node"
            return []
        }
        switch key {
        case .character("D"):
            return [.demo(.removeNode(node: node.id))]
        case .character("O"):
            return [.demo(.changeRole(node: node.id))]
        case .character("K"):
            guard node.isAlive else {
                state.message = "\(node.name) is not running (\(node.processText)); R starts it again"
                return []
            }
            state.killAwaitingConfirmation = node
            return []
        case .character("R"):
            return [.demo(.restart(node: node.id))]
        case .character("S"):
            guard node.process == .running else {
                state.message = "\(node.name) is not running (\(node.processText)); its disk cannot be slowed"
                return []
            }
            return [.demo(.slowDisk(node: node.id, on: !node.slowDisk))]
        case .character("N"):
            guard node.process == .running else {
                state.message = "\(node.name) is not running (\(node.processText)); it cannot be partitioned"
                return []
            }
            return [.demo(.partition(node: node.id, on: !node.partitioned))]
        default:
            switch node.process {
            case .running: return [.demo(.pause(node: node.id))]
            case .paused: return [.demo(.resume(node: node.id))]
            case .killed, .exited:
                state.message = "\(node.name) is not running (\(node.processText)); R starts it again"
                return []
            }
        }
    }

    /// The key after `K`: y (or Y) kills the node asked about, anything else cancels.
    static func answerKill(_ state: inout DashboardState, _ key: Key) -> [DashboardEffect] {
        guard let node = state.killAwaitingConfirmation else { return [] }
        state.killAwaitingConfirmation = nil
        guard key == .character("y") || key == .character("Y") else {
            state.message = "kill cancelled"
            return []
        }
        return [.demo(.kill(node: node.id))]
    }

    /// "kill s2 (pid 1234) with SIGKILL? y/n": the footer while `K` waits for its answer.
    static func killQuestion(_ node: DemoNode) -> String {
        let pid = node.pid.map { " (pid \($0))" } ?? ""
        return "kill \(node.name)\(pid) with SIGKILL? y/n"
    }

    /// What `zkdash monitor` answers: only the demo's own nodes can be acted on.
    static func refusal(_ key: Key) -> String {
        switch key {
        case .character("K"): "K: only nodes started by zkdash demo can be killed"
        case .character("S"): "S: only nodes started by zkdash demo can get a slow disk"
        case .character("N"): "N: only nodes started by zkdash demo can be partitioned"
        case .character("R"): "R: only nodes started by zkdash demo can be restarted"
        case .character("A"): "A: only zkdash demo adds nodes (use zkdash reconfig --add)"
        case .character("D"): "D: only zkdash demo removes its nodes (use zkdash reconfig --remove)"
        case .character("O"): "O: only zkdash demo changes its nodes' roles (use zkdash reconfig --add)"
        case .character("P"): "P: only nodes started by zkdash demo can be paused"
        default: "L: only zkdash demo has a write load to turn on"
        }
    }

    static func keyName(_ key: Key) -> String {
        if case .character(let character) = key { return String(character) }
        return "key"
    }

    static func apply(_ update: DemoUpdate, to state: inout DashboardState) {
        switch update {
        case .nodes(let nodes):
            state.demo?.nodes = nodes
        case .load(let on):
            state.demo?.loadOn = on
        case .event(let event):
            state.shellEvents.append(event)
            if state.eventsScroll > 0 { state.eventsScroll += 1 }
            if event.kind != .client { state.message = event.text }
        }
    }
}
