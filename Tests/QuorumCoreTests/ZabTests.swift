import Testing
@testable import QuorumCore

/// One leader and its learners wired by in-order queues; every node has a
/// log with a durable prefix. `flush` makes a node's log durable.
struct ZabBench {
    struct Node {
        var log: [ZabTxn] = []
        var durable = 0
        var applied: [Int64] = []
        var acceptedEpoch: Int64 = 0
        var currentEpoch: Int64 = 0
        var serving = false
        var abandoned: String?
        var snapshots = 0
    }

    var settings: ZabSettings
    var leader: ZabLeader
    var learners: [Int: ZabLearner] = [:]
    var nodes: [Int: Node] = [:]
    var toLeader: [(Int, QuorumMessage)] = []
    var toLearner: [Int: [QuorumMessage]] = [:]
    var now: Int64 = 0
    let leaderId: Int

    init(voters: Set<Int>, leader leaderId: Int, logs: [Int: [Int64]] = [:], epochs: [Int: Int64] = [:]) {
        settings = ZabSettings(myid: leaderId, voters: voters, tickMs: 100, initLimitTicks: 10, syncLimitTicks: 5)
        self.leaderId = leaderId
        for sid in voters {
            var node = Node()
            node.log = (logs[sid] ?? []).map { ZabTxn(zxid: $0, payload: [UInt8(truncatingIfNeeded: $0)]) }
            node.durable = node.log.count
            node.applied = node.log.map(\.zxid)
            node.acceptedEpoch = epochs[sid] ?? 0
            node.currentEpoch = epochs[sid] ?? 0
            nodes[sid] = node
        }
        let own = nodes[leaderId]!
        leader = ZabLeader(settings: settings, acceptedEpoch: own.acceptedEpoch, currentEpoch: own.currentEpoch,
                           lastZxid: own.log.last?.zxid ?? 0, history: own.log, historyFloorZxid: 0, nowMs: 0)
    }

    mutating func join(_ sid: Int, observer: Bool = false) {
        if nodes[sid] == nil { nodes[sid] = Node() }
        let node = nodes[sid]!
        var learnerSettings = settings
        learnerSettings.myid = sid
        var learner = ZabLearner(settings: learnerSettings, leader: leaderId, isObserver: observer, acceptedEpoch: node.acceptedEpoch,
                                 currentEpoch: node.currentEpoch, lastZxid: node.log.last?.zxid ?? 0, nowMs: now)
        let out = learner.connected(nowMs: now)
        learners[sid] = learner
        run(sid, out)
    }

    mutating func run(_ sid: Int, _ directives: [ZabLearner.Directive]) {
        for directive in directives {
            switch directive {
            case .send(let message): toLeader.append((sid, message))
            case .persistAcceptedEpoch(let epoch): nodes[sid]!.acceptedEpoch = epoch
            case .persistCurrentEpoch(let epoch): nodes[sid]!.currentEpoch = epoch
            case .log(let txn): nodes[sid]!.log.append(txn)
            case .apply(let txn): nodes[sid]!.applied.append(txn.zxid)
            case .truncate(let zxid):
                nodes[sid]!.log.removeAll { $0.zxid > zxid }
                nodes[sid]!.durable = nodes[sid]!.log.count
                nodes[sid]!.applied = nodes[sid]!.log.map(\.zxid)
            case .loadSnapshot(let zxid, _):
                nodes[sid]!.snapshots += 1
                nodes[sid]!.log = [ZabTxn(zxid: zxid, payload: [])]
                nodes[sid]!.durable = 1
                nodes[sid]!.applied = leaderNode.applied
            case .startServing: nodes[sid]!.serving = true
            case .answerPing: toLeader.append((sid, .ping(payload: [])))
            case .leaderConfig: break
            case .abandon(let reason): nodes[sid]!.abandoned = reason
            }
        }
    }

    var leaderNode: Node { nodes[leaderId]! }

    mutating func runLeader(_ directives: [ZabLeader.Directive]) {
        for directive in directives {
            switch directive {
            case .persistAcceptedEpoch(let epoch): nodes[leaderId]!.acceptedEpoch = epoch
            case .persistCurrentEpoch(let epoch): nodes[leaderId]!.currentEpoch = epoch
            case .send(let to, let message): toLearner[to, default: []].append(message)
            case .sendSnapshot(let to): toLearner[to, default: []].append(.snap(zxid: leader.lastCommittedZxid, snapshot: []))
            case .commit(let upTo):
                for txn in leaderNode.log where txn.zxid <= upTo && !leaderNode.applied.contains(txn.zxid) {
                    nodes[leaderId]!.applied.append(txn.zxid)
                }
            case .startServing: nodes[leaderId]!.serving = true
            case .sessionTouches, .disconnect: break
            case .abandon(let reason): nodes[leaderId]!.abandoned = reason
            }
        }
    }

    /// Delivers everything queued until quiet (no fsyncs happen here).
    mutating func deliver() {
        while !toLeader.isEmpty || toLearner.values.contains(where: { !$0.isEmpty }) {
            let inbound = toLeader
            toLeader = []
            for (sid, message) in inbound { runLeader(leader.receive(message, from: sid, nowMs: now)) }
            for sid in toLearner.keys.sorted() {
                let messages = toLearner[sid] ?? []
                toLearner[sid] = []
                for message in messages { run(sid, learners[sid]!.receive(message, nowMs: now)) }
            }
        }
    }

    mutating func flush(_ sid: Int) {
        nodes[sid]!.durable = nodes[sid]!.log.count
        let zxid = nodes[sid]!.log.last?.zxid ?? 0
        if sid == leaderId { runLeader(leader.localSynced(upTo: zxid)) } else { run(sid, learners[sid]!.logSynced(upTo: zxid)) }
    }

    mutating func propose(counter: Int64, reconfiguringTo voters: Set<Int>? = nil) {
        let txn = ZabTxn(zxid: Zxid.make(epoch: leader.newEpoch!, counter: counter), payload: [UInt8(counter)])
        nodes[leaderId]!.log.append(txn)
        runLeader(leader.propose(txn, reconfiguringTo: voters))
    }
}

struct ZabTests {
    @Test func discoverySyncAndBroadcastCommitOnlyWhatAQuorumHasOnDisk() {
        var bench = ZabBench(voters: [1, 2, 3], leader: 3)
        bench.join(1)
        bench.deliver()
        // Epoch 1 is persisted on both before the learner acks it.
        #expect(bench.nodes[3]!.acceptedEpoch == 1)
        #expect(bench.nodes[1]!.acceptedEpoch == 1)
        #expect(bench.leader.phase == .broadcast)
        #expect(bench.nodes[3]!.currentEpoch == 1 && bench.nodes[1]!.currentEpoch == 1)
        #expect(bench.nodes[1]!.serving && bench.nodes[3]!.serving)
        bench.propose(counter: 1)
        bench.deliver()
        // Logged everywhere, durable nowhere: nothing commits.
        #expect(bench.nodes[3]!.applied.isEmpty)
        bench.flush(3)
        #expect(bench.nodes[3]!.applied.isEmpty, "the leader's own disk is not a quorum")
        bench.flush(1)
        bench.deliver()
        #expect(bench.nodes[3]!.applied == [0x1_0000_0001])
        #expect(bench.nodes[1]!.applied == [0x1_0000_0001])
        // A late follower gets the committed txn by DIFF, then counts.
        bench.join(2)
        bench.deliver()
        #expect(bench.nodes[2]!.applied == [0x1_0000_0001])
        // NEWLEADER is acked only once the DIFF's txns are on disk.
        #expect(!bench.nodes[2]!.serving)
        #expect(bench.leader.syncedFollowers == [1])
        bench.flush(2)
        bench.deliver()
        #expect(bench.nodes[2]!.serving)
        #expect(bench.leader.syncedFollowers == [1, 2])
    }

    @Test func aLearnerWithUncommittedTxnsIsTruncated() {
        // s1 logged 0x100000003 in epoch 1 but it never committed; s3 leads.
        let logs: [Int: [Int64]] = [1: [0x1_0000_0001, 0x1_0000_0002, 0x1_0000_0003], 2: [0x1_0000_0001, 0x1_0000_0002], 3: [0x1_0000_0001, 0x1_0000_0002]]
        var bench = ZabBench(voters: [1, 2, 3], leader: 3, logs: logs, epochs: [1: 1, 2: 1, 3: 1])
        bench.join(2)
        bench.deliver()
        #expect(bench.leader.phase == .broadcast)
        #expect(bench.leader.newEpoch == 2)
        bench.join(1)
        bench.deliver()
        #expect(bench.nodes[1]!.log.map(\.zxid) == [0x1_0000_0001, 0x1_0000_0002])
        #expect(bench.nodes[1]!.serving)
    }

    @Test func aLearnerBehindTheHistoryGetsASnapshotAndOneBehindGetsADiff() {
        let logs: [Int: [Int64]] = [3: [0x1_0000_0001, 0x1_0000_0002, 0x1_0000_0003], 2: [0x1_0000_0001]]
        var bench = ZabBench(voters: [1, 2, 3], leader: 3, logs: logs, epochs: [2: 1, 3: 1])
        bench.join(2)
        bench.deliver()
        #expect(bench.nodes[2]!.applied == [0x1_0000_0001, 0x1_0000_0002, 0x1_0000_0003])
        #expect(bench.nodes[2]!.snapshots == 0)
        var far = ZabBench(voters: [1, 2, 3], leader: 3, logs: logs, epochs: [2: 1, 3: 1])
        far.leader = ZabLeader(settings: far.settings, acceptedEpoch: 1, currentEpoch: 1, lastZxid: 0x1_0000_0003,
                               history: [ZabTxn(zxid: 0x1_0000_0003, payload: [])], historyFloorZxid: 0x1_0000_0002, nowMs: 0)
        far.join(2)
        far.deliver()
        #expect(far.nodes[2]!.snapshots == 1)
        #expect(far.nodes[2]!.serving)
    }

    @Test func aFollowerAheadOfTheLeaderStopsTheLeader() {
        let logs: [Int: [Int64]] = [2: [0x1_0000_0001, 0x1_0000_0002], 3: [0x1_0000_0001]]
        var bench = ZabBench(voters: [1, 2, 3], leader: 3, logs: logs, epochs: [2: 1, 3: 1])
        bench.join(2)
        bench.deliver()
        #expect(bench.nodes[3]!.abandoned?.contains("s2 is ahead") == true)
        #expect(!bench.nodes[3]!.serving)
    }

    @Test func observersGetInformsAndNeverCount() {
        var bench = ZabBench(voters: [1, 2, 3], leader: 1)
        bench.join(4, observer: true)
        bench.deliver()
        #expect(bench.leader.phase == .discovery, "an observer is not a quorum")
        bench.join(2)
        bench.deliver()
        #expect(bench.leader.phase == .broadcast)
        #expect(bench.nodes[4]!.serving)
        bench.propose(counter: 1)
        bench.deliver()
        bench.flush(1)
        bench.flush(4)
        bench.deliver()
        #expect(bench.nodes[4]!.applied.isEmpty, "the observer's disk does not count")
        bench.flush(2)
        bench.deliver()
        #expect(bench.nodes[4]!.applied == [0x1_0000_0001])
        #expect(bench.leader.syncedObservers == [4])
    }

    @Test func theLeaderGivesUpWithoutFollowersAndFollowersWithoutTheLeader() {
        var bench = ZabBench(voters: [1, 2, 3], leader: 1)
        bench.runLeader(bench.leader.tick(nowMs: 1001))
        #expect(bench.nodes[1]!.abandoned?.contains("initLimit") == true)

        var live = ZabBench(voters: [1, 2, 3], leader: 1)
        live.join(2)
        live.deliver()
        live.now = 400
        live.runLeader(live.leader.tick(nowMs: 400))
        live.deliver()
        #expect(live.nodes[1]!.abandoned == nil)
        live.run(2, live.learners[2]!.tick(nowMs: 1000))
        #expect(live.nodes[2]!.abandoned?.contains("syncLimit") == true)
        live.runLeader(live.leader.tick(nowMs: 1000))
        #expect(live.nodes[1]!.abandoned?.contains("lost the quorum") == true)
    }
}
