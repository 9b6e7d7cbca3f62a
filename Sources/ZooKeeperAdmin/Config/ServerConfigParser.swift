/// Reads zoo.cfg text (and myid text) into a `ServerConfig`, following
/// Apache ZooKeeper 3.8's `QuorumPeerConfig`. Reading the files from disk is
/// the caller's job; everything here is text in, struct out.
public enum ServerConfigParser {
    /// Parses zoo.cfg. Malformed values throw, naming key and line; keys
    /// zkdash does not implement only add to `ServerConfig.warnings`.
    ///
    /// `readFile` reads the `dynamicConfigFile` zoo.cfg names (nil: it cannot
    /// be read); without it a dynamicConfigFile key is an error.
    public static func parse(_ text: String, fileName: String = "zoo.cfg",
                             readFile: ((String) -> String?)? = nil) throws(ConfigError) -> ServerConfig {
        var reader = ConfigReader(fileName: fileName)
        try reader.read(text)
        if let dynamic = reader.config.dynamicConfigFile {
            guard let dynamicText = readFile?(dynamic) else {
                throw ConfigError(fileName: fileName, key: "dynamicConfigFile", line: 0, value: dynamic,
                                  reason: "cannot read the dynamic config file \(dynamic)")
            }
            try reader.readDynamic(dynamicText, fileName: dynamic)
        }
        return try reader.finish()
    }

    /// Parses the `myid` file: its first line is the server id. Apache uses
    /// `Long.parseLong` on that line as-is; we also strip surrounding blanks
    /// (a trailing space would otherwise be a startup failure nobody can see).
    public static func parseMyid(_ text: String) throws(ConfigError) -> Int {
        let firstLine = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .first.map(String.init) ?? ""
        let trimmed = firstLine.trimmingJavaWhitespace()
        guard let id = JavaNumbers.parseLong(trimmed), id >= 0 else {
            throw ConfigError(
                fileName: "myid", key: "myid", line: 1, value: trimmed,
                reason: "serverid \(trimmed) is not a number")
        }
        return Int(id)
    }
}

extension ServerConfig {
    /// Applies this server's id the way Apache's `setupMyId`,
    /// `setupClientPort` and `setupPeerType` do. In quorum mode the id must
    /// be one of the `server.N` lines; that line's `;clientPort` (if any)
    /// becomes the client port, and its role overrides `peerType`.
    public func applyingMyid(_ id: Int, fileName: String = "zoo.cfg") throws(ConfigError) -> ServerConfig {
        var config = self
        config.myid = id
        guard !isStandalone else { return config }
        guard let me = servers.first(where: { $0.sid == id }) else {
            throw ConfigError(
                fileName: fileName, key: "myid", line: 0, value: String(id),
                reason: "myid \(id) is not one of the server.N lines")
        }
        if let port = me.clientPort {
            if let staticPort = clientPort, staticPort != port {
                throw ConfigError(
                    fileName: fileName, key: "clientPort", line: 0, value: String(staticPort),
                    reason: "clientPort \(staticPort) is different from the client port \(port) of server.\(id)")
            }
            config.clientPort = port
            if let host = me.clientHost { config.clientPortAddress = host }
        }
        if me.role != peerType {
            config.warnings.append(ConfigWarning(
                kind: .adjustedValue, key: "peerType", line: 0, value: peerType.rawValue,
                message: "peerType \(peerType.rawValue) doesn't match server.\(id) (\(me.role.rawValue)); using the server list"))
            config.peerType = me.role
        }
        return config
    }
}
