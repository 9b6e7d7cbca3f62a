/// Why one request to a node produced no answer. `reason` is what the user reads.
public enum PollFailure: Error, Sendable, Equatable {
    case unresolvable(host: String, detail: String)
    case connectionRefused
    case timedOut(afterMs: Int)
    /// Connected, then the node closed without a byte.
    case closedWithoutAnswer
    case answerTooLarge(limitBytes: Int)
    case io(String)
    /// Plaintext to a port that speaks TLS: silent for `afterMs` (Apache's
    /// secure client port) or answering with a TLS alert (nil, zkdash's).
    case plaintextToTLSPort(silentMs: Int?)

    public var reason: String {
        switch self {
        case .unresolvable(let host, let detail): "name \(host) does not resolve (\(detail))"
        case .connectionRefused: "connection refused"
        case .timedOut(let ms): "no answer within \(Self.seconds(ms))"
        case .closedWithoutAnswer: "closed the connection without answering"
        case .answerTooLarge(let limit): "answer larger than \(limit / 1024) KiB"
        case .io(let detail): detail
        case .plaintextToTLSPort(let silentMs?):
            "no answer within \(Self.seconds(silentMs)) to plaintext, but the port speaks TLS (a secureClientPort?): add --tls-ca"
        case .plaintextToTLSPort(nil):
            "answered plaintext with a TLS alert: the port speaks TLS (a secureClientPort?): add --tls-ca"
        }
    }

    /// The node is not reachable at all (as opposed to answering badly).
    public var meansDown: Bool {
        switch self {
        case .unresolvable, .connectionRefused, .timedOut, .io, .plaintextToTLSPort: true
        case .closedWithoutAnswer, .answerTooLarge: false
        }
    }

    public static func seconds(_ ms: Int) -> String {
        ms % 1000 == 0 ? "\(ms / 1000) s" : "\(Double(ms) / 1000) s"
    }
}

/// The four-letter words the monitor asks for.
public enum MonitorWord: String, Sendable, CaseIterable, Comparable {
    case srvr, mntr, conf, cons, wchs
    /// Sessions and their ephemerals: asked of one serving node while the Clients view shows.
    case dump
    /// zkdash's election telemetry (the embedded server only).
    case vote

    public static func < (a: MonitorWord, b: MonitorWord) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What the AdminServer at a node's admin port said this round, as fetched:
/// the model decides whether it is the node's own (`ClusterModel`).
public struct AdminSample: Sendable, Equatable {
    /// The port asked.
    public var port: Int
    public var leader: AdminServerReports.Leader?
    public var zabState: AdminServerReports.ZabState?
    /// The client port the AdminServer says its node serves (`configuration`,
    /// else `zabstate`); nil when it did not say. Apache 3.8 names the plain
    /// `clientPort` here, -1 on a node with a secure client port only.
    public var identityClientPort: Int?
    /// `server_id` from `configuration`: tells a TLS-only node's own
    /// AdminServer from another's, where the client port cannot.
    public var identityServerId: Int?
    /// The AdminServer could not be reached at all.
    public var unreachable: PollFailure?

    public init(port: Int, leader: AdminServerReports.Leader? = nil, zabState: AdminServerReports.ZabState? = nil,
                identityClientPort: Int? = nil, identityServerId: Int? = nil, unreachable: PollFailure? = nil) {
        self.identityServerId = identityServerId
        self.port = port
        self.leader = leader
        self.zabState = zabState
        self.identityClientPort = identityClientPort
        self.unreachable = unreachable
    }
}

/// How to ask one node's AdminServer this round.
public struct AdminRequest: Sendable, Equatable {
    /// The node's own admin port (`host:port@admin`); nil = the poller's default.
    public var port: Int?
    /// Also ask which node it is (`/commands/configuration`): not yet proven
    /// to be this node's. On one host every node defaults to port 8080 and
    /// only one of them holds it.
    public var checkIdentity: Bool

    public init(port: Int?, checkIdentity: Bool) {
        self.port = port
        self.checkIdentity = checkIdentity
    }
}

/// Everything one node answered in one poll round.
public struct NodeSample: Sendable, Equatable {
    public var answers: [MonitorWord: Result<String, PollFailure>]
    public var admin: AdminSample?
    /// `address|port` after name resolution, to spot one node listed twice
    /// under different names.
    public var resolvedKey: String?
    /// Wall time this node took to answer everything it was asked.
    public var durationMs: Double

    public init(answers: [MonitorWord: Result<String, PollFailure>], admin: AdminSample? = nil, resolvedKey: String? = nil, durationMs: Double = 0) {
        self.answers = answers
        self.admin = admin
        self.resolvedKey = resolvedKey
        self.durationMs = durationMs
    }
}

/// One poll round: a sample per member that was asked (nil for members that
/// were not, e.g. duplicates).
public struct PollRound: Sendable {
    /// Wall-clock time of the round's start, ms since 1970 (rates, history).
    public var timeMs: Int64
    /// When the last answer of the round was in: every change the round saw
    /// had happened by then, so its events carry this time and sort after any
    /// action (a demo's kill or resume) that caused them.
    public var completedMs: Int64
    public var samples: [NodeSample?]

    public init(timeMs: Int64, completedMs: Int64? = nil, samples: [NodeSample?]) {
        self.timeMs = timeMs
        self.completedMs = max(timeMs, completedMs ?? timeMs)
        self.samples = samples
    }
}

/// What to ask one member this round.
public struct PollRequest: Sendable, Equatable {
    public var memberIndex: Int
    public var address: NodeAddress
    public var words: [MonitorWord]
    /// nil: do not ask the AdminServer this round.
    public var admin: AdminRequest?
    /// The node's kind is not known yet: ask `vote` after `srvr` when its
    /// answer names a zkdash version, or says the node is not serving (a
    /// zkdash server in election tells only through `vote`; Apache closes on
    /// the unknown word, so a serving Apache node is never sent it).
    public var probeVote = false

    public init(memberIndex: Int, address: NodeAddress, words: [MonitorWord], admin: AdminRequest?, probeVote: Bool = false) {
        self.memberIndex = memberIndex
        self.address = address
        self.words = words
        self.admin = admin
        self.probeVote = probeVote
    }

    /// Whether `srvr`'s answer calls for the `vote` probe.
    public static func callsForVoteProbe(srvr: String) -> Bool {
        if FourLetterReply.isNotServing(srvr) { return true }
        let firstLine = srvr.prefix { $0 != "\n" }
        return firstLine.hasPrefix("Zookeeper version: ") && firstLine.contains("zkdash")
    }
}
