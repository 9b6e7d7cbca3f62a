import NIOCore
import ZooKeeperProtocol

/// Length-prefixed frames from a peer (election or quorum connection), handed
/// to the quorum peer on the channel's loop — which is the core's loop, since
/// every quorum channel is created on it. Bad framing closes this connection
/// only.
final class PeerFrameHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var decoder: FrameDecoder
    private let onFrame: (any Channel, [UInt8]) -> Void
    private let onClose: (any Channel) -> Void

    init(maxFrameBytes: Int, onFrame: @escaping (any Channel, [UInt8]) -> Void, onClose: @escaping (any Channel) -> Void) {
        decoder = FrameDecoder(maxFrameBytes: maxFrameBytes)
        self.onFrame = onFrame
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if let bytes = buffer.readBytes(length: buffer.readableBytes) { decoder.append(bytes) }
        do {
            while let frame = try decoder.nextFrame() {
                onFrame(context.channel, frame)
                guard context.channel.isActive else { return }
            }
        } catch {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        onClose(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
