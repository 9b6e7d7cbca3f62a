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

    public init(timeoutMs: Int = 2000, defaultAdminPort: Int? = 8080, maxAnswerBytes: Int = 4 << 20) {
        self.timeoutMs = timeoutMs
        self.defaultAdminPort = defaultAdminPort
        self.maxAnswerBytes = maxAnswerBytes
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
    /// Per AdminServer endpoint: may it be used for this node, and until when
    /// the verdict holds.
    private let adminVerdicts = NIOLockedValueBox<[String: AdminVerdict]>([:])

    private enum AdminVerdict {
        case belongs
        case skipUntil(NIODeadline, reason: String)
    }

    /// One loop thread is plenty for a few dozen short connections a second,
    /// and keeps every callback of a round on one thread (no cross-thread wakeups).
    public static let sharedLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    public init(settings: PollerSettings, group: any EventLoopGroup = EnsemblePoller.sharedLoopGroup, threadPool: NIOThreadPool = .singleton) {
        self.settings = settings
        self.group = group
        resolver = HostResolver(threadPool: threadPool)
        words = FourLetterWordFetcher(group: group, maxAnswerBytes: settings.maxAnswerBytes)
        admin = AdminServerFetcher(group: group, maxAnswerBytes: settings.maxAnswerBytes)
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
            words.fetch(word.rawValue, from: address, deadline: deadline, timeoutMs: settings.timeoutMs).map { (word, $0) }
        }
        let allWords = EventLoopFuture.whenAllSucceed(wordFutures, on: eventLoop)
        var adminSample: AdminSample?
        if request.askAdmin, let adminPort = request.address.adminPort ?? settings.defaultAdminPort {
            adminSample = await pollAdmin(host: host, address: address, adminPort: adminPort,
                                          clientPort: request.address.clientPort, deadline: deadline)
        }
        let pairs = (try? await allWords.get()) ?? []
        var answers = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        if request.probeVote, answers[.vote] == nil, case .success(let srvr)? = answers[.srvr],
           PollRequest.callsForVoteProbe(srvr: srvr) {
            answers[.vote] = (try? await words.fetch(MonitorWord.vote.rawValue, from: address, deadline: deadline,
                                                     timeoutMs: settings.timeoutMs).get()) ?? .failure(.io("poller stopped"))
        }
        return NodeSample(answers: answers, admin: adminSample, resolvedKey: resolvedKey, durationMs: Self.elapsedMs(since: started))
    }

    /// `/commands/leader` and `/commands/zabstate`, used only when this
    /// AdminServer is proven to be the node's own: on one host every node
    /// defaults to port 8080 and only one of them holds it.
    private func pollAdmin(host: String, address: SocketAddress, adminPort: Int, clientPort: Int, deadline: NIODeadline) async -> AdminSample? {
        let key = "\(address.ipAddress ?? host)|\(adminPort)|\(clientPort)"
        let verdict = adminVerdicts.withLockedValue { $0[key] }
        if case .skipUntil(let until, let reason)? = verdict, until > .now() { return AdminSample(problem: reason) }
        guard let adminAddress = try? address.withPort(adminPort) else { return nil }

        async let leaderAnswer = admin.get(command: "leader", host: host, from: adminAddress, deadline: deadline, timeoutMs: settings.timeoutMs)
        async let zabAnswer = admin.get(command: "zabstate", host: host, from: adminAddress, deadline: deadline, timeoutMs: settings.timeoutMs)
        let needsIdentity: Bool = { if case .belongs? = verdict { return false } else { return true } }()
        async let identityAnswer: Result<AdminServerFetcher.Answer, PollFailure>? = needsIdentity
            ? admin.get(command: "configuration", host: host, from: adminAddress, deadline: deadline, timeoutMs: settings.timeoutMs) : nil
        let (leaderResult, zabResult, identityResult) = await (leaderAnswer, zabAnswer, identityAnswer)

        if case .failure(let failure) = leaderResult, failure.meansDown {
            let reason = "AdminServer on port \(adminPort): \(failure.reason)"
            remember(key, .skipUntil(.now() + .seconds(30), reason: reason))
            return AdminSample(problem: reason)
        }
        let leader = Self.decodeJSON(AdminServerReports.Leader.self, leaderResult)
        let zab = Self.decodeJSON(AdminServerReports.ZabState.self, zabResult)
        if needsIdentity {
            let identity = identityResult.flatMap { Self.decodeJSON(AdminServerReports.Identity.self, $0) }
            let provenPort = identity?.clientPort ?? zab?.clientPort
            guard let provenPort else {
                return AdminSample(problem: "AdminServer on port \(adminPort) did not say which node it is")
            }
            guard provenPort == clientPort else {
                let reason = "AdminServer on port \(adminPort) belongs to the node on client port \(provenPort)"
                remember(key, .skipUntil(.now() + .seconds(60), reason: reason))
                return AdminSample(problem: reason)
            }
            remember(key, .belongs)
        }
        return AdminSample(leader: leader, zabState: zab,
                           problem: leader == nil && zab == nil ? "AdminServer on port \(adminPort) gave no usable answer" : nil)
    }

    private func remember(_ key: String, _ verdict: AdminVerdict) {
        adminVerdicts.withLockedValue { $0[key] = verdict }
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
