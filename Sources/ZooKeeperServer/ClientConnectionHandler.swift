import ConnectionSecurity
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ZooKeeperCore
import ZooKeeperProtocol

/// One client connection: splits bytes into frames (pure FrameDecoder), turns
/// the first frame into a ConnectRequest and later ones into requests, and
/// hands them to the core's loop. Anything it cannot decode closes this
/// connection only, with a log line.
final class ClientConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private let runner: CoreRunner
    private let server: ConnectionAdmission
    private let fourLetterWords: FourLetterWordService
    private let logger: Logger
    private let id: ConnectionID
    private var decoder: FrameDecoder
    private let maxBufferBytes: Int
    private var sawConnectRequest = false
    private var checkedForWord = false
    private var coreAllowsReading = true
    private var hopInFlight = false
    private var readingEnabled = true
    private var prefix: [UInt8] = []
    private var admittedAddress: String?
    private var closing = false

    init(id: ConnectionID, runner: CoreRunner, admission: ConnectionAdmission, fourLetterWords: FourLetterWordService,
         maxBufferBytes: Int, logger: Logger) {
        self.id = id
        self.runner = runner
        self.server = admission
        self.fourLetterWords = fourLetterWords
        self.logger = logger
        self.maxBufferBytes = maxBufferBytes
        self.decoder = FrameDecoder(maxFrameBytes: maxBufferBytes)
    }

    func channelActive(context: ChannelHandlerContext) {
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        let port = context.remoteAddress?.port ?? 0
        guard server.admit(address) else {
            logger.warning("Too many connections from /\(address) - max is \(server.maxPerAddress)")
            closing = true
            context.close(promise: nil)
            return
        }
        admittedAddress = address
        let channel = context.channel
        let (runner, id) = (self.runner, self.id)
        runner.loop.execute { runner.opened(id, channel: channel, address: address, port: port) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let address = admittedAddress { server.release(address) }
        admittedAddress = nil
        let (runner, id) = (self.runner, self.id)
        runner.loop.execute { runner.closed(id) }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        var buffer = unwrapInboundIn(data)
        var bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        // A four-letter word takes the place of the first frame's length:
        // Apache checks the first four bytes of a connection for one.
        if !checkedForWord {
            prefix += bytes
            guard prefix.count >= 4 else { return }
            checkedForWord = true
            let text = String(decoding: prefix.prefix(4), as: UTF8.self)
            if fourLetterWords.isKnownWord(text) {
                closing = true
                let channel = context.channel
                fourLetterWords.respond(to: text, connection: id, runner: runner) { reply in
                    channel.writeAndFlush(ByteBuffer(string: reply)).whenComplete { _ in channel.close(promise: nil) }
                }
                return
            }
            bytes = prefix
            prefix = []
        }
        decoder.append(bytes)
        pump(context: context)
    }

    /// Hands the next frames to the core: at most `framesPerHop` at a time,
    /// one hop in flight, and only while the client drains its replies. A
    /// small read can hold thousands of requests for a large node; without
    /// this, their replies would all be built and buffered at once.
    private func pump(context: ChannelHandlerContext) {
        defer { updateReading(context: context) }
        guard !closing, !hopInFlight, context.channel.isWritable else { return }
        var batch: [InboundFrame] = []
        do {
            while batch.count < Self.framesPerHop, let frame = try decoder.nextFrame() {
                try batch.append(decode(frame))
            }
        } catch {
            logger.warning("closing connection \(id) from \(admittedAddress ?? "?"): \(error)")
            closeGracefully(context: context)
        }
        guard !batch.isEmpty else { return }
        // One hop to the core's loop per batch, not per frame: pipelined
        // clients get their replies in one write and one flush. The promise
        // completes on this channel's loop after the replies' writes (tasks
        // run in order), so writability is current when the next batch goes.
        hopInFlight = true
        let done = context.eventLoop.makePromise(of: Void.self)
        let (runner, id, frames) = (self.runner, self.id, batch)
        runner.loop.execute {
            runner.process(id, frames)
            done.succeed(())
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        done.futureResult.whenComplete { _ in
            let (handler, context) = bound.value
            handler.hopInFlight = false
            handler.pump(context: context)
        }
    }

    /// Frames handed to the core per hop: enough to keep pipelining cheap,
    /// few enough that their replies stay bounded (32 × 1 MB at worst).
    static let framesPerHop = 32
    /// Undecoded request bytes held per connection before reading pauses.
    static let maxBufferedRequestBytes = 1 << 20

    private func decode(_ frame: [UInt8]) throws -> InboundFrame {
        if !sawConnectRequest {
            let request = try ConnectRequest(juteBytes: frame, maxBufferBytes: maxBufferBytes)
            sawConnectRequest = true
            return .connect(request)
        }
        var reader = JuteReader(frame, maxBufferBytes: maxBufferBytes)
        let header = try RequestHeader(from: &reader)
        do {
            return .request(header, try ClientRequest.decode(header: header, body: &reader))
        } catch {
            // SASL frames that do not parse end the connection, as in Apache;
            // other bad bodies get an error reply and the connection lives on.
            if header.type == OpCode.sasl.rawValue { throw error }
            logger.info("connection \(id): undecodable request type \(header.type): \(error)")
            return .undecodable(header)
        }
    }

    /// Like Apache: send FIN first so the peer reads a clean end of stream
    /// (not a reset caused by the bytes we will never read), drop whatever
    /// else arrives, and close for good shortly after.
    private func closeGracefully(context: ChannelHandlerContext) {
        closing = true
        let channel = context.channel
        context.close(mode: .output, promise: nil)
        channel.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
    }

    /// A client that sends requests but does not read replies fills our send
    /// buffer; stop reading from it until the buffer drains, so its replies
    /// cannot pile up in memory without bound.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        pump(context: context)
        context.fireChannelWritabilityChanged()
    }

    /// Reads only while the core has room for more requests from this client
    /// and its replies are draining.
    private func updateReading(context: ChannelHandlerContext) {
        let reading = coreAllowsReading && context.channel.isWritable
            && decoder.bufferedByteCount < Self.maxBufferedRequestBytes
        guard reading != readingEnabled else { return }
        readingEnabled = reading
        context.channel.setOption(ChannelOptions.autoRead, value: reading).whenFailure { _ in }
        if reading { context.read() }
    }

    /// The peer finished sending. A four-letter word still gets its answer
    /// (the responder closes); any other connection is over.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // A TLS client certificate is known before the first request is read;
        // this hop reaches the core's loop ahead of that request's.
        if let subject = ServerTLS.peerSubject(ifHandshakeCompleted: event, context: context) {
            let (runner, id) = (self.runner, self.id)
            runner.loop.execute { runner.identified(id, as: Id(scheme: "x509", id: subject)) }
        }
        if let gate = event as? CoreReadingGate {
            coreAllowsReading = gate.allowed
            updateReading(context: context)
            return
        }
        if let event = event as? ChannelEvent, event == .inputClosed {
            if !closing { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection \(id) error: \(error)")
        context.close(promise: nil)
    }
}

/// The core's verdict on reading from a connection (too many queued requests).
struct CoreReadingGate: Sendable {
    var allowed: Bool
}

/// `maxClientCnxns`: connections per client address, counted across loops.
final class ConnectionAdmission: Sendable {
    let maxPerAddress: Int
    private let counts = NIOLockedValueBox<[String: Int]>([:])

    init(maxPerAddress: Int) {
        self.maxPerAddress = maxPerAddress
    }

    func admit(_ address: String) -> Bool {
        counts.withLockedValue { counts in
            let current = counts[address, default: 0]
            if maxPerAddress > 0 && current >= maxPerAddress { return false }
            counts[address] = current + 1
            return true
        }
    }

    func release(_ address: String) {
        counts.withLockedValue { counts in
            let remaining = counts[address, default: 1] - 1
            counts[address] = remaining > 0 ? remaining : nil
        }
    }

    var total: Int { counts.withLockedValue { $0.values.reduce(0, +) } }
}
