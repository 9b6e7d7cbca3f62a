@testable import QuorumCore

/// Scenario scripts in the style of etcd-raft's interaction tests: each
/// command is followed by `----` and the trace it must produce, then a blank
/// line. Lines starting with `#` are comments, kept on rewrite.
///
///     ensemble voters=5 observers=1 maxHistory=5 seed=7   (first command)
///     start 1 2 3 [staggered]     start servers (staggered: one by one, stabilizing in between)
///     stabilize                   run until nothing happened for 3 s (at most 120 s)
///     run 500                     let 500 ms pass
///     write 3 [nowait]            the serving leader proposes 3 txns (then runs until they commit)
///     kill 3 | crash 3 unsynced   kill the process (the batch being written survives) | power loss (all unsynced txns lost)
///     restart 3 | pause 3 | resume 3
///     stall 3 | unstall 3         the disk stops / resumes completing fsyncs
///     partition 1 2 | 3 4 5      heal
///     status                      one line per server
///     check                       500 ms later, the serving leader and its serving learners hold every acknowledged txn
///     expect leader 3             fails unless s3 is the one serving leader
struct ScenarioScript {
    struct Block {
        var comments: [String]
        var command: String
        var expected: [String]
    }

    var blocks: [Block]
    var trailingComments: [String]

    init(parsing text: String) throws {
        blocks = []
        var comments: [String] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[...]
        while let line = lines.popFirst() {
            if line.hasPrefix("#") {
                comments.append(line)
                continue
            }
            if line.allSatisfy(\.isWhitespace) { continue }
            guard lines.popFirst() == "----" else { throw ScenarioError("`\(line)` is not followed by ----") }
            var expected: [String] = []
            while let output = lines.first, !output.isEmpty {
                expected.append(output)
                lines.removeFirst()
            }
            blocks.append(Block(comments: comments, command: line, expected: expected))
            comments = []
        }
        trailingComments = comments
    }

    var text: String {
        var out = ""
        for block in blocks {
            for comment in block.comments { out += comment + "\n" }
            out += block.command + "\n----\n"
            for line in block.expected { out += line + "\n" }
            out += "\n"
        }
        for comment in trailingComments { out += comment + "\n" }
        return out
    }
}

struct ScenarioError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs one scenario's commands against an EnsembleSim.
final class ScenarioRunner {
    private(set) var sim: EnsembleSim?
    /// Failures of `expect` and `check`, and invariant violations.
    private(set) var failures: [String] = []
    private var reported = 0

    /// Runs one command; returns its trace.
    func run(_ command: String) throws -> [String] {
        let words = command.split(separator: " ").map(String.init)
        guard let verb = words.first else { return [] }
        let arguments = Array(words.dropFirst())
        if verb == "ensemble" {
            sim = try makeEnsemble(arguments)
            return []
        }
        guard let sim else { throw ScenarioError("the first command must be `ensemble ...`") }
        sim.trace = []
        var output: [String] = []
        switch verb {
        case "start":
            let staggered = arguments.last == "staggered"
            for sid in try servers(staggered ? Array(arguments.dropLast()) : arguments, in: sim) {
                sim.start(sid)
                if staggered { stabilize(sim) }
            }
        case "stabilize":
            stabilize(sim)
        case "run":
            guard arguments.count == 1, let ms = Int64(arguments[0]) else { throw ScenarioError("usage: run <ms>") }
            sim.run(for: ms)
        case "write":
            output += try write(arguments, sim: sim)
        case "kill", "crash":
            for sid in try servers(arguments.filter { $0 != "unsynced" }, in: sim) { sim.crash(sid, powerLoss: verb == "crash") }
        case "restart":
            for sid in try servers(arguments, in: sim) { sim.start(sid) }
        case "pause", "resume", "stall", "unstall":
            for sid in try servers(arguments, in: sim) {
                switch verb {
                case "pause": sim.pause(sid)
                case "resume": sim.resume(sid)
                case "stall": sim.stall(sid, true)
                default: sim.stall(sid, false)
                }
            }
        case "partition":
            let groups = try arguments.split(separator: "|").map { try servers(Array($0), in: sim) }
            sim.partition(groups)
        case "heal":
            sim.heal()
        case "status":
            output += sim.ids.map { sim.status($0) }
        case "check":
            output += check(sim)
        case "expect":
            guard arguments.count == 2, arguments[0] == "leader", let sid = Int(arguments[1]) else {
                throw ScenarioError("usage: expect leader <sid>")
            }
            let leaders = sim.nodes.filter(\.isServingLeader).map(\.sid)
            if leaders == [sid] {
                output.append("ok")
            } else {
                failures.append("`\(command)`: serving leaders are \(leaders)")
                output.append("serving leaders: \(leaders)")
            }
        default:
            throw ScenarioError("unknown command `\(verb)`")
        }
        let lines = (sim.trace ?? []).map(\.line) + output
        sim.trace = nil
        for violation in sim.violations.dropFirst(reported) { failures.append("`\(command)`: \(violation)") }
        reported = sim.violations.count
        return lines
    }

    private func makeEnsemble(_ arguments: [String]) throws -> EnsembleSim {
        var options = SimOptions()
        // Short, quiet delays: scenario traces read as the protocol's steps.
        options.electionDelayMs = 1...10
        options.quorumDelayMs = 1...5
        options.fsyncDelayMs = 1...5
        var seed: UInt64 = 1
        for argument in arguments {
            let parts = argument.split(separator: "=").map(String.init)
            guard parts.count == 2, let value = Int(parts[1]) else { throw ScenarioError("bad ensemble option `\(argument)`") }
            switch parts[0] {
            case "voters": options.voters = value
            case "observers": options.observers = value
            case "maxHistory": options.maxHistory = value
            case "seed": seed = UInt64(value)
            default: throw ScenarioError("unknown ensemble option `\(parts[0])`")
            }
        }
        return EnsembleSim(options: options, seed: seed)
    }

    private func servers(_ words: [String], in sim: EnsembleSim) throws -> [Int] {
        try words.map { word in
            guard let sid = Int(word), sim.ids.contains(sid) else { throw ScenarioError("`\(word)` is not a server") }
            return sid
        }
    }

    /// Runs until no trace line appeared for 3 s.
    private func stabilize(_ sim: EnsembleSim) {
        let start = sim.now
        var lastChange = sim.now
        var lines = sim.trace?.count ?? 0
        while sim.now - lastChange < 3_000, sim.now - start < 120_000, sim.violations.isEmpty {
            sim.run(for: 100)
            let count = sim.trace?.count ?? 0
            if count != lines {
                lines = count
                lastChange = sim.now
            }
        }
    }

    private func write(_ arguments: [String], sim: EnsembleSim) throws -> [String] {
        guard let first = arguments.first, let count = Int(first), count > 0 else { throw ScenarioError("usage: write <n> [nowait]") }
        guard let leader = sim.nodes.first(where: \.isServingLeader) else { return ["no serving leader: nothing written"] }
        let acknowledgedBefore = sim.checker.acknowledged.count
        let txns = (0..<count).compactMap { _ in sim.propose(at: leader) }
        guard let firstTxn = txns.first, let lastTxn = txns.last else { return ["s\(leader.sid) proposed nothing"] }
        let proposed = "s\(leader.sid) proposes \(Zxid.hex(firstTxn.zxid))" + (txns.count > 1 ? "..\(Zxid.hex(lastTxn.zxid))" : "")
        if arguments.dropFirst().first == "nowait" { return [proposed] }
        let deadline = sim.now + 3_000
        while sim.now < deadline, sim.checker.acknowledged.count - acknowledgedBefore < txns.count, sim.violations.isEmpty {
            sim.run(for: 10)
        }
        return [proposed + "; \(sim.checker.acknowledged.count - acknowledgedBefore) acknowledged"]
    }

    /// Every acknowledged txn is applied at the serving leader and at each of
    /// its serving learners, which agree with it.
    private func check(_ sim: EnsembleSim) -> [String] {
        // Commits reach learners a little after the leader's clients got answers.
        sim.run(for: 500)
        let leaders = sim.nodes.filter(\.isServingLeader)
        guard leaders.count == 1, let leader = leaders.first else {
            failures.append("check: serving leaders are \(leaders.map(\.sid))")
            return ["no single serving leader (\(leaders.map(\.sid)))"]
        }
        var problems: [String] = []
        let applied = Set(leader.tree)
        let lost = sim.checker.acknowledged.filter { !applied.contains($0) }
        if let txn = lost.first { problems.append("s\(leader.sid) lacks \(lost.count) acknowledged txns, first \(SimChecker.describe(txn))") }
        let learners = sim.nodes.filter { $0.up && $0.serving && $0.learnerMachine?.leader == leader.sid }
        for learner in learners where learner.tree != leader.tree {
            problems.append("s\(learner.sid) applied \(learner.tree.count) txns, leader s\(leader.sid) \(leader.tree.count)")
        }
        failures += problems.map { "check: \($0)" }
        let members = ([leader] + learners).map { "s\($0.sid)" }.joined(separator: " ")
        return problems + ["\(sim.checker.acknowledged.count) acknowledged txns, \(leader.tree.count) applied on \(members)"]
    }
}
