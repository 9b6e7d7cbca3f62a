import NIOConcurrencyHelpers
import NIOCore

/// Every accepted connection until it closes, so `stop()` can close them all
/// before the event loops shut down.
final class OpenChannels: Sendable {
    private let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        channels.withLockedValue { $0[key] = channel }
        channel.closeFuture.whenComplete { [channels] _ in
            channels.withLockedValue { $0[key] = nil }
        }
    }

    func all() -> [any Channel] { channels.withLockedValue { Array($0.values) } }
}
