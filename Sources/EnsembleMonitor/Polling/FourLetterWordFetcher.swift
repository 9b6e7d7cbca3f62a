import ConnectionSecurity
import EnsembleModel
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Asks one node one four-letter word: connect, send the word, read until the
/// node closes. Bounded by a deadline and an answer size, so a silent or
/// chatty node costs at most `timeout` and `maxAnswerBytes`.
struct FourLetterWordFetcher: Sendable {
    let group: any EventLoopGroup
    let maxAnswerBytes: Int
    /// The word goes through TLS to a secure client port (`--tls-ca`).
    let tls: ClientTLS?

    /// A future that always succeeds, with the answer or the failure: a
    /// round waits for all words at once instead of one task hop per word.
    func fetch(_ word: String, host: String, from address: SocketAddress, deadline: NIODeadline, timeoutMs: Int)
        -> EventLoopFuture<Result<String, PollFailure>> {
        exchangeFuture(group: group, address: address, deadline: deadline, timeoutMs: timeoutMs, maxAnswerBytes: maxAnswerBytes) { [tls] channel in
            try tls?.secure(channel, host: host)
        } send: { channel in
            channel.writeAndFlush(ByteBuffer(string: word))
        } makeCollector: { once, limit in
            RawAnswerCollector(once: once, limitBytes: limit)
        }.map { [tls] result in
            // A TLS alert in answer to a plaintext word: zkdash's secure port refusing it.
            if tls == nil, case .success(let bytes) = result, TLSPortProbe.isTLSRecord(bytes) {
                return .failure(.plaintextToTLSPort(silentMs: nil))
            }
            return result.map { String(decoding: $0, as: UTF8.self) }
        }
    }
}

/// Which silent ports speak TLS, probed once per `ttl` per address: "no
/// answer" to plaintext from Apache's secure client port looks like a paused
/// node, so the poller asks once, off the plaintext's deadline, and remembers.
final class TLSPortHints: Sendable {
    private let known = NIOLockedValueBox<[String: (speaksTLS: Bool, untilNs: UInt64)]>([:])
    static let ttl: TimeAmount = .seconds(30)
    /// At most this long is added to a round in which a port stays silent.
    static let probeTimeout: TimeAmount = .milliseconds(500)

    func speaksTLS(_ address: SocketAddress, key: String, on eventLoop: any EventLoop) async -> Bool {
        let now = NIODeadline.now().uptimeNanoseconds
        if let entry = known.withLockedValue({ $0[key] }), entry.untilNs > now { return entry.speaksTLS }
        let answer = (try? await TLSPortProbe.speaksTLS(address, on: eventLoop, timeout: Self.probeTimeout).get()) ?? false
        known.withLockedValue { known in
            // Bounded by the ensemble's addresses; stale ones are dropped as they expire.
            known = known.filter { $0.value.untilNs > now }
            known[key] = (answer, now + UInt64(Self.ttl.nanoseconds))
        }
        return answer
    }
}

/// Connect, send, collect, with one deadline covering all three. Shared by the
/// four-letter-word and AdminServer fetchers; `makeCollector` builds the
/// handlers that complete `once`.
func exchange<Answer: Sendable>(
    group: any EventLoopGroup,
    address: SocketAddress, deadline: NIODeadline, timeoutMs: Int, maxAnswerBytes: Int,
    configure: @escaping @Sendable (any Channel) throws -> Void = { _ in },
    send: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>,
    makeCollector: @escaping @Sendable (OnceResult<Answer>, Int) -> any ChannelHandler
) async -> Result<Answer, PollFailure> {
    (try? await exchangeFuture(
        group: group, address: address, deadline: deadline, timeoutMs: timeoutMs, maxAnswerBytes: maxAnswerBytes,
        configure: configure, send: send, makeCollector: makeCollector).get()) ?? .failure(.io("poller stopped"))
}

func exchangeFuture<Answer: Sendable>(
    group: any EventLoopGroup,
    address: SocketAddress, deadline: NIODeadline, timeoutMs: Int, maxAnswerBytes: Int,
    configure: @escaping @Sendable (any Channel) throws -> Void = { _ in },
    send: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>,
    makeCollector: @escaping @Sendable (OnceResult<Answer>, Int) -> any ChannelHandler
) -> EventLoopFuture<Result<Answer, PollFailure>> {
    let eventLoop = group.next()
    let once = OnceResult<Answer>(on: eventLoop)
    let channelBox = NIOLockedValueBox<(any Channel)?>(nil)
    let timeout = eventLoop.scheduleTask(deadline: deadline) {
        // Runs on the channel's loop: the collector may still succeed with
        // what it has; otherwise this is a timeout.
        let channel = channelBox.withLockedValue { $0 }
        channel?.pipeline.fireUserInboundEventTriggered(DeadlineReached())
        once.fail(PollFailure.timedOut(afterMs: timeoutMs))
        channel?.close(promise: nil)
    }
    ClientBootstrap(group: eventLoop)
        .connectTimeout(max(deadline - .now(), .milliseconds(1)))
        .channelInitializer { channel in
            do {
                try configure(channel)
                try channel.pipeline.syncOperations.addHandler(makeCollector(once, maxAnswerBytes))
                return channel.eventLoop.makeSucceededVoidFuture()
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
        .connect(to: address)
        .whenComplete { result in
            switch result {
            case .success(let channel):
                channelBox.withLockedValue { $0 = channel }
                send(channel).whenFailure { error in once.fail(PollFailure.from(error, timeoutMs: timeoutMs)) }
            case .failure(let error):
                once.fail(PollFailure.from(error, timeoutMs: timeoutMs))
            }
        }
    return once.futureResult.map { Result<Answer, PollFailure>.success($0) }
        .recover { .failure(PollFailure.from($0, timeoutMs: timeoutMs)) }
        .always { _ in
            timeout.cancel()
            channelBox.withLockedValue { $0 }?.close(promise: nil)
        }
}

/// Sent through the pipeline when the deadline passes.
struct DeadlineReached: Sendable {}

/// Collects every byte until the peer closes. A peer that answers and then
/// keeps the connection open still has its answer read: at the deadline the
/// bytes so far are used.
final class RawAnswerCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    private let once: OnceResult<[UInt8]>
    private let limitBytes: Int
    private let received = NIOLockedValueBox<[UInt8]>([])

    init(once: OnceResult<[UInt8]>, limitBytes: Int) {
        self.once = once
        self.limitBytes = limitBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let tooLarge = received.withLockedValue { bytes -> Bool in
            bytes.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            return bytes.count > limitBytes
        }
        if tooLarge {
            once.fail(PollFailure.answerTooLarge(limitBytes: limitBytes))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let bytes = received.withLockedValue { $0 }
        if bytes.isEmpty {
            once.fail(PollFailure.closedWithoutAnswer)
        } else {
            once.succeed(bytes)
        }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DeadlineReached {
            let bytes = received.withLockedValue { $0 }
            if !bytes.isEmpty { once.succeed(bytes) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset after a full answer (the node closed with unread input) still
        // leaves a usable answer.
        let bytes = received.withLockedValue { $0 }
        if bytes.isEmpty {
            once.fail(PollFailure.from(error, timeoutMs: 0))
        } else {
            once.succeed(bytes)
        }
        context.close(promise: nil)
    }
}
