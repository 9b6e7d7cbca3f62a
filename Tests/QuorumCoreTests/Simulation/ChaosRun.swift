@testable import QuorumCore

/// One seed's whole run: an ensemble shaped by the seed, a random fault
/// schedule under client writes, then healing, and the end checks (one
/// leader followed by everyone within `livenessBoundMs`, every acknowledged
/// txn present everywhere). The seed alone fixes everything.
struct ChaosRun {
    struct Outcome {
        var seed: UInt64
        var voters: Int
        var observers: Int
        /// Nil when every check passed; otherwise starts with the seed and how to replay it.
        var failure: String?
        var stats: SimStats
        var acknowledged: Int
        /// From healing to the stable ensemble.
        var recoveryMs: Int64
        var simulatedMs: Int64
        var trace: [(at: Int64, line: String)]
        /// Real cores: creates the clients saw acknowledged.
        var acknowledgedCreates = 0
    }

    static let livenessBoundMs: Int64 = 60_000
    static let quietMs: Int64 = 1_500

    /// The ensemble's shape and network for a seed: sizes 3, 5, 7 in turn.
    static func options(seed: UInt64, random: inout SeededRandom) -> SimOptions {
        var options = SimOptions()
        options.voters = [3, 5, 7][Int(seed % 3)]
        options.observers = Int.random(in: 0..<4, using: &random) == 0 ? Int.random(in: 1...2, using: &random) : 0
        options.maxHistory = [5, 20, 100_000].randomElement(using: &random)!
        options.electionDelayMs = 1...[10, 30, 120].randomElement(using: &random)!
        options.quorumDelayMs = 1...[5, 15, 40].randomElement(using: &random)!
        options.fsyncDelayMs = 1...[5, 20, 60].randomElement(using: &random)!
        return options
    }

    /// `reconfig`: leaders also propose reconfigs (voters changed among all
    /// the servers, two of them observers at first) among the faults.
    static func run(seed: UInt64, trace: Bool = false, realCore: Bool = false, reconfig: Bool = false) -> Outcome {
        var setup = SeededRandom(seed: seed)
        var options = options(seed: seed, random: &setup)
        options.realCore = realCore
        if reconfig {
            options.reconfig = true
            options.voters = min(options.voters, 5)
            options.observers = 2
        }
        let sim = EnsembleSim(options: options, seed: setup.next())
        if trace {
            sim.trace = []
            sim.traceMessages = true
        }
        sim.electionLoss = [0, 0, 0.05, 0.25].randomElement(using: &sim.random)!
        sim.electionDuplication = [0, 0.05, 0.2].randomElement(using: &sim.random)!
        sim.say("seed \(seed): \(options.voters) voters, \(options.observers) observers, maxHistory \(options.maxHistory), "
                + "election delay \(options.electionDelayMs) loss \(sim.electionLoss) dup \(sim.electionDuplication), "
                + "quorum delay \(options.quorumDelayMs), fsync \(options.fsyncDelayMs)")

        // Servers start one after another within 1.5 s, clients write throughout.
        let starts = sim.ids.map { ($0, Int64.random(in: 0...1_500, using: &sim.random)) }.sorted { $0.1 < $1.1 }
        for (sid, at) in starts {
            sim.run(until: at)
            sim.start(sid)
        }
        sim.startWrites(every: 10...80)
        let chaosEnd = sim.now + Int64.random(in: 3_000...10_000, using: &sim.random)
        while sim.now < chaosEnd, sim.violations.isEmpty {
            sim.run(for: Int64.random(in: 100...1_500, using: &sim.random))
            injectFault(sim)
        }

        // Heal everything; election messages are no longer lost.
        sim.heal()
        for sid in sim.ids {
            sim.resume(sid)
            sim.start(sid)
            sim.slowDisk(sid, false)
            if sim.node(sid).stalled { sim.stall(sid, false) }
        }
        sim.electionLoss = 0
        sim.electionDuplication = 0
        let healedAt = sim.now
        var converged = false
        while sim.violations.isEmpty, sim.now - healedAt < livenessBoundMs {
            sim.run(for: 100)
            guard let leader = sim.stableLeader() else { continue }
            sim.stopWrites()
            // Real cores write on their own: sessions the clients left expire
            // (closeSession txns) up to a session timeout after the last write.
            sim.run(for: realCore ? quietMs + Int64(EnsembleSim.clientSessionTimeoutMs) * 2 : quietMs)
            if sim.stableLeader() == leader, sim.violations.isEmpty {
                sim.checkConverged(leader: leader)
                converged = true
                break
            }
        }
        var failure: String?
        if let violation = sim.violations.first {
            failure = violation
        } else if !converged {
            failure = "t=\(sim.now) no leader followed by every server within \(livenessBoundMs) ms of healing"
        }
        let describedFailure = failure.map { failure in
            "seed \(seed)\(realCore ? " (real cores)" : "")\(reconfig ? " (reconfig)" : ""), replay with ZKDASH_SIM_SEED=\(seed)"
                + "\(realCore ? " ZKDASH_SIM_REAL_CORE=1" : "")\(reconfig ? " ZKDASH_SIM_RECONFIG=1" : ""): \(failure)\n"
                + "(\(options.voters) voters, \(options.observers) observers; state at the end:)\n"
                + sim.ids.map { "  " + sim.status($0) }.joined(separator: "\n")
        }
        return Outcome(seed: seed, voters: options.voters, observers: options.observers, failure: describedFailure,
                       stats: sim.stats, acknowledged: sim.checker.acknowledged.count,
                       recoveryMs: sim.now - healedAt - (converged ? quietMs : 0), simulatedMs: sim.now, trace: sim.trace ?? [],
                       acknowledgedCreates: sim.ackedCreates.count)
    }

    /// One random fault (or a repair): crashes (kills and power losses, the
    /// serving leader more often), restarts, pauses, partitions, slow or
    /// stalled disks.
    static func injectFault(_ sim: EnsembleSim) {
        let up = sim.ids.filter { sim.node($0).up }
        let down = sim.ids.filter { !sim.node($0).up }
        let paused = up.filter { sim.node($0).paused }
        let leaders = sim.ids.filter { sim.node($0).isServingLeader }
        func pick(_ sids: [Int]) -> Int? { sids.isEmpty ? nil : sids[Int.random(in: 0..<sids.count, using: &sim.random)] }
        if sim.options.reconfig, Int.random(in: 0..<4, using: &sim.random) == 0 {
            // A reconfig: a random set of 3 to 5 voters among all servers.
            guard let sid = pick(leaders) else { return }
            var sids = sim.ids
            sids.shuffle(using: &sim.random)
            let count = Int.random(in: 3...min(sids.count, 5), using: &sim.random)
            sim.proposeReconfig(at: sim.node(sid), voters: Set(sids.prefix(count)))
            return
        }
        let roll = Int.random(in: 0..<100, using: &sim.random)
        switch roll {
        case 0..<12:
            if let sid = pick(leaders) { sim.crash(sid, powerLoss: Bool.random(using: &sim.random)) }
        case 12..<24:
            if let sid = pick(up) { sim.crash(sid, powerLoss: Bool.random(using: &sim.random)) }
        case 24..<44:
            if let sid = pick(down) { sim.start(sid) }
        case 44..<50:
            if let sid = pick(up.filter { !sim.node($0).paused }) { sim.pause(sid) }
        case 50..<60:
            if let sid = pick(paused) { sim.resume(sid) }
        case 60..<72:
            var sids = sim.ids
            sids.shuffle(using: &sim.random)
            let cut = Int.random(in: 1..<sids.count, using: &sim.random)
            if sids.count > 3, Bool.random(using: &sim.random) {
                let second = Int.random(in: cut..<sids.count, using: &sim.random)
                sim.partition([Array(sids[..<cut]), Array(sids[cut..<second]), Array(sids[second...])].filter { !$0.isEmpty })
            } else {
                sim.partition([Array(sids[..<cut]), Array(sids[cut...])])
            }
        case 72..<84:
            if sim.isPartitioned { sim.heal() }
        case 84..<90:
            if let sid = pick(up) { sim.slowDisk(sid, !sim.node(sid).slowDisk) }
        case 90..<95:
            if let sid = pick(up) { sim.stall(sid, !sim.node(sid).stalled) }
        default:
            break
        }
    }
}
