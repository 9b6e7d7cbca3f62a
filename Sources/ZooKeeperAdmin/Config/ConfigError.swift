/// A zoo.cfg problem that stops the server from starting, naming the key and
/// line so the operator can fix it without guessing.
///
/// `line` is 0 when the problem is about the file as a whole (a required key
/// is missing, or two keys contradict each other with no single culprit).
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public var fileName: String
    public var key: String
    public var line: Int
    public var value: String
    public var reason: String

    public init(fileName: String = "zoo.cfg", key: String, line: Int, value: String, reason: String) {
        self.fileName = fileName
        self.key = key
        self.line = line
        self.value = value
        self.reason = reason
    }

    /// `zoo.cfg line 4: tickTime=abc: not an integer`, or
    /// `zoo.cfg: dataDir is not set` for whole-file problems.
    public var description: String {
        if line == 0 { return "\(fileName): \(reason)" }
        return "\(fileName) line \(line): \(key)=\(value): \(reason)"
    }
}

/// A zoo.cfg entry the server accepts but does not act on (or acts on
/// differently from Apache). Never fatal: the caller logs `description` and
/// carries on, so a zoo.cfg written for Apache still starts zkdash.
public struct ConfigWarning: CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// An Apache ZooKeeper setting zkdash does not implement; ignored.
        case unsupportedKey
        /// Not a setting Apache 3.8 reads itself; Apache would have turned it
        /// into the system property `zookeeper.<key>`. Ignored (likely a typo).
        case unknownKey
        /// The key is used, but its value was adjusted or partly ignored
        /// (e.g. autopurge.snapRetainCount below 3, an unknown 4lw word).
        case adjustedValue
        /// The key appeared more than once; the later line wins, as in Apache.
        case duplicateKey
        /// A whole-file observation Apache also logs (e.g. a single server.N).
        case note
    }

    public var kind: Kind
    public var key: String
    public var line: Int
    public var value: String
    public var message: String

    public init(kind: Kind, key: String, line: Int, value: String, message: String) {
        self.kind = kind
        self.key = key
        self.line = line
        self.value = value
        self.message = message
    }

    /// e.g. `ignoring unsupported key admin.serverPort (line 7)`.
    public var description: String {
        line == 0 ? message : "\(message) (line \(line))"
    }
}
