import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServerTestSupport

/// A TCP proxy on 127.0.0.1 in front of a loopback server, for the tests that
/// need a connection to break: cut it, blackhole it (sockets stay open, bytes
/// are dropped both ways), or feed the client garbage.
final class LoopbackProxy: Sendable {
    let port: Int
    private let listener: any Channel
    private let state: ProxyState

    private init(port: Int, listener: any Channel, state: ProxyState) {
        self.port = port
        self.listener = listener
        self.state = state
    }

    static func start(forwardingTo targetPort: Int) async throws -> LoopbackProxy {
        let state = ProxyState()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { client in
                ClientBootstrap(group: client.eventLoop)
                    .channelInitializer { upstream in
                        upstream.eventLoop.makeCompletedFuture {
                            try upstream.pipeline.syncOperations.addHandler(
                                RelayHandler(partner: client, state: state, isServerSide: true))
                        }
                    }
                    .connect(host: "127.0.0.1", port: targetPort)
                    .flatMapThrowing { upstream in
                        state.add(client: client, upstream: upstream)
                        try client.pipeline.syncOperations.addHandler(
                            RelayHandler(partner: upstream, state: state, isServerSide: false))
                    }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = listener.localAddress?.port else { throw TestFailure("proxy has no port") }
        return LoopbackProxy(port: port, listener: listener, state: state)
    }

    var address: String { "127.0.0.1:\(port)" }

    /// Connections currently relayed.
    var connectionCount: Int { state.pairs.withLockedValue { $0.count } }

    /// Closes every relayed connection at both ends; new ones are still accepted.
    func cutConnections() {
        for pair in state.pairs.withLockedValue({ Array($0.values) }) {
            pair.client.close(promise: nil)
            pair.upstream.close(promise: nil)
        }
    }

    /// Stops forwarding (bytes are dropped) but keeps every socket open.
    func blackhole() { state.isBlackholed.withLockedValue { $0 = true } }

    func resume() { state.isBlackholed.withLockedValue { $0 = false } }

    /// Sends raw bytes to every connected client, as if from the server.
    func sendToClients(_ bytes: [UInt8]) {
        for pair in state.pairs.withLockedValue({ Array($0.values) }) {
            pair.client.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
        }
    }

    func stop() async {
        cutConnections()
        try? await listener.close()
    }
}

private final class ProxyState: Sendable {
    struct Pair: Sendable {
        var client: any Channel
        var upstream: any Channel
    }

    let isBlackholed = NIOLockedValueBox(false)
    let pairs = NIOLockedValueBox<[ObjectIdentifier: Pair]>([:])

    func add(client: any Channel, upstream: any Channel) {
        pairs.withLockedValue { $0[ObjectIdentifier(client)] = Pair(client: client, upstream: upstream) }
    }

    func remove(client: any Channel) {
        _ = pairs.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(client)) }
    }
}

/// Copies one side's bytes to the other side's channel.
private final class RelayHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let partner: any Channel
    let state: ProxyState
    /// The handler on the server-facing connection; while blackholed, the
    /// server closing its end is hidden from the client.
    let isServerSide: Bool

    init(partner: any Channel, state: ProxyState, isServerSide: Bool) {
        self.partner = partner
        self.state = state
        self.isServerSide = isServerSide
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !state.isBlackholed.withLockedValue({ $0 }) else { return }
        partner.writeAndFlush(unwrapInboundIn(data), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if isServerSide {
            if !state.isBlackholed.withLockedValue({ $0 }) { partner.close(promise: nil) }
        } else {
            state.remove(client: context.channel)
            partner.close(promise: nil)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
