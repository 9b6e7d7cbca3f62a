@_exported import struct ZooKeeperProtocol.Zxid
import ZooKeeperProtocol
import ZooKeeperAdmin

/// Settings of the pure model (the poller has its own: timeouts, ports).
public struct MonitorSettings: Sendable {
    /// Add members found in a polled node's `conf` membership.
    public var discoverMembers: Bool
    public var askAdmin: Bool
    public var historyCapacity: Int
    public var eventCapacity: Int
    /// Lag (transactions) at which an event is logged.
    public var lagEventThresholdTxns: Int64
    /// A refused word is asked again after this many rounds (whitelists change on restart).
    public var reprobeRefusedAfterRounds: Int
    /// `conf` (sid, role, membership) changes only with a restart or reconfig:
    /// asked on the first round, after a node comes back, and every this many rounds.
    public var confEveryRounds: Int
    /// Ask `cons` for per-connection detail (the dashboard's node view); the
    /// status table needs only the count `srvr` gives.
    public var wantsConnectionDetail: Bool

    public init(
        discoverMembers: Bool = false, askAdmin: Bool = true, historyCapacity: Int = 300, eventCapacity: Int = 1000,
        lagEventThresholdTxns: Int64 = 1000, reprobeRefusedAfterRounds: Int = 30, confEveryRounds: Int = 10,
        wantsConnectionDetail: Bool = false
    ) {
        self.confEveryRounds = confEveryRounds
        self.wantsConnectionDetail = wantsConnectionDetail
        self.discoverMembers = discoverMembers
        self.askAdmin = askAdmin
        self.historyCapacity = historyCapacity
        self.eventCapacity = eventCapacity
        self.lagEventThresholdTxns = lagEventThresholdTxns
        self.reprobeRefusedAfterRounds = reprobeRefusedAfterRounds
    }
}

/// The monitor's model of an ensemble: members, each node's status, the
/// ensemble summary, per-node history and the event log. Pure: poll rounds in,
/// state (and events) out; no clock, no socket.
public struct ClusterModel: Sendable {
    public internal(set) var settings: MonitorSettings
    public private(set) var members: [Member]
    public private(set) var nodes: [NodeStatus]
    public private(set) var histories: [MetricHistory]
    public private(set) var summary = ClusterSummary()
    public private(set) var eventLog: EventLog
    public private(set) var roundsApplied = 0
    /// The ensemble membership as the nodes report it (latest `conf`).
    public private(set) var membership: [ServerEntry] = []
    /// The member whose `conf` gave `membership`, and its version.
    private var membershipReporter: Int?
    public private(set) var membershipVersion: Int64?
    /// Members were added (discovery) and have not been polled yet.
    public private(set) var hasUnpolledMembers = false

    var bookkeeping: [NodeBookkeeping]
    /// The last leader seen and its epoch, kept through leaderless rounds: a
    /// leader that answers again in the same epoch was not elected again.
    var leaderKey: String?
    var leaderEpoch: UInt32?
    var leaderlessSinceMs: Int64?
    /// The first line (every node's state) is written once all members were polled.
    var initialStateLogged = false
    var everHadQuorum = false
    /// The round's events, written to the log in causal order when it is applied.
    var roundEvents: [(rank: EventRank, event: MonitorEvent)] = []

    /// Order of one round's events, causes before effects: what a round sees
    /// at once happened in this order (a leader goes down, quorum is lost,
    /// nodes come back, a leader is elected, quorum forms), whatever the
    /// order of the members in the list.
    enum EventRank: Int, Comparable {
        case replayed, membership, leaderDeparture, departure, quorumLost, arrival, election, quorumFormed, initial, lag
        static func < (a: EventRank, b: EventRank) -> Bool { a.rawValue < b.rawValue }
    }
    private var lastTimeMs: Int64?

    /// What the model remembers about a node between rounds.
    struct NodeBookkeeping: Sendable {
        var refusedAtRound: [MonitorWord: Int] = [:]
        var packetsReceived: Int64?
        var packetsSent: Int64?
        var zxid: Zxid?
        var electionCount: Int64?
        var electionSumMs: Double?
        var lagAlarm = false
        /// From the version (or a telemetry answer); nil until known.
        var isZkdash: Bool?
        var polled = false
        /// Identity learned from earlier answers, kept while the node is down.
        var knownSid: Int?
        var knownRole: PeerType?
        var confAskedAtRound: Int?
        /// The last conf answer's view, reused between conf polls.
        var confMembers: [ServerEntry]?
        var confVersion: Int64?
        /// The node's own plain client port and server id from its last `conf`
        /// (reached over its secure port, its AdminServer names those).
        var confClientPort: Int?
        var confServerId: Int?
        /// `ip|port` the node's address resolved to when last polled.
        var resolvedKey: String?
        var adminVerdict = AdminVerdict.unproven
    }

    /// Whether the AdminServer at a node's admin port is the node's own.
    enum AdminVerdict: Equatable {
        case unproven
        case belongs
        /// Not asked again before the round at `untilMs` (it is down, or it
        /// belongs to another node); then its identity is checked again.
        case skip(untilMs: Int64, reason: String)
    }

    /// An AdminServer that is down is asked again after this long; one that
    /// belongs to another node (a restart may move ports) after `adminWrongNodeRetryMs`.
    static let adminDownRetryMs: Int64 = 30_000
    static let adminWrongNodeRetryMs: Int64 = 60_000

    /// Ask `cons` of every node and `dump` of one every round (the dashboard's Clients view is on screen) or not.
    public mutating func setWantsConnectionDetail(_ wanted: Bool) {
        settings.wantsConnectionDetail = wanted
    }

    public init(members: [Member], settings: MonitorSettings = MonitorSettings()) {
        self.settings = settings
        self.members = []
        nodes = []
        histories = []
        bookkeeping = []
        eventLog = EventLog(capacity: settings.eventCapacity)
        for member in members { add(member) }
        hasUnpolledMembers = !members.isEmpty
    }

    private mutating func add(_ member: Member) {
        var member = member
        if member.unpollableReason == nil,
           let original = members.firstIndex(where: { $0.duplicateOf == nil && $0.unpollableReason == nil && $0.address.normalizedKey == member.address.normalizedKey }) {
            member.duplicateOf = original
        }
        members.append(member)
        var status = NodeStatus(address: member.address, state: .unknown)
        status.reason = member.unpollableReason ?? "not polled yet"
        status.sid = member.configuredSid
        status.role = member.configuredRole
        nodes.append(status)
        histories.append(MetricHistory(capacity: settings.historyCapacity))
        bookkeeping.append(NodeBookkeeping())
    }

    // MARK: - what to ask

    /// One request per member that is not a duplicate.
    public func pollRequests() -> [PollRequest] {
        let dumpIndex = settings.wantsConnectionDetail ? ephemeralsSourceIndex() : nil
        return members.indices.compactMap { index in
            guard members[index].duplicateOf == nil, members[index].unpollableReason == nil else { return nil }
            let book = bookkeeping[index]
            func refused(_ word: MonitorWord) -> Bool {
                book.refusedAtRound[word].map { roundsApplied - $0 < settings.reprobeRefusedAfterRounds } ?? false
            }
            var words: [MonitorWord] = [.srvr]
            if !refused(.mntr) { words.append(.mntr) }
            // The leader's every round: a reconfiguration shows within a round
            // (one small answer); the others' every confEveryRounds.
            let confDue = !book.polled || !nodes[index].state.isUp || nodes[index].state == .leading || book.confAskedAtRound.map {
                roundsApplied - $0 >= settings.confEveryRounds
            } ?? true
            if confDue, !refused(.conf) { words.append(.conf) }
            if settings.wantsConnectionDetail, !refused(.cons) { words.append(.cons) }
            if index == dumpIndex, !refused(.dump) { words.append(.dump) }
            // mntr's zk_watch_count covers what wchs says.
            if book.refusedAtRound[.mntr] != nil, !refused(.wchs) { words.append(.wchs) }
            // Election telemetry: every round from zkdash nodes; from a node of
            // unknown kind, after srvr if it names zkdash or is not serving.
            let voteRefused = book.refusedAtRound[.vote].map { roundsApplied - $0 < settings.reprobeRefusedAfterRounds } ?? false
            if book.isZkdash == true, !voteRefused { words.append(.vote) }
            return PollRequest(memberIndex: index, address: members[index].address, words: words, admin: adminRequest(index),
                               probeVote: book.isZkdash == nil && !voteRefused)
        }
    }

    /// The one node asked for `dump`: every member holds the same ephemerals,
    /// and the leader's are never behind. Else the first serving node.
    private func ephemeralsSourceIndex() -> Int? {
        let pollable = members.indices.filter { members[$0].duplicateOf == nil && members[$0].unpollableReason == nil }
        return pollable.first { nodes[$0].state == .leading }
            ?? pollable.first { [.standalone, .following, .observing].contains(nodes[$0].state) }
    }

    private func adminRequest(_ index: Int) -> AdminRequest? {
        guard settings.askAdmin else { return nil }
        let port = members[index].address.adminPort
        switch bookkeeping[index].adminVerdict {
        case .belongs: return AdminRequest(port: port, checkIdentity: false)
        case .unproven: return AdminRequest(port: port, checkIdentity: true)
        case .skip(let untilMs, _):
            guard let now = lastTimeMs, now >= untilMs else { return nil }
            return AdminRequest(port: port, checkIdentity: true)
        }
    }

    /// The AdminServer's answers, if they are this node's: a port that does
    /// not answer is left alone for a while, and one that names another
    /// client port belongs to another node (the rest of its answer is not
    /// this node's leader or zab state).
    private mutating func vetAdmin(_ admin: AdminSample?, at index: Int, conf: ConfReport?, timeMs: Int64) -> AdminSample? {
        if let conf {
            bookkeeping[index].confClientPort = conf.clientPort
            bookkeeping[index].confServerId = conf.serverId ?? 0
        }
        guard let admin else { return nil }
        if let failure = admin.unreachable, failure.meansDown {
            bookkeeping[index].adminVerdict = .skip(untilMs: timeMs + Self.adminDownRetryMs,
                                                    reason: "AdminServer on port \(admin.port): \(failure.reason)")
            return nil
        }
        if let port = admin.identityClientPort, !isOwnAdmin(port: port, serverId: admin.identityServerId, at: index) {
            bookkeeping[index].adminVerdict = .skip(
                untilMs: timeMs + Self.adminWrongNodeRetryMs,
                reason: port > 0 ? "AdminServer on port \(admin.port) belongs to the node on client port \(port)"
                    : "AdminServer on port \(admin.port) belongs to server \(admin.identityServerId.map(String.init) ?? "?") (its node has no plain client port)")
            return nil
        }
        if bookkeeping[index].adminVerdict != .belongs {
            guard admin.identityClientPort != nil else { return nil }
            bookkeeping[index].adminVerdict = .belongs
        }
        return admin
    }

    /// An AdminServer names its node by client port: ours when it is the port
    /// we poll, or the plain port the node's own `conf` names (we reach it over
    /// its secure port). A TLS-only node's says -1: then its server id must be
    /// the one the node's `conf` gives (0 standalone).
    private func isOwnAdmin(port: Int, serverId: Int?, at index: Int) -> Bool {
        if port == members[index].address.clientPort { return true }
        let book = bookkeeping[index]
        if port > 0 { return port == book.confClientPort }
        guard let serverId, let ownId = book.confServerId else { return false }
        return serverId == ownId
    }

    /// Why the node's AdminServer is not used, when it is not.
    public func adminProblem(_ index: Int) -> String? {
        guard members.indices.contains(index), case .skip(_, let reason) = bookkeeping[index].adminVerdict else { return nil }
        return reason
    }

    // MARK: - applying a round

    @discardableResult
    public mutating func apply(_ round: PollRound) -> [MonitorEvent] {
        let eventsBefore = eventLog.appendedCount
        let previous = nodes
        let previousSummary = summary
        let elapsedSeconds = lastTimeMs.map { Double(round.timeMs - $0) / 1000 }

        for index in members.indices where members[index].duplicateOf == nil {
            guard index < round.samples.count, var sample = round.samples[index] else { continue }
            let conf: ConfReport? = if case .success(let text)? = sample.answers[.conf] { ConfReport.parse(text).report } else { nil }
            sample.admin = vetAdmin(sample.admin, at: index, conf: conf, timeMs: round.completedMs)
            var status = NodeStatusReader.read(sample, member: members[index])
            remember(sample: sample, status: status, at: index)
            if sample.answers[.conf] != nil {
                bookkeeping[index].confAskedAtRound = roundsApplied
                bookkeeping[index].confMembers = status.confMembers
                bookkeeping[index].confVersion = status.confVersion
            } else if status.state.isUp {
                status.confMembers = bookkeeping[index].confMembers
                status.confVersion = bookkeeping[index].confVersion
            }
            // Words not asked this round because the node refused them still are.
            let stillRefused = bookkeeping[index].refusedAtRound.keys.filter {
                $0 != .vote && sample.answers[$0] == nil && !status.refusedWords.contains($0)
            }
            if !stillRefused.isEmpty, status.state.isUp || status.state == .refused {
                status.refusedWords = (status.refusedWords + stillRefused).sorted()
            }
            status.sid = status.sid ?? bookkeeping[index].knownSid
            status.role = status.role ?? bookkeeping[index].knownRole
            bookkeeping[index].knownSid = status.sid
            bookkeeping[index].knownRole = status.role
            status.packetsReceivedPerSecond = rate(status.packetsReceived, bookkeeping[index].packetsReceived, elapsedSeconds)
            status.packetsSentPerSecond = rate(status.packetsSent, bookkeeping[index].packetsSent, elapsedSeconds)
            if let zxid = status.zxid, let before = bookkeeping[index].zxid, zxid.epoch == before.epoch {
                status.txnsPerSecond = rate(Int64(zxid.counter), Int64(before.counter), elapsedSeconds)
            }
            nodes[index] = status
            bookkeeping[index].resolvedKey = sample.resolvedKey ?? bookkeeping[index].resolvedKey
        }
        let eventTimeMs = round.completedMs
        reconcileIdentities(at: eventTimeMs)
        markResolvedDuplicates(round)
        markSameSidDuplicates()
        copyDuplicates()
        updateMembership(at: eventTimeMs)
        if settings.discoverMembers { discoverMembers(at: eventTimeMs) }

        var next = ClusterSummary()
        let leaderIndex = chooseLeader(&next)
        computeLag(leader: leaderIndex)
        computeVotes(leader: leaderIndex, into: &next)
        computeQuorum(leader: leaderIndex, into: &next)
        summary = next

        let allPolled = !members.indices.contains {
            members[$0].duplicateOf == nil && members[$0].unpollableReason == nil && !bookkeeping[$0].polled
        }
        if initialStateLogged {
            logStateChanges(from: previous, at: eventTimeMs)
            logLeaderChange(at: eventTimeMs)
            if previousSummary.hasQuorum != summary.hasQuorum { logQuorumChange(at: eventTimeMs) }
        } else if allPolled {
            logInitialState(at: eventTimeMs)
        }
        logLag(at: eventTimeMs)
        updateLeaderTracking(at: eventTimeMs)
        for (_, event) in roundEvents.sorted(by: { $0.rank < $1.rank }) { eventLog.append(event) }
        roundEvents.removeAll(keepingCapacity: true)

        for index in members.indices {
            histories[index].record(nodes[index], atMs: round.timeMs)
            let status = nodes[index]
            bookkeeping[index].packetsReceived = status.packetsReceived ?? bookkeeping[index].packetsReceived
            bookkeeping[index].packetsSent = status.packetsSent ?? bookkeeping[index].packetsSent
            bookkeeping[index].zxid = status.zxid ?? bookkeeping[index].zxid
            if let mntr = status.monitor {
                bookkeeping[index].electionCount = mntr.electionTimeCount
                bookkeeping[index].electionSumMs = mntr.electionTimeSumMs
            }
        }
        lastTimeMs = round.timeMs
        roundsApplied += 1
        hasUnpolledMembers = members.indices.contains {
            members[$0].duplicateOf == nil && members[$0].unpollableReason == nil && !bookkeeping[$0].polled
        }
        return eventLog.events(after: eventsBefore)
    }

    private mutating func remember(sample: NodeSample, status: NodeStatus, at index: Int) {
        bookkeeping[index].polled = true
        for word in sample.answers.keys {
            if status.refusedWords.contains(word) {
                if bookkeeping[index].refusedAtRound[word] == nil { bookkeeping[index].refusedAtRound[word] = roundsApplied }
            } else if case .success = sample.answers[word] {
                bookkeeping[index].refusedAtRound[word] = nil
            }
        }
        if let version = status.version { bookkeeping[index].isZkdash = version.contains("zkdash") }
        if status.telemetry != nil { bookkeeping[index].isZkdash = true }
        if sample.answers[.vote] != nil, status.telemetry == nil {
            // The word exists only on zkdash builds with an ensemble; an older
            // build answers something else: ask again later, not every round.
            bookkeeping[index].refusedAtRound[.vote] = roundsApplied
        }
    }

    private func rate(_ now: Int64?, _ before: Int64?, _ elapsedSeconds: Double?) -> Double? {
        guard let now, let before, let elapsedSeconds, elapsedSeconds > 0, now >= before else { return nil }
        return Double(now - before) / elapsedSeconds
    }

    /// Two names for one node (localhost and 127.0.0.1): the later one is a duplicate.
    private mutating func markResolvedDuplicates(_ round: PollRound) {
        var firstByKey: [String: Int] = [:]
        for index in members.indices where members[index].duplicateOf == nil {
            guard index < round.samples.count, let key = round.samples[index]?.resolvedKey else { continue }
            if let original = firstByKey[key] {
                members[index].duplicateOf = original
            } else {
                firstByKey[key] = index
            }
        }
    }

    /// Two addresses whose answers name the same sid of the same ensemble are
    /// one node (`[::1]:P` and `127.0.0.1:P` resolve differently but reach one
    /// process). Standalone servers all call themselves 0: never merged by sid.
    private mutating func markSameSidDuplicates() {
        var firstBySid: [Int: Int] = [:]
        for index in members.indices where members[index].duplicateOf == nil && members[index].unpollableReason == nil {
            guard let sid = nodes[index].reportedSid, nodes[index].state != .standalone else { continue }
            if let original = firstBySid[sid], sameEnsemble(original, index) {
                members[index].duplicateOf = original
            } else if firstBySid[sid] == nil {
                firstBySid[sid] = index
            }
        }
    }

    /// Same membership when both nodes told it (else nothing says otherwise).
    private func sameEnsemble(_ a: Int, _ b: Int) -> Bool {
        guard let one = nodes[a].confMembers, let other = nodes[b].confMembers else { return true }
        return one == other
    }

    /// A member listed (zoo.cfg) or discovered as sX whose address answers as
    /// sY is not sX: the address was a guess (a `server.N` line without a client
    /// port) or is wrong. Its row stays sX with no address; sY gets a row of its
    /// own if no other member has one.
    private mutating func reconcileIdentities(at timeMs: Int64) {
        for index in members.indices where members[index].duplicateOf == nil && members[index].unpollableReason == nil {
            guard let expected = members[index].configuredSid, let answered = nodes[index].reportedSid, answered != expected,
                  nodes[index].state != .standalone else { continue }
            let address = members[index].address
            let reason = "\(address) answers as s\(answered), not s\(expected): s\(expected)'s client address is unknown; list it with --servers"
            members[index].unpollableReason = reason
            members[index].address.clientPort = 0
            var status = NodeStatus(address: members[index].address, state: .unknown)
            status.sid = expected
            status.role = members[index].configuredRole
            status.reason = reason
            nodes[index] = status
            bookkeeping[index] = NodeBookkeeping()
            histories[index] = MetricHistory(capacity: settings.historyCapacity)
            record(.membership, MonitorEvent(timeMs: timeMs, kind: .membership, memberIndex: index,
                                             text: "\(address) answers as s\(answered), not s\(expected): s\(expected)'s client address is unknown"))
            let covered = members.indices.contains { $0 != index && (nodes[$0].sid ?? members[$0].configuredSid) == answered }
            if !covered {
                add(Member(address: address, origin: .discovered, configuredSid: answered))
            }
        }
    }

    private mutating func copyDuplicates() {
        // An alias of an alias (127.0.0.1 resolved like localhost, localhost
        // answered as the same sid as [::1]) points at the row itself.
        for index in members.indices {
            var root = members[index].duplicateOf
            while let next = root.flatMap({ members[$0].duplicateOf }) { root = next }
            members[index].duplicateOf = root
        }
        for index in members.indices { nodes[index].aliases = [] }
        for index in members.indices {
            guard let original = members[index].duplicateOf else { continue }
            nodes[original].aliases.append(members[index].address)
            var copy = nodes[original]
            copy.address = members[index].address
            copy.duplicateOf = members[original].address
            copy.reason = "same node as \(members[original].address); polled and counted once"
            nodes[index] = copy
        }
    }

    /// The leader's membership wins; otherwise the newest version, then the
    /// largest one any node reports. A reconfiguration (a new version whose
    /// members or roles differ) is an event naming who joined and who left.
    private mutating func updateMembership(at timeMs: Int64) {
        let candidates = members.indices.filter { members[$0].duplicateOf == nil }.compactMap { index -> (Bool, Int64, [ServerEntry], Int)? in
            guard let conf = nodes[index].confMembers else { return nil }
            return (nodes[index].state == .leading, nodes[index].confVersion ?? 0, conf, index)
        }
        if let best = candidates.max(by: { ($0.0 ? 1 : 0, $0.1, $0.2.count) < ($1.0 ? 1 : 0, $1.1, $1.2.count) }) {
            if let before = membershipVersion, best.1 > before, let event = Self.reconfiguration(from: membership, to: best.2, version: best.1) {
                record(.membership, MonitorEvent(timeMs: timeMs, kind: .membership, memberIndex: best.3, text: event))
            }
            if membershipVersion.map({ best.1 >= $0 }) ?? true {
                membership = best.2
                membershipVersion = best.1
                membershipReporter = best.3
            }
        }
        for index in members.indices {
            guard let sid = nodes[index].sid, let entry = membership.first(where: { $0.sid == sid }) else { continue }
            nodes[index].role = entry.role
        }
    }

    private mutating func discoverMembers(at timeMs: Int64) {
        guard let reporter = membershipReporter else { return }
        let knownSids = Set(members.indices.compactMap { nodes[$0].sid ?? members[$0].configuredSid })
        // Addresses as given and as they resolved: `localhost:P` is `127.0.0.1:P`.
        let knownAddresses = Set(members.map { $0.address.normalizedKey } + bookkeeping.compactMap(\.resolvedKey))
        let source = nodes[reporter].label
        for entry in membership where !knownSids.contains(entry.sid) {
            // Plain `server.N=host:port:port` lines carry no client port: assume
            // the reporter's (the usual layout: one node per host, all on 2181).
            let port = entry.clientPort ?? members[reporter].address.clientPort
            let address = NodeAddress(host: Member.clientHost(entry.clientHost, serverHost: entry.host), clientPort: port)
            var member = Member(address: address, origin: .discovered, configuredSid: entry.sid, configuredRole: entry.role)
            var text = "discovered s\(entry.sid) at \(address) (\(entry.role.rawValue)) in \(source)'s conf"
            if knownAddresses.contains(address.normalizedKey) {
                guard entry.clientPort == nil else { continue }
                member.address.clientPort = 0
                member.unpollableReason = "client port unknown: server.\(entry.sid) has no ;clientPort and port \(port) on \(address.host) is \(source)'s; list it with --servers"
                text = "s\(entry.sid) in \(source)'s conf has no client port; list it with --servers"
            }
            add(member)
            record(.membership, MonitorEvent(timeMs: timeMs, kind: .membership, memberIndex: members.count - 1, text: text))
        }
    }

    // MARK: - leader, lag, votes, quorum

    /// One row per node: members that are not another member's alias
    /// (unpollable ones included: they are voters we cannot see). Views and
    /// reports list these; an alias shows in its node's `aliases`.
    public var rows: [Int] { members.indices.filter { members[$0].duplicateOf == nil && !hasLeft($0) } }

    /// A member found by discovery or in a zoo.cfg that a reconfiguration
    /// since removed: it drops out of the views (one listed with --servers
    /// stays, showing what that process now says).
    func hasLeft(_ index: Int) -> Bool {
        guard members[index].origin != .given, (membershipVersion ?? 0) > 0, !membership.isEmpty,
              let sid = nodes[index].sid ?? members[index].configuredSid else { return false }
        return !membership.contains { $0.sid == sid }
    }

    /// "reconfiguration 0x100000004: s1 s2 s3 s100 (was s1 s2 s3): s100 joined
    /// as observer", or nil when members and roles are the same (Apache's
    /// first leader only stamps a version on the static membership).
    static func reconfiguration(from old: [ServerEntry], to new: [ServerEntry], version: Int64) -> String? {
        let before = Dictionary(old.map { ($0.sid, $0.role) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.map { ($0.sid, $0.role) }, uniquingKeysWith: { first, _ in first })
        guard before != after else { return nil }
        func names(_ roles: [Int: PeerType]) -> String { roles.keys.sorted().map { "s\($0)" }.joined(separator: " ") }
        var changes: [String] = []
        for sid in after.keys.sorted() where before[sid] == nil { changes.append("s\(sid) joined as \(after[sid]!.rawValue)") }
        for sid in before.keys.sorted() where after[sid] == nil { changes.append("s\(sid) left") }
        for sid in after.keys.sorted() where before[sid] != nil && before[sid] != after[sid] {
            changes.append("s\(sid) is now \(after[sid] == .observer ? "an observer" : "a participant")")
        }
        return "reconfiguration 0x\(String(version, radix: 16)): \(names(after)) (was \(names(before))): \(changes.joined(separator: ", "))"
    }

    var countedIndices: [Int] { rows }

    private func chooseLeader(_ summary: inout ClusterSummary) -> Int? {
        let counted = countedIndices
        let leading = counted.filter { nodes[$0].state == .leading }
        summary.leaderCount = leading.count
        if let leader = leading.max(by: { (nodes[$0].zxid ?? Zxid(rawValue: 0)) < (nodes[$1].zxid ?? Zxid(rawValue: 0)) }) {
            summary.leaderIndex = leader
            summary.epoch = nodes[leader].zxid?.epoch
            return leader
        }
        // A lone standalone server is its own leader and quorum.
        if counted.count == 1, nodes[counted[0]].state == .standalone {
            summary.leaderIndex = counted[0]
            summary.leaderCount = 1
            summary.epoch = nodes[counted[0]].zxid?.epoch
            return counted[0]
        }
        return nil
    }

    private mutating func computeLag(leader: Int?) {
        let leaderZxid = leader.flatMap { nodes[$0].zxid }
        for index in members.indices {
            nodes[index].lagTxns = nil
            nodes[index].epochsBehind = nil
            guard let leaderZxid, let zxid = nodes[index].zxid, nodes[index].state.isUp else { continue }
            if zxid.epoch < leaderZxid.epoch, leaderZxid.counter == 0 {
                // Nothing committed in the new epoch yet: a synced follower
                // still reports its last zxid of the old one (Apache's srvr).
                nodes[index].lagTxns = 0
                nodes[index].epochsBehind = 0
            } else if zxid.epoch == leaderZxid.epoch {
                // Polls of two nodes are not simultaneous: a follower can look ahead.
                nodes[index].lagTxns = max(0, Int64(leaderZxid.counter) - Int64(zxid.counter))
                nodes[index].epochsBehind = 0
            } else {
                nodes[index].epochsBehind = Int64(leaderZxid.epoch) - Int64(zxid.epoch)
            }
        }
    }

    /// A node counts as a voter unless membership or its mode says observer.
    private func isVoter(_ index: Int) -> Bool {
        if let role = nodes[index].role { return role == .participant }
        return nodes[index].state != .observing
    }

    private mutating func computeVotes(leader: Int?, into summary: inout ClusterSummary) {
        let leaderLabel = leader.map { nodes[$0].label }
        var counts: [String: Int] = [:]
        var order: [String] = []
        for index in countedIndices {
            if let vote = nodes[index].vote {
                nodes[index].supports = "s\(vote)"
            } else if let leaderLabel, [.leading, .following, .observing].contains(nodes[index].state) {
                nodes[index].vote = leader.flatMap { nodes[$0].sid }
                nodes[index].supports = leaderLabel
                nodes[index].voteSource = .modes
            }
            guard isVoter(index), let candidate = nodes[index].supports else { continue }
            if counts[candidate] == nil { order.append(candidate) }
            counts[candidate, default: 0] += 1
            summary.voteSource = max(summary.voteSource, nodes[index].voteSource)
        }
        summary.tally = order.map { ClusterSummary.VoteCount(candidate: $0, votes: counts[$0]!) }
            .sorted { $0.votes > $1.votes }
        for index in members.indices where members[index].duplicateOf != nil {
            let original = members[index].duplicateOf!
            nodes[index].vote = nodes[original].vote
            nodes[index].supports = nodes[original].supports
            nodes[index].voteSource = nodes[original].voteSource
            nodes[index].lagTxns = nodes[original].lagTxns
            nodes[index].epochsBehind = nodes[original].epochsBehind
        }
    }

    private func computeQuorum(leader: Int?, into summary: inout ClusterSummary) {
        let counted = countedIndices
        let voterIndices = counted.filter(isVoter)
        if counted.count == 1, nodes[counted[0]].state == .standalone {
            summary.membershipSource = .servers
            summary.votersTotal = 1
            summary.votersUp = 1
        } else {
            let participants = membership.filter { $0.role == .participant }
            if !participants.isEmpty {
                summary.membershipSource = .conf
                summary.votersTotal = participants.count
            } else if counted.contains(where: { members[$0].origin == .config }) {
                summary.membershipSource = .config
                summary.votersTotal = voterIndices.count
            } else {
                summary.membershipSource = .servers
                summary.votersTotal = voterIndices.count
            }
            summary.votersUp = voterIndices.filter { nodes[$0].state.isServingInQuorum }.count
        }
        summary.majority = summary.votersTotal / 2 + 1
        summary.hasQuorum = summary.leaderCount == 1 && summary.votersUp >= summary.majority
        summary.problem = quorumProblem(summary, counted: counted)
    }

    private func quorumProblem(_ summary: ClusterSummary, counted: [Int]) -> String? {
        if summary.hasQuorum { return nil }
        let standalone = counted.filter { nodes[$0].state == .standalone }.count
        if standalone > 1 { return "\(standalone) standalone servers are not one ensemble" }
        if standalone == 1 { return "a standalone server is not part of an ensemble with the other \(counted.count - 1) node(s)" }
        if summary.leaderCount > 1 { return "\(summary.leaderCount) nodes say LEADING" }
        if counted.allSatisfy({ !nodes[$0].state.isUp }) { return "no node answers" }
        let unpollable = counted.filter { members[$0].unpollableReason != nil }.count
        if summary.leaderCount == 0, unpollable > 0 {
            return "no leader among the polled nodes; \(unpollable) member(s) have no known client address"
        }
        if summary.leaderCount == 0, counted.contains(where: { nodes[$0].state == .following }) {
            return followersWithoutLeader(summary, counted: counted)
        }
        if summary.leaderCount == 0 { return "no leader (\(summary.votersUp) of \(summary.votersTotal) voters serving)" }
        return "\(summary.votersUp) of \(summary.votersTotal) voters serving, \(summary.majority) needed"
    }

    /// Followers still following, no node leading. Say "not in the list" only
    /// when that is so: the leader they name is not a listed member, or their
    /// leader is unknown and members are missing. A listed leader that stopped
    /// answering (killed, paused) is named with its state instead.
    private func followersWithoutLeader(_ summary: ClusterSummary, counted: [Int]) -> String {
        let following = counted.filter { nodes[$0].state == .following }
        let followed = Set(following.compactMap { nodes[$0].vote })
        if let leaderSid = followed.sorted().first, let leader = counted.first(where: { nodes[$0].sid == leaderSid }) {
            let followers = following.filter { nodes[$0].vote == leaderSid }.map { nodes[$0].label }.joined(separator: " ")
            var state = nodes[leader].state.rawValue
            if let reason = nodes[leader].reason, !nodes[leader].state.isUp { state += " (\(reason))" }
            return "no leader: s\(leaderSid), which \(followers) follow\(following.count == 1 ? "s" : ""), is \(state)"
        }
        // Every member of the reported membership has a pollable row (by count:
        // a member that never answered has no sid yet).
        let membersMissing = membership.isEmpty || counted.count < membership.count
            || counted.contains { members[$0].unpollableReason != nil }
        if !membersMissing {
            return "no leader (\(summary.votersUp) of \(summary.votersTotal) voters serving; the followers have not noticed yet)"
        }
        return "no leader among the polled nodes: a follower's leader is not in the list (list every member, or whitelist conf for discovery)"
    }


}
