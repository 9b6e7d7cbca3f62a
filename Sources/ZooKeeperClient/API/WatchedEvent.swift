import ZooKeeperProtocol

/// A change to a watched znode. `path` is as the client sees it (chroot removed).
public struct WatchedEvent: Sendable, Hashable, CustomStringConvertible {
    public var type: WatcherEventType
    public var path: String

    public init(type: WatcherEventType, path: String) {
        self.type = type
        self.path = path
    }

    public var description: String { "\(type) \(path)" }
}
