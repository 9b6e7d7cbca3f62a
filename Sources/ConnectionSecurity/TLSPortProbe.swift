import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// Does a silent port speak TLS? Apache's secure client port answers a
/// plaintext four-letter word with silence, exactly like a paused node, so
/// "no answer" alone leaves the operator guessing. This sends a TLS
/// ClientHello and looks at the first bytes back: a TLS record (a
/// ServerHello, or an alert refusing us) means a TLS port; silence, a close
/// or anything else means not (or not known). Nothing is verified or kept: the
/// connection is closed as soon as the first bytes arrive.
public enum TLSPortProbe {
    /// Succeeds with true when the port answered with a TLS record within `timeout`.
    public static func speaksTLS(_ address: SocketAddress, on eventLoop: any EventLoop, timeout: TimeAmount) -> EventLoopFuture<Bool> {
        let answer = ProbeAnswer(eventLoop.makePromise(of: Bool.self))
        let context: NIOSSLContext
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            answer.succeed(false)
            return answer.futureResult
        }
        let timer = eventLoop.scheduleTask(in: timeout) { answer.succeed(false) }
        ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                do {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                    // Before TLS in the pipeline: it sees the raw bytes.
                    try channel.pipeline.syncOperations.addHandler(RecordSniffer(answer), position: .first)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .connect(to: address)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    answer.futureResult.whenComplete { _ in channel.close(promise: nil) }
                case .failure:
                    answer.succeed(false)
                }
            }
        return answer.futureResult.always { _ in timer.cancel() }
    }

    /// A TLS record header: content type handshake (22) or alert (21), then
    /// major version 3 (SSL 3.0 to TLS 1.3 all say 3).
    public static func isTLSRecord(_ bytes: some Collection<UInt8>) -> Bool {
        guard bytes.count >= 2 else { return false }
        let type = bytes[bytes.startIndex], major = bytes[bytes.index(after: bytes.startIndex)]
        return (type == 21 || type == 22) && major == 3
    }
}

/// The probe's promise, completed once: by the first bytes, a close, an
/// error or the timer, whichever comes first.
private final class ProbeAnswer: Sendable {
    private let promise: EventLoopPromise<Bool>
    private let done = NIOLockedValueBox(false)

    init(_ promise: EventLoopPromise<Bool>) {
        self.promise = promise
    }

    var futureResult: EventLoopFuture<Bool> { promise.futureResult }

    func succeed(_ value: Bool) {
        let first = done.withLockedValue { done in
            defer { done = true }
            return !done
        }
        if first { promise.succeed(value) }
    }
}

/// Completes the probe on the first bytes, or with false when the peer closes.
private final class RecordSniffer: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    private let answer: ProbeAnswer

    init(_ answer: ProbeAnswer) {
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        answer.succeed(TLSPortProbe.isTLSRecord(buffer.readableBytesView))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer.succeed(false)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        answer.succeed(false)
        context.close(promise: nil)
    }
}
