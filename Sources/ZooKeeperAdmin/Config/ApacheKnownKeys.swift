/// zoo.cfg keys Apache ZooKeeper 3.8 understands but zkdash does not
/// implement. Only used to word the warning: a known-but-unsupported key is
/// "unsupported", anything else is "unknown" (probably a typo).
enum ApacheKnownKeys {
    /// Read by `QuorumPeerConfig.parseProperties` itself.
    static let quorumPeerConfigKeys: Set<String> = [
        "secureClientPortAddress", "observerMasterPort", "clientPortListenBacklog",
        "localSessionsEnabled", "localSessionsUpgradingEnabled", "connectToLearnerMasterLimit",
        "quorumListenOnAllIPs", "syncEnabled",
        "sslQuorum", "portUnification", "sslQuorumReloadCertFiles",
        "quorum.auth.enableSasl", "quorum.auth.serverRequireSasl", "quorum.auth.learnerRequireSasl",
        "quorum.auth.learner.saslLoginContext", "quorum.auth.server.saslLoginContext",
        "quorum.auth.kerberos.servicePrincipal", "quorum.cnxn.threads.size",
        "jvm.pause.info-threshold.ms", "jvm.pause.warn-threshold.ms", "jvm.pause.sleep.time.ms",
        "jvm.pause.monitor", "multiAddress.enabled", "multiAddress.reachabilityCheckTimeoutMs",
        "multiAddress.reachabilityCheckEnabled", "oraclePath", "version",
    ]

    /// System properties (`zookeeper.<key>`) documented in the 3.8 admin guide
    /// that operators commonly put in zoo.cfg.
    static let systemPropertyKeys: Set<String> = [
        "preAllocSize", "maxCnxns", "commitLogCount", "snapSizeLimitInKb", "txnLogSizeLimitInKb",
        "forceSync", "fsync.warningthresholdms", "maxResponseCacheSize",
        "maxGetChildrenResponseCacheSize", "extendedTypesEnabled", "emulate353TTLNodes",
        "serverCnxnFactory", "skipACL", "enforceQuotas", "watchManagerName", "flushDelay",
        "maxWriteQueuePollTime", "maxBatchSize", "requestThrottleLimit", "requestThrottleStallTime",
        "requestThrottleDropStale", "largeRequestMaxBytes", "largeRequestThreshold",
        "sessionRequireClientSASLAuth", "superUser", "ensembleAuthName", "readonlymode.enabled",
        "closeSessionTxn.enabled", "snapshot.trust.empty", "snapshot.compression.method",
        "connection_throttle_tokens", "connection_throttle_fill_time", "connection_throttle_fill_count",
        "connection_throttle_freeze_time", "connection_throttle_drop_increase",
        "connection_throttle_drop_decrease", "connection_throttle_decrease_ratio",
        "connection_throttle_weight_enabled", "fastleader.minNotificationInterval",
        "fastleader.maxNotificationInterval", "cnxTimeout", "electionPortBindRetry",
        "tcpKeepAlive", "clientTcpKeepAlive", "syncLimit.forSession", "minSessionTimeout.forSession",
        "zxidRollover", "leaderServes", "learnerDiffSyncThrottlingEnabled", "maxConcurrentSnapSyncs",
        "maxConcurrentDiffSyncs", "serverCnxnFactory", "secureClientPortAddress",
        "X509AuthenticationProvider.superUser", "kerberos.removeHostFromPrincipal",
        "kerberos.removeRealmFromPrincipal", "kerberos.canonicalizeHostNames",
        "netty.server.outstandingHandshake.limit", "client.portUnification",
    ]

    /// Prefixes of families of Apache settings (admin server, TLS, auth,
    /// metrics, hierarchical quorums, throttling, audit, ...).
    static let prefixes: [String] = [
        "admin.", "ssl.", "authProvider.", "metricsProvider.", "group.", "weight.",
        "audit.", "digest.", "enforce.auth.", "request_throttler.", "learner.", "leader.",
        "follower.", "observer.", "quorum.", "netty.", "jute.maxbuffer.", "container.",
        "commitProcessor.", "snapshot.", "fips-mode", "sasl.", "kerberos.", "zookeeper.",
    ]

    static func isKnown(_ key: String) -> Bool {
        quorumPeerConfigKeys.contains(key) || systemPropertyKeys.contains(key)
            || prefixes.contains { key.hasPrefix($0) }
    }
}
