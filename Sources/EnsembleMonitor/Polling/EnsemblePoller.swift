import ConnectionSecurity
import EnsembleModel
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Settings of the I/O side of polling.
public struct PollerSettings: Sendable {
    /// Per node and round: everything a node is asked must answer within this.
    public var timeoutMs: Int
    /// AdminServer port for nodes without their own (`@port`); nil = don't ask.
    public var defaultAdminPort: Int?
    public var maxAnswerBytes: Int
    /// Client ports speak TLS (`--tls-ca`): four-letter words go through it.
    public var tls: ClientTLS?
    /// AdminServers speak HTTPS (`--admin-tls-ca`).
    public var adminTLS: ClientTLS?

    public init(timeoutMs: Int = 2000, defaultAdminPort: Int? = 8080, maxAnswerBytes: Int = 4 << 20,
                tls: ClientTLS? = nil, adminTLS: ClientTLS? = nil) {
        self.timeoutMs = timeoutMs
        self.defaultAdminPort = defaultAdminPort
        self.maxAnswerBytes = maxAnswerBytes
        self.tls = tls
        self.adminTLS = adminTLS
    }
}

/// Polls nodes concurrently: every node, and every word of a node, on its own
/// connection, all bounded by the node's deadline, so no node can delay
/// another's answer.
public final class EnsemblePoller: Sendable {
    public let settings: PollerSettings
    private let group: any EventLoopGroup
    private let resolver: HostResolver
    private let words: FourLetterWordFetcher
    private let admin: AdminServerFetcher
    private let tlsHints: TLSPortHints
    /// One loop thread is plenty for a few dozen short connections a second,
    /// and keeps every callback of a round on one thread (no cross-thread wakeups).
    public static let sharedLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    public init(settings: PollerSettings, group: any EventLoopGroup = EnsemblePoller.sharedLoopGroup, threadPool: NIOThreadPool = .singleton) {
        self.settings = settings
        self.group = group
        resolver = HostResolver(threadPool: threadPool)
        words = FourLetterWordFetcher(group: group, maxAnswerBytes: settings.maxAnswerBytes, tls: settings.tls)
        tlsHints = TLSPortHints()
        admin = AdminServerFetcher(group: group, maxAnswerBytes: settings.maxAnswerBytes, tls: settings.adminTLS)
    }

    /// One sample per member index (nil where nothing was requested).
    public func poll(_ requests: [PollRequest], memberCount: Int) async -> [NodeSample?] {
        var samples = [NodeSample?](repeating: nil, count: memberCount)
        await withTaskGroup(of: (Int, NodeSample).self) { group in
            for request in requests {
                group.addTask { (request.memberIndex, await self.pollNode(request)) }
            }
            for await (index, sample) in group where index < memberCount {
                samples[index] = sample
            }
        }
        return samples
    }

    func pollNode(_ request: PollRequest) async -> NodeSample {
        let started = NIODeadline.now()
        let deadline = started + .milliseconds(Int64(settings.timeoutMs))
        let eventLoop = group.next()
        let host = request.address.host
        let resolved = await resolver.resolve(host: host, port: request.address.clientPort, on: eventLoop, deadline: deadline)
        let address: SocketAddress
        switch resolved {
        case .success(let found): address = found
        case .failure(let failure):
            return NodeSample(answers: Dictionary(uniqueKeysWithValues: request.words.map { ($0, .failure(failure)) }),
                              durationMs: Self.elapsedMs(since: started))
        }
        let resolvedKey = "\(address.ipAddress ?? host)|\(request.address.clientPort)"
        let wordFutures = request.words.map { word in
            words.fetch(word.rawValue, host: host, from: address, deadline: deadline, timeoutMs: settings.timeoutMs).map { (word, $0) }
        }
        let allWords = EventLoopFuture.whenAllSucceed(wordFutures, on: eventLoop)
        var adminSample: AdminSample?
        if let adminRequest = request.admin, let adminPort = adminRequest.port ?? settings.defaultAdminPort {
            adminSample = await pollAdmin(adminRequest, port: adminPort, host: host, address: address, deadline: deadline)
        }
        let pairs = (try? await allWords.get()) ?? []
        var answers = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        if request.probeVote, answers[.vote] == nil, case .success(let srvr)? = answers[.srvr],
           PollRequest.callsForVoteProbe(srvr: srvr) {
            answers[.vote] = (try? await words.fetch(MonitorWord.vote.rawValue, host: host, from: address, deadline: deadline,
                                                     timeoutMs: settings.timeoutMs).get()) ?? .failure(.io("poller stopped"))
        }
        // Silence to plaintext: a TLS port, or a node that does not answer?
        if settings.tls == nil, case .failure(.timedOut(let silentMs))? = answers[.srvr],
           await tlsHints.speaksTLS(address, key: resolvedKey, on: eventLoop) {
            for (word, answer) in answers {
                if case .failure(.timedOut) = answer { answers[word] = .failure(.plaintextToTLSPort(silentMs: silentMs)) }
            }
        }
        return NodeSample(answers: answers, admin: adminSample, resolvedKey: resolvedKey, durationMs: Self.elapsedMs(since: started))
    }

    /// `/commands/leader` and `/commands/zabstate`, plus `/commands/configuration`
    /// when the model has not yet seen this AdminServer prove it is the node's
    /// own. Whether it is, and what follows, is the model's decision.
    private func pollAdmin(_ request: AdminRequest, port adminPort: Int, host: String, address: SocketAddress,
                           deadline: NIODeadline) async -> AdminSample? {
        guard let adminAddress = try? address.withPort(adminPort) else { return nil }
        async let leaderAnswer = admin.get(command: "leader", host: host, from: adminAddress, deadline: deadline, timeoutMs: settings.timeoutMs)
        async let zabAnswer = admin.get(command: "zabstate", host: host, from: adminAddress, deadline: deadline, timeoutMs: settings.timeoutMs)
        async let identityAnswer: Result<AdminServerFetcher.Answer, PollFailure>? = request.checkIdentity
            ? admin.get(command: "configuration", host: host, from: adminAddress, deadline: deadline, timeoutMs: settings.timeoutMs) : nil
        let (leaderResult, zabResult, identityResult) = await (leaderAnswer, zabAnswer, identityAnswer)
        if case .failure(let failure) = leaderResult, failure.meansDown {
            return AdminSample(port: adminPort, unreachable: failure)
        }
        let zab = Self.decodeJSON(AdminServerReports.ZabState.self, zabResult)
        let identity = identityResult.flatMap { Self.decodeJSON(AdminServerReports.Identity.self, $0) }
        return AdminSample(port: adminPort, leader: Self.decodeJSON(AdminServerReports.Leader.self, leaderResult),
                           zabState: zab, identityClientPort: identity?.clientPort ?? zab?.clientPort,
                           identityServerId: identity?.serverId)
    }

    private static func decodeJSON<T: Decodable>(_ type: T.Type, _ answer: Result<AdminServerFetcher.Answer, PollFailure>) -> T? {
        guard case .success(let answer) = answer, answer.status == 200 else { return nil }
        return try? AdminServerReports.decode(T.self, from: answer.body).get()
    }

    static func elapsedMs(since start: NIODeadline) -> Double {
        Double((NIODeadline.now() - start).nanoseconds) / 1_000_000
    }
}

extension SocketAddress {
    func withPort(_ port: Int) throws -> SocketAddress {
        var copy = self
        copy.port = port
        return copy
    }
}
