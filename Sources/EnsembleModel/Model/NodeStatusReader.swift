import ZooKeeperAdmin

/// Turns one node's raw answers into a `NodeStatus` (state, reason, figures).
/// Pure: the cluster-wide parts (lag, votes, rates) are filled in later by
/// `ClusterModel`.
enum NodeStatusReader {
    static func read(_ sample: NodeSample, member: Member) -> NodeStatus {
        var status = NodeStatus(address: member.address, state: .unknown)
        status.sid = member.configuredSid
        status.role = member.configuredRole
        status.pollMs = sample.durationMs

        var modeFromOtherSources: NodeState?
        var saysLooking = false

        if case .success(let text)? = sample.answers[.mntr] {
            switch MonitorReport.parse(text) {
            case .report(let mntr):
                status.monitor = mntr
                status.version = mntr.version
                status.watches = mntr.watchCount
                status.znodes = mntr.znodeCount
                status.ephemerals = mntr.ephemeralsCount
                status.dataSizeBytes = mntr.approximateDataSizeBytes
                status.learners = mntr.learners
                status.syncedFollowers = mntr.syncedFollowers
                status.latencyMinMs = mntr.latencyMinMs
                status.latencyAvgMs = mntr.latencyAvgMs
                status.latencyMaxMs = mntr.latencyMaxMs
                status.packetsReceived = mntr.packetsReceived
                status.packetsSent = mntr.packetsSent
                status.outstanding = mntr.outstandingRequests.map { Int($0) }
                status.connections = mntr.aliveConnections.map { Int($0) }
                modeFromOtherSources = mntr.state
                if mntr.state == .looking { saysLooking = true }
            case .refused: status.refusedWords.append(.mntr)
            case .notServing, .unreadable: break
            }
        }
        if case .success(let text)? = sample.answers[.conf] {
            switch ConfReport.parse(text) {
            case .report(let conf):
                if let sid = conf.serverId { status.reportedSid = sid }
                if let own = conf.ownEntry { status.role = own.role }
                if !conf.members.isEmpty {
                    status.confMembers = conf.members
                    status.confVersion = conf.configVersion
                }
            case .refused: status.refusedWords.append(.conf)
            case .notServing, .unreadable: break
            }
        }
        if case .success(let text)? = sample.answers[.cons] {
            switch ConnectionsReport.parse(text) {
            case .report(let cons): status.clientConnections = cons
            case .refused: status.refusedWords.append(.cons)
            case .notServing, .unreadable: break
            }
        }
        if case .success(let text)? = sample.answers[.dump] {
            switch EphemeralsReport.parse(text) {
            case .report(let dump): status.sessionEphemerals = dump
            case .refused: status.refusedWords.append(.dump)
            case .notServing, .unreadable: break
            }
        }
        if case .success(let text)? = sample.answers[.wchs] {
            switch WatchSummaryReport.parse(text) {
            case .report(let wchs): status.watches = status.watches ?? Int64(wchs.totalWatches)
            case .refused: status.refusedWords.append(.wchs)
            case .notServing, .unreadable: break
            }
        }
        if case .success(let text)? = sample.answers[.vote], case .report(let telemetry) = ElectionTelemetry.parse(text) {
            status.telemetry = telemetry
            // An observer in election votes for nobody (Long.MIN_VALUE, as Apache's do).
            if let vote = telemetry.currentVote, vote.leader >= 0 {
                status.vote = vote.leader
                status.voteSource = .telemetry
            }
            if telemetry.state == .looking { saysLooking = true }
            modeFromOtherSources = modeFromOtherSources ?? telemetry.state
        }
        if let admin = sample.admin {
            status.adminAnswered = admin.leader != nil || admin.zabState != nil
            if let zab = admin.zabState, status.reportedSid == nil { status.reportedSid = zab.myid }
            if let leaderId = admin.leader?.leaderId, admin.leader?.error == nil, status.voteSource < .adminServer {
                status.vote = leaderId
                status.voteSource = .adminServer
            }
        }

        status.sid = status.reportedSid ?? status.sid
        readServerStatus(sample.answers[.srvr], into: &status, otherMode: modeFromOtherSources, saysLooking: saysLooking)
        status.refusedWords.sort()
        if status.role == nil, status.state == .observing { status.role = .observer }
        return status
    }

    /// srvr decides the state; the other sources fill in when it cannot.
    private static func readServerStatus(
        _ answer: Result<String, PollFailure>?, into status: inout NodeStatus, otherMode: NodeState?, saysLooking: Bool
    ) {
        switch answer {
        case nil:
            status.state = .unknown
            status.reason = "not polled"
        case .failure(let failure):
            status.state = failure.meansDown ? .down : .unknown
            status.reason = failure.reason
        case .success(let text):
            switch ServerStatusReport.parse(text) {
            case .report(let srvr):
                status.state = srvr.state ?? .unknown
                if srvr.mode == "read-only" { status.reason = "read-only mode: no quorum" }
                status.version = srvr.version ?? status.version
                status.zxid = srvr.zxid
                status.latencyMinMs = srvr.latencyMinMs ?? status.latencyMinMs
                status.latencyAvgMs = srvr.latencyAvgMs ?? status.latencyAvgMs
                status.latencyMaxMs = srvr.latencyMaxMs ?? status.latencyMaxMs
                status.packetsReceived = srvr.packetsReceived ?? status.packetsReceived
                status.packetsSent = srvr.packetsSent ?? status.packetsSent
                status.connections = srvr.connections ?? status.connections
                status.outstanding = srvr.outstanding ?? status.outstanding
                status.znodes = srvr.nodeCount.map { Int64($0) } ?? status.znodes
            case .refused(let word):
                status.refusedWords.append(.srvr)
                if let mode = otherMode {
                    status.state = mode
                    status.reason = "\(word) not in 4lw.commands.whitelist; state from other sources"
                } else {
                    status.state = .refused
                    status.reason = "\(word) not in 4lw.commands.whitelist"
                }
            case .notServing:
                status.state = saysLooking ? .looking : .notServing
                status.reason = "not currently serving requests"
            case .unreadable(let raw):
                status.state = .unknown
                status.raw = raw
                status.reason = raw.isEmpty ? "empty answer to srvr" : "unreadable answer to srvr"
            }
        }
    }
}
