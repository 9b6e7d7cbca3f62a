/// One `key=value` line of `envi`.
public struct EnvironmentEntry: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }

    /// Apache's `Environment.list()` keys in its order, filled with what a
    /// non-JVM server can honestly say; `<NA>` is Apache's "unknown".
    /// Memory values are MB (Apache prints JVM heap figures, e.g. `388MB`).
    public static func standard(
        version: String, hostName: String, osName: String, osArch: String, osVersion: String,
        userName: String, userHome: String, workingDirectory: String, temporaryDirectory: String,
        memoryFreeMB: Int64?, memoryMaxMB: Int64?, memoryTotalMB: Int64?,
        runtimeVersion: String = "<NA>", runtimeVendor: String = "<NA>", runtimeHome: String = "<NA>"
    ) -> [EnvironmentEntry] {
        func mb(_ v: Int64?) -> String { v.map { "\($0)MB" } ?? "<NA>" }
        return [
            EnvironmentEntry("zookeeper.version", version),
            EnvironmentEntry("host.name", hostName),
            EnvironmentEntry("java.version", runtimeVersion),
            EnvironmentEntry("java.vendor", runtimeVendor),
            EnvironmentEntry("java.home", runtimeHome),
            EnvironmentEntry("java.class.path", "<NA>"),
            EnvironmentEntry("java.library.path", "<NA>"),
            EnvironmentEntry("java.io.tmpdir", temporaryDirectory),
            EnvironmentEntry("java.compiler", "<NA>"),
            EnvironmentEntry("os.name", osName),
            EnvironmentEntry("os.arch", osArch),
            EnvironmentEntry("os.version", osVersion),
            EnvironmentEntry("user.name", userName),
            EnvironmentEntry("user.home", userHome),
            EnvironmentEntry("user.dir", workingDirectory),
            EnvironmentEntry("os.memory.free", mb(memoryFreeMB)),
            EnvironmentEntry("os.memory.max", mb(memoryMaxMB)),
            EnvironmentEntry("os.memory.total", mb(memoryTotalMB)),
        ]
    }
}
