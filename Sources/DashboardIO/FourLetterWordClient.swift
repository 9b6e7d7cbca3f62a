import NIOCore
import NIOPosix

/// One four-letter word: connect (through `channelSetup`'s TLS for a secure
/// client port), send the word, read until the server closes, bounded by
/// `timeout` and `maxBytes`.
public enum FourLetterWordClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    public static func ask(
        _ word: String, host: String, port: Int, timeout: Duration, maxBytes: Int = 16 << 20,
        channelSetup: (@Sendable (any Channel, _ host: String) throws -> Void)? = nil
    ) async throws -> String {
        try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
                    .connect(host: host, port: port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channelSetup?(channel, host)
                            return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                        }
                    }
                return try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(string: word))
                    var collected = ByteBuffer()
                    do {
                        for try await var chunk in inbound {
                            guard collected.readableBytes + chunk.readableBytes <= maxBytes else {
                                throw Failure(description: "\(word) answer over \(maxBytes) bytes")
                            }
                            collected.writeBuffer(&chunk)
                        }
                    } catch let failure as Failure {
                        throw failure
                    } catch where collected.readableBytes > 0 {
                        // A TLS server that closes without close_notify after its answer.
                    }
                    return collected.readString(length: collected.readableBytes) ?? ""
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw Failure(description: "\(word) to \(host):\(port) timed out")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw Failure(description: "no answer") }
            return first
        }
    }
}
