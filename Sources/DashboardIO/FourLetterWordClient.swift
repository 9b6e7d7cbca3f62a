import NIOCore
import NIOPosix

/// One four-letter word over plain TCP: connect, send the word, read until
/// the server closes, bounded by `timeout` and `maxBytes`.
enum FourLetterWordClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func ask(_ word: String, host: String, port: Int, timeout: Duration, maxBytes: Int = 16 << 20) async throws -> String {
        try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask {
                let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .connectTimeout(.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
                    .connect(host: host, port: port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                        }
                    }
                return try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(string: word))
                    var collected = ByteBuffer()
                    for try await var chunk in inbound {
                        guard collected.readableBytes + chunk.readableBytes <= maxBytes else {
                            throw Failure(description: "\(word) answer over \(maxBytes) bytes")
                        }
                        collected.writeBuffer(&chunk)
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
