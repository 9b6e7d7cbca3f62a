import EnsembleModel
import Testing
import ZooKeeperAdmin
@testable import DashboardUI

/// `zkdash demo`'s pure parts: the plan (flags, ports, zoo.cfg) and the
/// Ensemble view's K / R / P / L keys.
struct DemoPlanTests {
    @Test func defaultLayout() throws {
        let plan = try DemoPlan()
        #expect(plan.nodes.count == 3)
        #expect(plan.nodes.map(\.clientPort) == [2181, 2182, 2183])
        #expect(plan.nodes.map(\.quorumPort) == [2881, 2882, 2883])
        #expect(plan.nodes.map(\.electionPort) == [3881, 3882, 3883])
        #expect(plan.nodes.map(\.name) == ["s1", "s2", "s3"])
        #expect(plan.connectString == "127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183")
        #expect(plan.summary == "3 voters")
    }

    @Test func observersAreNumberedAfterTheVoters() throws {
        let plan = try DemoPlan(voters: 3, observers: 2, basePort: 21000)
        #expect(plan.nodes.map(\.isObserver) == [false, false, false, true, true])
        #expect(plan.nodes[4].clientPort == 21005)
        #expect(plan.nodes[4].serverLine == "server.5=127.0.0.1:21705:22705:observer;127.0.0.1:21005")
        #expect(plan.summary == "3 voters + 2 observers")
        let uses = plan.portUses
        #expect(uses.count == 15)
        #expect(uses.first == DemoPlan.PortUse(port: 21001, use: "client port of node 1"))
        #expect(uses.contains(DemoPlan.PortUse(port: 21703, use: "quorum port of node 3")))
        #expect(uses.last == DemoPlan.PortUse(port: 22705, use: "election port of node 5"))
        #expect(Set(uses.map(\.port)).count == uses.count)
    }

    @Test func flagsAreValidated() {
        func message(voters: Int = 3, observers: Int = 0, basePort: Int = 2180) -> String? {
            do { _ = try DemoPlan(voters: voters, observers: observers, basePort: basePort); return nil } catch { return error.description }
        }
        #expect(message(voters: 0)?.hasPrefix("--nodes must be between 1 and 9") == true)
        #expect(message(voters: 10)?.contains("(got 10)") == true)
        #expect(message(voters: 9) == nil)
        #expect(message(voters: 1) == nil)
        #expect(message(observers: -1)?.hasPrefix("--observers must be between 0 and 9") == true)
        #expect(message(observers: 10) != nil)
        #expect(message(basePort: 1022)?.hasPrefix("--base-port must be between 1023 and") == true)
        #expect(message(basePort: 1023) == nil)
        // The highest election port (base + 1700 + nodes) must be a port.
        #expect(message(basePort: 65535 - 1703) == nil)
        #expect(message(basePort: 65535 - 1702) != nil)
    }

    @Test func portProblemNamesThePortAndItsUse() {
        let use = DemoPlan.PortUse(port: 2181, use: "client port of node 1")
        #expect(DemoPlan.portProblem(use) == "port 2181 (client port of node 1) is in use; pick another --base-port")
        #expect(DemoPlan.portProblem(use, reason: "Permission denied")
            == "port 2181 (client port of node 1) cannot be bound (Permission denied); pick another --base-port")
    }

    @Test func zooCfgOfAVoter() throws {
        let plan = try DemoPlan()
        let text = plan.zooCfg(for: plan.nodes[1], dataDirectory: "/tmp/d")
        #expect(text == """
        # zkdash demo: node 2 (voter) of 3 voter(s) and 0 observer(s)
        tickTime=500
        initLimit=10
        syncLimit=5
        dataDir=/tmp/d/node-2/data
        clientPort=2182
        clientPortAddress=127.0.0.1
        4lw.commands.whitelist=*
        admin.enableServer=false
        reconfigEnabled=true
        DigestAuthenticationProvider.superDigest=super:ZcxUWbSybojePw2WRoWJxi3JlQw=
        server.1=127.0.0.1:2881:3881;127.0.0.1:2181
        server.2=127.0.0.1:2882:3882;127.0.0.1:2182
        server.3=127.0.0.1:2883:3883;127.0.0.1:2183

        """)
    }

    @Test func zooCfgOfAnObserverParsesAsApacheWouldRead() throws {
        let plan = try DemoPlan(voters: 3, observers: 1, basePort: 3000)
        let observer = plan.nodes[3]
        let text = plan.zooCfg(for: observer, dataDirectory: "/data")
        #expect(text.contains("peerType=observer\n"))
        let config = try ServerConfigParser.parse(text, fileName: "zoo.cfg")
        #expect(config.tickTimeMs == 500)
        #expect(config.clientPort == 3004)
        #expect(config.clientPortAddress == "127.0.0.1")
        #expect(config.dataDir == "/data/node-4/data")
        #expect(config.peerType == .observer)
        #expect(config.servers.map(\.sid) == [1, 2, 3, 4])
        #expect(config.servers.map(\.role) == [.participant, .participant, .participant, .observer])
        #expect(config.servers.map(\.quorumPort) == [3701, 3702, 3703, 3704])
        #expect(config.servers.map(\.electionPort) == [4701, 4702, 4703, 4704])
        #expect(config.servers.map(\.clientPort) == [3001, 3002, 3003, 3004])
        // myid 4 agrees with the file: no adjusted peerType, the same client port.
        let applied = try config.applyingMyid(4)
        #expect(applied.warnings.allSatisfy { $0.key != "peerType" })
        #expect(applied.clientPort == 3004)
        // The voters' files need no peerType line.
        #expect(!plan.zooCfg(for: plan.nodes[0], dataDirectory: "/data").contains("peerType"))
    }

    /// A demo started again on its data directory takes the membership its
    /// servers activated (here after A added s4, O made it an observer and D
    /// removed s2): those nodes on their own ports, `A` going on from s5.
    @Test func resumedPlanIsTheActivatedMembership() throws {
        let flags = try DemoPlan(voters: 3, basePort: 3000)
        let s4 = try flags.joiner(id: 4)
        var observer = s4
        observer.isObserver = true
        let plan = try DemoPlan(resuming: [observer, flags.nodes[2], flags.nodes[0]])
        #expect(plan.nodes.map(\.id) == [1, 3, 4])
        #expect(plan.voters == 2 && plan.observers == 1 && plan.basePort == 3000)
        #expect(plan.summary == "2 voters + 1 observer")
        #expect(plan.connectString == "127.0.0.1:3001,127.0.0.1:3003,127.0.0.1:3004")
        #expect(try plan.joiner(id: 5).clientPort == 3005)
        #expect(plan.zooCfg(for: observer, dataDirectory: "/d").contains("peerType=observer\nserver.1=127.0.0.1:3701:4701;127.0.0.1:3001\nserver.3="))

        // What does not fit the demo's layout is refused, naming the server.
        var stray = flags.nodes[1]
        stray.quorumPort += 1
        #expect(throws: DemoPlanError("the data directory's server.2 (client 3002, quorum 3703, election 4702) does not follow the demo's ports for base 3000; start with another --data-dir")) {
            try DemoPlan(resuming: [flags.nodes[0], stray])
        }
        #expect(throws: DemoPlanError("the data directory's membership has no voter")) { try DemoPlan(resuming: [observer]) }
        #expect(throws: DemoPlanError("the data directory's membership has no members")) { try DemoPlan(resuming: []) }
    }
}

struct DemoKeyTests {
    /// The sample cluster's four rows as demo nodes (2181...2184), s4 the observer.
    static func demoState(_ process: [DemoNode.Process] = [.running, .running, .running, .running]) -> DashboardState {
        var state = SampleCluster.state(SampleCluster.healthy(), columns: 80, rows: 24)
        state.demo = DemoStatus(nodes: process.enumerated().map { index, process in
            DemoNode(id: index + 1, clientPort: 2181 + index, isObserver: index == 3, pid: Int32(1000 + index), process: process)
        })
        return state
    }

    @Test func monitorModeExplainsTheDemoKeys() {
        var state = SampleCluster.state(SampleCluster.healthy(), columns: 80, rows: 24)
        #expect(Dashboard.reduce(&state, .key(.character("K"))).isEmpty)
        #expect(state.message == "K: only nodes started by zkdash demo can be killed")
        #expect(Dashboard.reduce(&state, .key(.character("R"))).isEmpty)
        #expect(state.message == "R: only nodes started by zkdash demo can be restarted")
        #expect(Dashboard.reduce(&state, .key(.character("P"))).isEmpty)
        #expect(state.message == "P: only nodes started by zkdash demo can be paused")
        #expect(Dashboard.reduce(&state, .key(.character("L"))).isEmpty)
        #expect(state.message == "L: only zkdash demo has a write load to turn on")
        #expect(Dashboard.render(state).text().contains("L: only zkdash demo has a write load to turn on"))
        // The next key clears the message.
        _ = Dashboard.reduce(&state, .key(.down))
        #expect(state.message == nil)
    }

    @Test func keysActOnTheSelectedNode() {
        var state = Self.demoState()
        _ = Dashboard.reduce(&state, .key(.down))
        #expect(Dashboard.reduce(&state, .key(.character("K"))).isEmpty)
        #expect(Dashboard.reduce(&state, .key(.character("y"))) == [.demo(.kill(node: 2))])
        #expect(Dashboard.reduce(&state, .key(.character("R"))) == [.demo(.restart(node: 2))])
        #expect(Dashboard.reduce(&state, .key(.character("P"))) == [.demo(.pause(node: 2))])
        #expect(Dashboard.reduce(&state, .key(.character("L"))) == [.demo(.setLoad(on: true))])
        // The selection did not move.
        #expect(state.ensembleSelection == 1)
    }

    @Test func killAsksFirstAndYConfirms() {
        var state = Self.demoState()
        _ = Dashboard.reduce(&state, .key(.down))
        // K, right next to k (up), kills nothing by itself: it asks in the footer.
        #expect(Dashboard.reduce(&state, .key(.character("K"))).isEmpty)
        #expect(state.killAwaitingConfirmation?.id == 2)
        let footer = Dashboard.render(state).row(Layout.footerRow(state.size))
        #expect(footer == "kill s2 (pid 1001) with SIGKILL? y/n")
        #expect(Dashboard.reduce(&state, .key(.character("y"))) == [.demo(.kill(node: 2))])
        #expect(state.killAwaitingConfirmation == nil)
        #expect(state.message == nil)
    }

    @Test func anyOtherKeyCancelsTheKill() {
        for key in [Key.character("n"), .character("k"), .character("K"), .escape, .enter, .down, .character("q")] {
            var state = Self.demoState()
            _ = Dashboard.reduce(&state, .key(.down))
            _ = Dashboard.reduce(&state, .key(.character("K")))
            // The answer is used up: k does not also move, q does not also quit.
            #expect(Dashboard.reduce(&state, .key(key)).isEmpty, "\(key)")
            #expect(state.killAwaitingConfirmation == nil)
            #expect(state.ensembleSelection == 1)
            #expect(state.message == "kill cancelled")
            #expect(Dashboard.render(state).row(Layout.footerRow(state.size)) == "kill cancelled")
        }
    }

    @Test func pauseTogglesAndDeadNodesOnlyRestart() {
        var state = Self.demoState([.paused, .killed, .exited("exit status 2"), .running])
        #expect(Dashboard.reduce(&state, .key(.character("P"))) == [.demo(.resume(node: 1))])
        #expect(Dashboard.reduce(&state, .key(.character("K"))).isEmpty)
        #expect(Dashboard.reduce(&state, .key(.character("Y"))) == [.demo(.kill(node: 1))])
        _ = Dashboard.reduce(&state, .key(.down))
        #expect(Dashboard.reduce(&state, .key(.character("K"))).isEmpty)
        #expect(state.message == "s2 is not running (killed (SIGKILL)); R starts it again")
        #expect(Dashboard.reduce(&state, .key(.character("P"))).isEmpty)
        #expect(Dashboard.reduce(&state, .key(.character("R"))) == [.demo(.restart(node: 2))])
        _ = Dashboard.reduce(&state, .key(.down))
        #expect(Dashboard.reduce(&state, .key(.character("P"))).isEmpty)
        #expect(state.message == "s3 is not running (exited (exit status 2)); R starts it again")
    }

    @Test func SSlowsTheSelectedNodesDiskAndAgainRestoresIt() {
        var state = Self.demoState([.running, .paused, .running, .running])
        #expect(Dashboard.reduce(&state, .key(.character("S"))) == [.demo(.slowDisk(node: 1, on: true))])
        state.demo?.nodes[0].slowDisk = true
        #expect(Dashboard.reduce(&state, .key(.character("S"))) == [.demo(.slowDisk(node: 1, on: false))])
        #expect(EnsembleView.processLine(state.demo!.nodes[0]).0.contains("slow disk (every fsync +200 ms) · S restores it"))
        _ = Dashboard.reduce(&state, .key(.down))
        #expect(Dashboard.reduce(&state, .key(.character("S"))).isEmpty)
        #expect(state.message == "s2 is not running (paused (SIGSTOP)); its disk cannot be slowed")
        var monitor = SampleCluster.state(SampleCluster.healthy(), columns: 80, rows: 24)
        #expect(Dashboard.reduce(&monitor, .key(.character("S"))).isEmpty)
        #expect(monitor.message == "S: only nodes started by zkdash demo can get a slow disk")
    }

    @Test func NPartitionsTheSelectedNodeAndAgainHealsIt() {
        var state = Self.demoState([.running, .paused, .running, .running])
        #expect(Dashboard.reduce(&state, .key(.character("N"))) == [.demo(.partition(node: 1, on: true))])
        state.demo?.nodes[0].partitioned = true
        #expect(Dashboard.reduce(&state, .key(.character("N"))) == [.demo(.partition(node: 1, on: false))])
        #expect(EnsembleView.processLine(state.demo!.nodes[0]).0.contains("partitioned from its peers · N heals it"))
        // Both faults at once are both named.
        state.demo?.nodes[0].slowDisk = true
        let both = EnsembleView.processLine(state.demo!.nodes[0])
        #expect(both.0.contains("partitioned from its peers · N heals it · slow disk (every fsync +200 ms) · S restores it"))
        #expect(both.1 == .warning)
        _ = Dashboard.reduce(&state, .key(.down))
        #expect(Dashboard.reduce(&state, .key(.character("N"))).isEmpty)
        #expect(state.message == "s2 is not running (paused (SIGSTOP)); it cannot be partitioned")
        var monitor = SampleCluster.state(SampleCluster.healthy(), columns: 80, rows: 24)
        #expect(Dashboard.reduce(&monitor, .key(.character("N"))).isEmpty)
        #expect(monitor.message == "N: only nodes started by zkdash demo can be partitioned")
    }

    /// A adds a node (no selection needed), D removes the selected one, O
    /// changes its role; a removed node refuses every key; outside the demo
    /// each key says what to use instead.
    @Test func membershipKeysAskForReconfigs() throws {
        var state = Self.demoState()
        #expect(Dashboard.reduce(&state, .key(.character("A"))) == [.demo(.addNode)])
        #expect(Dashboard.reduce(&state, .key(.character("D"))) == [.demo(.removeNode(node: 1))])
        #expect(Dashboard.reduce(&state, .key(.character("O"))) == [.demo(.changeRole(node: 1))])
        state.demo?.nodes[0].removed = true
        state.demo?.nodes[0].process = .exited("removed by reconfig")
        #expect(Dashboard.reduce(&state, .key(.character("R"))).isEmpty)
        #expect(state.message == "s1 was removed from the ensemble (D); A adds a new node")
        #expect(EnsembleView.processLine(state.demo!.nodes[0]).0.contains("removed from the ensemble by reconfig"))
        var monitor = SampleCluster.state(SampleCluster.healthy(), columns: 80, rows: 24)
        #expect(Dashboard.reduce(&monitor, .key(.character("D"))).isEmpty)
        #expect(monitor.message == "D: only zkdash demo removes its nodes (use zkdash reconfig --remove)")
        // The node A adds: the next myid on the same port scheme, a participant with its role spelled out.
        let plan = try DemoPlan()
        let joiner = try plan.joiner(id: 4)
        #expect(joiner.clientPort == 2184 && joiner.quorumPort == 2884 && joiner.electionPort == 3884)
        #expect(joiner.reconfigLine == "server.4=127.0.0.1:2884:3884:participant;127.0.0.1:2184")
        let cfg = plan.zooCfg(for: joiner, members: plan.nodes + [joiner], dataDirectory: "/tmp/d")
        #expect(cfg.contains("server.4=127.0.0.1:2884:3884;127.0.0.1:2184\n") && cfg.contains("dataDir=/tmp/d/node-4/data"))
        #expect(throws: DemoPlanError.self) { try plan.joiner(id: DemoPlan.highestNodeId + 1) }
    }

    @Test func keysAreTheEnsembleViewsOnly() {
        var state = Self.demoState()
        _ = Dashboard.reduce(&state, .key(.character("4")))
        #expect(Dashboard.reduce(&state, .key(.character("K"))).isEmpty)
        // Nothing is killed; the key says it does nothing here.
        #expect(state.message == "K: not a key of the Events view (? lists them, : runs a command)")
        _ = Dashboard.reduce(&state, .key(.character("3")))
        #expect(Dashboard.reduce(&state, .key(.character("L"))).isEmpty)
    }

    @Test func aRowTheDemoDidNotStartIsRefused() {
        var state = Self.demoState()
        state.demo?.nodes.removeLast()
        _ = Dashboard.reduce(&state, .key(.character("G")))
        #expect(Dashboard.reduce(&state, .key(.character("K"))).isEmpty)
        #expect(state.message == "K: the selected row is not a node zkdash demo started")
        // L needs no node.
        #expect(Dashboard.reduce(&state, .key(.character("L"))) == [.demo(.setLoad(on: true))])
    }

    @Test func updatesChangeTheNodesTheLoadAndTheEventLog() {
        var state = Self.demoState()
        var nodes = state.demo!.nodes
        nodes[1].process = .paused
        _ = Dashboard.reduce(&state, .demo(.nodes(nodes)))
        #expect(state.demo?.nodes[1].process == .paused)
        _ = Dashboard.reduce(&state, .demo(.load(on: true)))
        #expect(state.demo?.loadOn == true)
        _ = Dashboard.reduce(&state, .key(.down))
        #expect(Dashboard.reduce(&state, .key(.character("L"))) == [.demo(.setLoad(on: false))])
        #expect(Dashboard.reduce(&state, .key(.character("P"))) == [.demo(.resume(node: 2))])

        // Actions and process exits reach the message line and the log; clients only the log.
        let time = state.cluster.eventLog.events.last!.timeMs
        _ = Dashboard.reduce(&state, .demo(.event(DemoEvent(timeMs: time + 1, kind: .action, text: "s2 paused (SIGSTOP)"))))
        #expect(state.message == "s2 paused (SIGSTOP)")
        _ = Dashboard.reduce(&state, .demo(.event(DemoEvent(timeMs: time + 2, kind: .client, text: "member-1 reconnected"))))
        #expect(state.message == "s2 paused (SIGSTOP)")
        _ = Dashboard.reduce(&state, .key(.character("4")))
        let screen = Dashboard.render(state).text()
        #expect(screen.contains("s2 paused (SIGSTOP)") && screen.contains("member-1 reconnected"))
    }

    @Test func eventLogMergesBothLogsByTime() {
        var state = SampleCluster.state(SampleCluster.afterFailover(), columns: 80, rows: 24)
        let monitorEvents = state.cluster.eventLog.events
        let first = monitorEvents.first!.timeMs
        _ = Dashboard.reduce(&state, .demo(.event(DemoEvent(timeMs: first - 1, kind: .client, text: "before"))))
        _ = Dashboard.reduce(&state, .demo(.event(DemoEvent(timeMs: monitorEvents.last!.timeMs + 1, kind: .action, text: "after"))))
        let lines = EventsView.lines(state)
        #expect(lines.count == monitorEvents.count + 2)
        #expect(lines.first?.text == "before")
        #expect(lines.last?.text == "after" && lines.last?.role == .highlight)
        #expect(lines.map(\.timeMs) == lines.map(\.timeMs).sorted())
        #expect(EventsView.lineCount(state) == lines.count)
    }

    @Test func demoScreenShowsProcessLoadAndKeys() throws {
        var state = Self.demoState([.running, .paused, .running, .running])
        state.demo?.loadOn = true
        state.targetDescription = "demo · 4 nodes"
        _ = Dashboard.reduce(&state, .key(.down))
        let screen = Dashboard.render(state).text()
        #expect(screen.contains("process pid 1001 paused (SIGSTOP) · P resumes it, K kills it"))
        #expect(screen.contains("? help  K kill  R restart  P pause  S slow  N cut  A/D/O members  L load on"))
        try GoldenScreenTests.check("ensemble-demo-80x24", Dashboard.render(state))
        state.size = ScreenSize(columns: 160, rows: 45)
        #expect(Dashboard.render(state).text().contains("write load 50/s"))
        try GoldenScreenTests.check("ensemble-demo-160x45", Dashboard.render(state))
        // K asks first, on the last row.
        _ = Dashboard.reduce(&state, .key(.character("K")))
        try GoldenScreenTests.check("ensemble-demo-kill-asks-160x45", Dashboard.render(state))
        state.size = ScreenSize(columns: 80, rows: 24)
        try GoldenScreenTests.check("ensemble-demo-kill-asks-80x24", Dashboard.render(state))
    }
}
