/// The stateful half of `ServerConfigParser`: applies entries one by one,
/// then derives defaults and checks cross-key rules in `finish()`, in the
/// same order as Apache's `QuorumPeerConfig.parseProperties`.
struct ConfigReader {
    /// The file errors name: zoo.cfg, then its dynamic config file.
    var fileName: String
    var config = ServerConfig()
    private var lines: [String: PropertyEntry] = [:]
    private var minSessionTimeoutMs = -1
    private var maxSessionTimeoutMs = -1
    private var serverEntries: [Int: (entry: ServerEntry, line: Int)] = [:]
    private var dataDirSet = false

    init(fileName: String) {
        self.fileName = fileName
    }

    mutating func read(_ text: String) throws(ConfigError) {
        let entries: [PropertyEntry]
        do {
            entries = try JavaProperties.parse(text)
        } catch {
            throw ConfigError(
                fileName: fileName, key: "", line: error.line, value: error.text,
                reason: "malformed \\uxxxx encoding")
        }
        // Java's Properties keeps the last of duplicate keys; warn about the rest.
        var last: [String: Int] = [:]
        for (i, e) in entries.enumerated() { last[e.key.trimmingJavaWhitespace()] = i }
        for (i, e) in entries.enumerated() {
            var entry = e
            entry.key = e.key.trimmingJavaWhitespace()
            entry.value = e.value.trimmingJavaWhitespace()
            if last[entry.key] != i {
                let winner = entries[last[entry.key]!].line
                warn(.duplicateKey, entry, "ignoring \(entry.key) (line \(entry.line)); it is set again on line \(winner)")
                continue
            }
            lines[entry.key] = entry
            try apply(entry)
        }
    }

    // MARK: - one key

    private mutating func apply(_ e: PropertyEntry) throws(ConfigError) {
        switch e.key {
        case "tickTime":
            config.tickTimeMs = try int(e)
            guard config.tickTimeMs > 0 else { throw fail(e, "must be a positive number of milliseconds") }
        case "initLimit":
            config.initLimitTicks = try nonNegative(e)
        case "syncLimit":
            config.syncLimitTicks = try nonNegative(e)
        case "dataDir":
            config.dataDir = try path(e)
            dataDirSet = true
        case "dataLogDir":
            config.dataLogDir = try path(e)
        case "clientPort":
            let port = try int(e)
            // Apache treats 0 as "not set"; anything else must be a real port.
            guard port == 0 || (1...65535).contains(port) else { throw fail(e, "not a port number (1-65535)") }
            config.clientPort = port == 0 ? nil : port
        case "clientPortAddress":
            guard !e.value.isEmpty else { throw fail(e, "empty address") }
            config.clientPortAddress = e.value
        case "secureClientPort":
            let port = try int(e)
            guard port == 0 || (1...65535).contains(port) else { throw fail(e, "not a port number (1-65535)") }
            config.secureClientPort = port == 0 ? nil : port
        case "secureClientPortAddress":
            guard !e.value.isEmpty else { throw fail(e, "empty address") }
            config.secureClientPortAddress = e.value
        case "ssl.keyStore.location":
            config.clientTLS.keyStoreFile = try path(e)
        case "ssl.trustStore.location":
            config.clientTLS.trustStoreFile = try path(e)
        case "ssl.keyStore.type", "ssl.trustStore.type":
            // Apache also reads JKS and PKCS12 stores; zkdash reads PEM files only.
            guard e.value.uppercased() == "PEM" else { throw fail(e, "only PEM stores are supported (convert with openssl)") }
        case "ssl.keyStore.password", "ssl.trustStore.password":
            if !e.value.isEmpty { warn(.unsupportedKey, e, "ignoring \(e.key): PEM keys must be unencrypted") }
        case "ssl.clientAuth":
            guard let auth = ClientTLSConfig.ClientAuth(rawValue: e.value.lowercased()) else {
                throw fail(e, "must be need, want or none")
            }
            config.clientTLS.clientAuth = auth
        case "ssl.protocol", "ssl.enabledProtocols":
            // The oldest version listed is the floor (TLS 1.2 and 1.3 are what the TLS library offers).
            let versions = e.value.split(separator: ",").map { String($0).trimmingJavaWhitespace() }
            guard !versions.isEmpty, versions.allSatisfy(ClientTLSConfig.protocols.contains) else {
                throw fail(e, "supported protocols are TLSv1.2 and TLSv1.3")
            }
            config.clientTLS.minimumProtocol = versions.contains("TLSv1.2") ? "TLSv1.2" : "TLSv1.3"
        case "ssl.ciphersuites":
            let suites = e.value.split(separator: ",").map { String($0).trimmingJavaWhitespace() }.filter { !$0.isEmpty }
            guard !suites.isEmpty else { throw fail(e, "empty cipher suite list") }
            config.clientTLS.cipherSuites = suites
        case "maxClientCnxns":
            config.maxClientCnxns = try int(e)
        case "minSessionTimeout":
            minSessionTimeoutMs = try sessionTimeout(e)
        case "maxSessionTimeout":
            maxSessionTimeoutMs = try sessionTimeout(e)
        case "snapCount":
            config.snapCount = try int(e)
            if config.snapCount < 2 {
                warn(.adjustedValue, e, "snapCount must be 2 or more; using 2")
                config.snapCount = 2
            }
        case "globalOutstandingLimit":
            config.globalOutstandingLimit = try int(e)
        case "4lw.commands.whitelist":
            config.fourLetterWordWhitelist = FourLetterWordWhitelist(parsing: e.value)
            for word in config.fourLetterWordWhitelist.unknownWords {
                warn(.adjustedValue, e, "ignoring unknown four-letter word '\(word)' in 4lw.commands.whitelist")
            }
        case "autopurge.snapRetainCount":
            config.autopurgeSnapRetainCount = try int(e)
        case "autopurge.purgeInterval":
            config.autopurgePurgeIntervalHours = try int(e)
        case "DigestAuthenticationProvider.superDigest", "zookeeper.DigestAuthenticationProvider.superDigest":
            guard !e.value.isEmpty else { throw fail(e, "empty digest") }
            config.superDigest = e.value
            if e.key.hasPrefix("zookeeper.") {
                warn(.note, e, "using \(e.key); note Apache reads only DigestAuthenticationProvider.superDigest from zoo.cfg")
            }
        case "jute.maxbuffer":
            config.juteMaxBufferBytes = try int(e)
            guard config.juteMaxBufferBytes > 0 else { throw fail(e, "must be a positive number of bytes") }
        case "peerType":
            guard let type = PeerType(rawValue: e.value.lowercased()) else {
                throw fail(e, "unrecognised peer type (participant or observer)")
            }
            config.peerType = type
        case "electionAlg":
            guard try int(e) == 3 else { throw fail(e, "only electionAlg 3 is supported") }
        case "reconfigEnabled", "standaloneEnabled":
            // Apache: "Invalid option … Choose 'true' or 'false.'" for anything else.
            guard let flag = ["true": true, "false": false][e.value.lowercased()] else {
                throw fail(e, "must be true or false")
            }
            if e.key == "reconfigEnabled" { config.reconfigEnabled = flag } else { config.standaloneEnabled = flag }
        case "dynamicConfigFile":
            config.dynamicConfigFile = try path(e)
        case "superUser", "zookeeper.superUser":
            guard !e.value.isEmpty else { throw fail(e, "empty user name") }
            config.saslSuperUser = e.value
        default:
            if e.key.hasPrefix("server.") {
                try server(e)
            } else if e.key.hasPrefix("authProvider.") {
                authProvider(e)
            } else if ApacheKnownKeys.isKnown(e.key) {
                warn(.unsupportedKey, e, "ignoring unsupported key \(e.key)")
            } else {
                warn(.unknownKey, e, "ignoring unknown key \(e.key)")
            }
        }
    }

    /// `authProvider.N=CLASS` (Apache turns it into `zookeeper.authProvider.N`).
    private mutating func authProvider(_ e: PropertyEntry) {
        let className = e.value.trimmingJavaWhitespace()
        switch className.split(separator: ".").last.map(String.init) ?? "" {
        case "SASLAuthenticationProvider":
            config.saslAuthProvider = true
        case "X509AuthenticationProvider", "DigestAuthenticationProvider", "IPAuthenticationProvider":
            // Built in: x509 on the secure client port, digest and ip everywhere.
            break
        default:
            warn(.unsupportedKey, e, "ignoring unsupported authentication provider \(className) (\(e.key))")
        }
    }

    private mutating func server(_ e: PropertyEntry) throws(ConfigError) {
        let idText = String(e.key.dropFirst("server.".count))
        guard let sid64 = JavaNumbers.parseLong(idText), sid64 >= 0 else {
            throw fail(e, "server id \(idText) is not a number")
        }
        let sid = Int(sid64)
        if let earlier = serverEntries[sid] {
            throw fail(e, "server id \(sid) is already defined on line \(earlier.line)")
        }
        switch ServerEntryParser.parse(sid: sid, value: e.value) {
        case .success(let entry): serverEntries[sid] = (entry, e.line)
        case .failure(let reason): throw fail(e, reason.text)
        }
    }

    /// Apache's dynamic config file: `server.N` lines (none may be left in
    /// zoo.cfg), no `version` key (the version is the file name's hex
    /// suffix, 0 without one).
    mutating func readDynamic(_ text: String, fileName dynamicName: String) throws(ConfigError) {
        if let leftover = lines.values.filter({ $0.key.hasPrefix("server.") }).min(by: { $0.line < $1.line }) {
            throw fail(leftover, "parameter: \(leftover.key) must be in a separate dynamic config file (dynamicConfigFile is set)")
        }
        let staticName = fileName
        fileName = dynamicName
        defer { fileName = staticName }
        let entries: [PropertyEntry]
        do {
            entries = try JavaProperties.parse(text)
        } catch {
            throw ConfigError(fileName: dynamicName, key: "", line: error.line, value: error.text, reason: "malformed \\uxxxx encoding")
        }
        for var entry in entries {
            entry.key = entry.key.trimmingJavaWhitespace()
            entry.value = entry.value.trimmingJavaWhitespace()
            if entry.key == "version" { throw fail(entry, "the dynamic config file must not hold a version (it is the file name's suffix)") }
            if entry.key.hasPrefix("server.") {
                try server(entry)
            } else {
                warn(.unsupportedKey, entry, "ignoring \(entry.key) in the dynamic config file")
            }
        }
        let suffix = dynamicName.split(separator: ".").last.map(String.init) ?? ""
        config.membershipVersion = dynamicName.contains(".") ? Int64(suffix, radix: 16) ?? 0 : 0
    }

    // MARK: - whole file

    mutating func finish() throws(ConfigError) -> ServerConfig {
        if config.autopurgeSnapRetainCount < 3, let e = lines["autopurge.snapRetainCount"] {
            warn(.adjustedValue, e, "autopurge.snapRetainCount must be 3 or more; using 3")
            config.autopurgeSnapRetainCount = 3
        }
        guard dataDirSet else { throw whole("dataDir", "dataDir is not set") }
        if config.dataLogDir.isEmpty { config.dataLogDir = config.dataDir }
        if config.clientPort == nil, let e = lines["clientPortAddress"] {
            throw fail(e, "clientPortAddress is set but clientPort is not set")
        }
        config.minSessionTimeoutMs = minSessionTimeoutMs == -1 ? config.tickTimeMs * 2 : minSessionTimeoutMs
        config.maxSessionTimeoutMs = maxSessionTimeoutMs == -1 ? config.tickTimeMs * 20 : maxSessionTimeoutMs
        if config.minSessionTimeoutMs > config.maxSessionTimeoutMs {
            let culprit = lines["minSessionTimeout"] ?? lines["maxSessionTimeout"]
            let reason = "minSessionTimeout (\(config.minSessionTimeoutMs)) must not be larger than maxSessionTimeout (\(config.maxSessionTimeoutMs))"
            if let e = culprit { throw fail(e, reason) }
            throw whole("minSessionTimeout", reason)
        }
        if config.secureClientPort != nil, config.clientTLS.keyStoreFile == nil, let e = lines["secureClientPort"] {
            throw fail(e, "secureClientPort needs ssl.keyStore.location (a PEM file with the key and certificate chain)")
        }
        config.servers = serverEntries.keys.sorted().map { serverEntries[$0]!.entry }
        try checkQuorum()
        if config.clientPort == nil, config.secureClientPort == nil, config.servers.allSatisfy({ $0.clientPort == nil }) {
            config.warnings.append(ConfigWarning(
                kind: .note, key: "clientPort", line: 0, value: "",
                message: "clientPort is not set; no client port will be opened"))
        }
        return config
    }

    /// Apache's `parseDynamicConfig` and `checkValidity` with
    /// `standaloneEnabled=true`.
    private mutating func checkQuorum() throws(ConfigError) {
        let voters = config.participants.count
        let observers = config.servers.count - voters
        if voters == 0, observers > 0 {
            throw whole("server", "observers without participants is an invalid configuration")
        }
        if voters == 1 {
            if observers > 0 { throw whole("server", "observers without a quorum is an invalid configuration") }
            config.warnings.append(ConfigWarning(
                kind: .note, key: "server", line: 0, value: "",
                message: "only one server.N specified; ignoring it and running standalone"))
        }
        guard voters >= 2 else { return }
        guard config.initLimitTicks > 0 else { throw whole("initLimit", "initLimit is not set") }
        guard config.syncLimitTicks > 0 else { throw whole("syncLimit", "syncLimit is not set") }
    }

    // MARK: - value helpers

    private func int(_ e: PropertyEntry) throws(ConfigError) -> Int {
        guard let v = JavaNumbers.parseInt(e.value) else { throw fail(e, "not an integer") }
        return Int(v)
    }

    private func nonNegative(_ e: PropertyEntry) throws(ConfigError) -> Int {
        let v = try int(e)
        guard v >= 0 else { throw fail(e, "must not be negative") }
        return v
    }

    private func sessionTimeout(_ e: PropertyEntry) throws(ConfigError) -> Int {
        let v = try int(e)
        guard v >= -1 else { throw fail(e, "must be -1 (derive from tickTime) or a number of milliseconds") }
        return v
    }

    private mutating func path(_ e: PropertyEntry) throws(ConfigError) -> String {
        guard !e.value.isEmpty else { throw fail(e, "empty path") }
        if !e.value.hasPrefix("/") {
            warn(.note, e, "\(e.key) \(e.value) is relative to the working directory")
        }
        return e.value
    }

    private func fail(_ e: PropertyEntry, _ reason: String) -> ConfigError {
        ConfigError(fileName: fileName, key: e.key, line: e.line, value: e.value, reason: reason)
    }

    private func whole(_ key: String, _ reason: String) -> ConfigError {
        ConfigError(fileName: fileName, key: key, line: 0, value: "", reason: reason)
    }

    private mutating func warn(_ kind: ConfigWarning.Kind, _ e: PropertyEntry, _ message: String) {
        config.warnings.append(ConfigWarning(kind: kind, key: e.key, line: e.line, value: e.value, message: message))
    }
}
