import NIOCore

/// Hands a connection's bytes and its end to the session driver. Framing and
/// parsing are the pure session's job; this only moves bytes off the socket.
final class ReplyChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let driver: SessionDriver
    /// Which connection attempt this is, so events of a connection the driver
    /// has already given up on are ignored.
    private let generation: Int

    init(driver: SessionDriver, generation: Int) {
        self.driver = driver
        self.generation = generation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        driver.received(bytes, generation: generation)
    }

    func channelInactive(context: ChannelHandlerContext) {
        driver.connectionEnded(generation: generation)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        driver.logger.debug("connection error: \(error)")
        driver.connectionFailed(error, generation: generation)
        context.close(promise: nil)
    }
}
