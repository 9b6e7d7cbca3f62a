import DashboardUI
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `A`, `D` and `O`: membership changes by `reconfig`, the way an operator
/// makes them — the demo runs `zkdash reconfig` itself (this executable) with
/// the demo's super password against the members still in the ensemble.
/// Everything here runs on the supervisor thread and blocks it: a new node
/// gets up to `syncWaitSeconds` to sync, a reconfig `reconfigWaitSeconds`.
extension DemoSupervisor {
    static let syncWaitSeconds = 20.0
    static let reconfigWaitSeconds = 30.0

    /// `A`: the next myid, started with the members and itself in its zoo.cfg
    /// (Apache's procedure); once it follows (without a vote), `reconfig
    /// --add` makes it a voter.
    func addNode() {
        let id = (planNodes.map(\.id).max() ?? 0) + 1
        let joiner: DemoPlan.Node
        do { joiner = try plan.joiner(id: id) } catch {
            event("A: \(error)", problem: true)
            return
        }
        for use in [(joiner.clientPort, "client"), (joiner.quorumPort, "quorum"), (joiner.electionPort, "election")] {
            if let problem = PortCheck.problem(port: use.0) {
                event("A: cannot add s\(id): its \(use.1) port \(use.0) \(problem.reason.map { "cannot be bound (\($0))" } ?? "is in use")", problem: true)
                return
            }
        }
        let members = planNodes.indices.filter { !nodes[$0].removed }.map { planNodes[$0] }
        let directory = DemoPlan.nodeDirectory(joiner, in: dataDirectory)
        do {
            try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
            try plan.zooCfg(for: joiner, members: members + [joiner], dataDirectory: dataDirectory)
                .write(toFile: directory + "/zoo.cfg", atomically: true, encoding: .utf8)
            try "\(id)\n".write(toFile: directory + "/data/myid", atomically: true, encoding: .utf8)
        } catch {
            event("A: cannot write s\(id)'s files in \(directory): \(error.localizedDescription)", problem: true)
            return
        }
        planNodes.append(joiner)
        nodes.append(DemoNode(id: id, clientPort: joiner.clientPort, pid: nil, process: .exited("not started")))
        let index = nodes.count - 1
        if let failure = spawn(index) {
            event("A: cannot start s\(id): \(failure)", problem: true)
            return
        }
        published()
        event("s\(id) started (pid \(nodes[index].pid ?? 0)) with the members in its zoo.cfg; waiting for it to sync")
        let deadline = Date(timeIntervalSinceNow: Self.syncWaitSeconds)
        while Date() < deadline, Self.fourLetterWord("srvr", port: joiner.clientPort)?.contains("Mode: follower") != true {
            usleep(200_000)
        }
        guard Self.fourLetterWord("srvr", port: joiner.clientPort)?.contains("Mode: follower") == true else {
            event("A: s\(id) did not sync within \(Int(Self.syncWaitSeconds)) s; not added (see \(logPath(index)))", problem: true)
            return
        }
        reconfig(["--add", joiner.reconfigLine], except: nil, done: "s\(id) joined the ensemble as a voter")
    }

    /// `D`: `reconfig --remove`, then the process is stopped (a removed
    /// server would go on as a non-voting follower, as on Apache).
    func removeNode(_ id: Int) {
        guard let index = nodes.firstIndex(where: { $0.id == id }), !nodes[index].removed else { return }
        guard reconfig(["--remove", "\(id)"], except: id, done: nil) else { return }
        stopNode(index)
        nodes[index].removed = true
        nodes[index].process = .exited("removed by reconfig")
        event("s\(id) removed from the ensemble by reconfig, then stopped")
    }

    /// `O`: the node's server line again, with the other role.
    func changeRole(_ id: Int) {
        guard let index = nodes.firstIndex(where: { $0.id == id }) else { return }
        var line = planNodes[index]
        line.isObserver.toggle()
        guard reconfig(["--add", line.reconfigLine], except: nil,
                       done: "s\(id) is now \(line.isObserver ? "an observer" : "a voter") (reconfig); it rejoins in that role") else { return }
        planNodes[index].isObserver = line.isObserver
        nodes[index].isObserver = line.isObserver
    }

    /// Runs `zkdash reconfig ARGS` against the running members (but `except`);
    /// reports `done` (with the new version) or the refusal. True on success.
    @discardableResult
    func reconfig(_ arguments: [String], except: Int?, done: String?) -> Bool {
        let servers = nodes.indices.filter { nodes[$0].process == .running && !nodes[$0].removed && nodes[$0].id != except }
            .map { "\(DemoPlan.host):\(nodes[$0].clientPort)" }
        guard !servers.isEmpty else {
            event("reconfig: no running member to send it to", problem: true)
            return false
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: programName) ? programName : "/proc/self/exe")
        process.arguments = ["reconfig", "--servers", servers.joined(separator: ","), "--auth", "digest:super:\(DemoPlan.superPassword)",
                             "--timeout", "15"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            event("reconfig: cannot run zkdash reconfig: \(error)", problem: true)
            return false
        }
        let deadline = Date(timeIntervalSinceNow: Self.reconfigWaitSeconds)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        guard process.terminationStatus == 0 else {
            let why = lines.last(where: { !$0.isEmpty }) ?? "exit status \(process.terminationStatus)"
            event("reconfig \(arguments.joined(separator: " ")) refused: \(why)", problem: true)
            return false
        }
        if let done {
            let version = lines.last(where: { $0.hasPrefix("version=") }).map { " (configuration 0x\($0.dropFirst("version=".count)))" } ?? ""
            event(done + version)
        }
        return true
    }
}
