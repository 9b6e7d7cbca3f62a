import ZooKeeperProtocol

/// A failed operation: Apache's error code, the path it concerned (as the
/// caller wrote it, without the chroot) and, for a multi, every op's result.
public struct ZooKeeperError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: ErrorCode
    public var path: String?
    /// What went wrong beyond the code, e.g. why a connection was dropped.
    public var detail: String?
    /// For a failed multi: one result per op, as Apache's KeeperException.getResults.
    public var multiResults: [ZooKeeperClient.OperationResult]

    public init(code: ErrorCode, path: String? = nil, detail: String? = nil, multiResults: [ZooKeeperClient.OperationResult] = []) {
        self.code = code
        self.path = path
        self.detail = detail
        self.multiResults = multiResults
    }

    /// Apache's message style: "KeeperErrorCode = NoNode for /a".
    public var description: String {
        var text = "KeeperErrorCode = \(code.message)"
        if let path { text += " for \(path)" }
        if let detail { text += " (\(detail))" }
        return text
    }

    func at(_ path: String) -> ZooKeeperError {
        var copy = self
        if copy.path == nil { copy.path = path }
        return copy
    }
}
