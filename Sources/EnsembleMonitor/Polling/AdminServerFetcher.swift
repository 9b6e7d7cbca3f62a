import ConnectionSecurity
import EnsembleModel
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// GET `/commands/<name>` from an Apache AdminServer (HTTP/1.1 via NIOHTTP1,
/// JSON via Foundation in `AdminServerReports`).
struct AdminServerFetcher: Sendable {
    let group: any EventLoopGroup
    let maxAnswerBytes: Int
    /// HTTPS AdminServers (`--admin-tls-ca`).
    let tls: ClientTLS?

    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
    }

    func get(command: String, host: String, from address: SocketAddress, deadline: NIODeadline, timeoutMs: Int) async -> Result<Answer, PollFailure> {
        await exchange(group: group, address: address, deadline: deadline, timeoutMs: timeoutMs, maxAnswerBytes: maxAnswerBytes) { [tls] channel in
            try tls?.secure(channel, host: host)
            try channel.pipeline.syncOperations.addHTTPClientHandlers()
        } send: { channel in
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: host.contains(":") ? "[\(host)]" : host)
            headers.add(name: "Accept", value: "application/json")
            headers.add(name: "Connection", value: "close")
            let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/commands/\(command)", headers: headers)
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            return channel.writeAndFlush(HTTPClientRequestPart.end(nil))
        } makeCollector: { once, limit in
            HTTPAnswerCollector(once: once, limitBytes: limit)
        }
    }
}

final class HTTPAnswerCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPClientResponsePart

    private let once: OnceResult<AdminServerFetcher.Answer>
    private let limitBytes: Int
    private let answer = NIOLockedValueBox(AdminServerFetcher.Answer(status: 0, body: []))

    init(once: OnceResult<AdminServerFetcher.Answer>, limitBytes: Int) {
        self.once = once
        self.limitBytes = limitBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            answer.withLockedValue { $0.status = Int(head.status.code) }
        case .body(var buffer):
            let tooLarge = answer.withLockedValue { answer -> Bool in
                answer.body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
                return answer.body.count > limitBytes
            }
            if tooLarge {
                once.fail(PollFailure.answerTooLarge(limitBytes: limitBytes))
                context.close(promise: nil)
            }
        case .end:
            once.succeed(answer.withLockedValue { $0 })
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        once.fail(PollFailure.closedWithoutAnswer)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        once.fail(PollFailure.io("AdminServer: \(error)"))
        context.close(promise: nil)
    }
}
