import EnsembleModel
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Name → address, off the event loops and the cooperative pool (getaddrinfo
/// blocks, for seconds when DNS is slow), bounded by the caller's deadline, and
/// cached so a dead DNS server costs one lookup, not one per word per round.
final class HostResolver: Sendable {
    private struct CacheEntry {
        var result: Result<SocketAddress, PollFailure>
        var expiresAt: NIODeadline
    }

    private let threadPool: NIOThreadPool
    private let cache = NIOLockedValueBox<[String: CacheEntry]>([:])
    private static let positiveLifetime = TimeAmount.seconds(60)
    private static let negativeLifetime = TimeAmount.seconds(10)

    init(threadPool: NIOThreadPool) {
        self.threadPool = threadPool
    }

    func resolve(host: String, port: Int, on eventLoop: any EventLoop, deadline: NIODeadline) async -> Result<SocketAddress, PollFailure> {
        if let literal = try? SocketAddress(ipAddress: host, port: port) { return .success(literal) }
        // RFC 6761: `.invalid` names never resolve; answering locally keeps
        // such lookups (and tests of them) off the network.
        let lowered = host.lowercased()
        if lowered == "invalid" || lowered.hasSuffix(".invalid") || lowered.hasSuffix(".invalid.") {
            return .failure(.unresolvable(host: host, detail: "reserved .invalid name"))
        }
        let key = "\(lowered)|\(port)"
        let now = NIODeadline.now()
        if let cached = cache.withLockedValue({ $0[key] }), cached.expiresAt > now { return cached.result }

        let once = OnceResult<SocketAddress>(on: eventLoop)
        let timeoutMs = Int((deadline - now).nanoseconds / 1_000_000)
        let timeout = eventLoop.scheduleTask(deadline: deadline) {
            once.fail(PollFailure.unresolvable(host: host, detail: "lookup took longer than \(PollFailure.seconds(max(timeoutMs, 0)))"))
        }
        threadPool.runIfActive(eventLoop: eventLoop) {
            try SocketAddress.makeAddressResolvingHost(host, port: port)
        }.whenComplete { result in
            switch result {
            case .success(let address): once.succeed(address)
            case .failure(let error): once.fail(PollFailure.unresolvable(host: host, detail: Self.describe(error)))
            }
        }
        let result: Result<SocketAddress, PollFailure>
        do {
            result = .success(try await once.futureResult.get())
        } catch {
            result = .failure(PollFailure.from(error, timeoutMs: timeoutMs))
        }
        timeout.cancel()
        let lifetime = (try? result.get()) == nil ? Self.negativeLifetime : Self.positiveLifetime
        cache.withLockedValue { $0[key] = CacheEntry(result: result, expiresAt: .now() + lifetime) }
        return result
    }

    private static func describe(_ error: any Error) -> String {
        if let resolution = error as? SocketAddressError, case .unknown = resolution { return "unknown host" }
        return "\(error)"
    }
}
