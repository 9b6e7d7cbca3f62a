/// KeeperException.Code values, as carried in ReplyHeader.err and multi ErrorResult.
public enum ErrorCode: Int32, Sendable, Error, CaseIterable {
    case ok = 0
    case systemError = -1
    case runtimeInconsistency = -2
    case dataInconsistency = -3
    case connectionLoss = -4
    case marshallingError = -5
    case unimplemented = -6
    case operationTimeout = -7
    case badArguments = -8
    case newConfigNoQuorum = -13
    case reconfigInProgress = -14
    case unknownSession = -12
    case apiError = -100
    case noNode = -101
    case noAuth = -102
    case badVersion = -103
    case noChildrenForEphemerals = -108
    case nodeExists = -110
    case notEmpty = -111
    case sessionExpired = -112
    case invalidCallback = -113
    case invalidACL = -114
    case authFailed = -115
    case sessionMoved = -118
    case notReadOnly = -119
    case ephemeralOnLocalSession = -120
    case noWatcher = -121
    case requestTimeout = -122
    case reconfigDisabled = -123
    case sessionClosedRequireSaslAuth = -124
    case quotaExceeded = -125
    case throttledOp = -127

    /// Apache's KeeperException message text for the code.
    public var message: String {
        switch self {
        case .ok: "ok"
        case .systemError: "SystemError"
        case .runtimeInconsistency: "RuntimeInconsistency"
        case .dataInconsistency: "DataInconsistency"
        case .connectionLoss: "ConnectionLoss"
        case .marshallingError: "MarshallingError"
        case .unimplemented: "Unimplemented"
        case .operationTimeout: "OperationTimeout"
        case .badArguments: "BadArguments"
        case .newConfigNoQuorum: "NewConfigNoQuorum"
        case .reconfigInProgress: "ReconfigInProgress"
        case .unknownSession: "UnknownSession"
        case .apiError: "APIError"
        case .noNode: "NoNode"
        case .noAuth: "NoAuth"
        case .badVersion: "BadVersion"
        case .noChildrenForEphemerals: "NoChildrenForEphemerals"
        case .nodeExists: "NodeExists"
        case .notEmpty: "Directory not empty"
        case .sessionExpired: "Session expired"
        case .invalidCallback: "Invalid callback"
        case .invalidACL: "InvalidACL"
        case .authFailed: "AuthFailed"
        case .sessionMoved: "Session moved"
        case .notReadOnly: "Not a read-only call"
        case .ephemeralOnLocalSession: "Ephemeral node on local session"
        case .noWatcher: "No such watcher"
        case .requestTimeout: "Request timeout"
        case .reconfigDisabled: "Reconfig is disabled"
        case .sessionClosedRequireSaslAuth: "Session closed because client failed to authenticate"
        case .quotaExceeded: "Quota has exceeded"
        case .throttledOp: "Op throttled due to high load"
        }
    }
}
