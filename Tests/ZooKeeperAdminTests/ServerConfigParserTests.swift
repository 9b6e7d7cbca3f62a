import Testing
@testable import ZooKeeperAdmin

@Suite struct ServerConfigParserTests {
    /// The sample zoo.cfg shipped with Apache (conf/zoo_sample.cfg), plus a few keys.
    static let good = """
        # The number of milliseconds of each tick
        tickTime=2000
        initLimit=10
        syncLimit=5
        dataDir=/var/lib/zookeeper
        dataLogDir = /var/log/zookeeper
        clientPort: 2181
        clientPortAddress 127.0.0.1
        maxClientCnxns=100
        snapCount=50000
        globalOutstandingLimit=2000
        4lw.commands.whitelist=srvr, stat ,mntr,ruok
        autopurge.snapRetainCount=5
        autopurge.purgeInterval=24
        DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=
        jute.maxbuffer=4194304

        """

    @Test func parsesAGoodFile() throws {
        let c = try ServerConfigParser.parse(Self.good)
        #expect(c.tickTimeMs == 2000)
        #expect(c.initLimitTicks == 10)
        #expect(c.syncLimitTicks == 5)
        #expect(c.dataDir == "/var/lib/zookeeper")
        #expect(c.dataLogDir == "/var/log/zookeeper")
        #expect(c.clientPort == 2181)
        #expect(c.clientPortAddress == "127.0.0.1")
        #expect(c.maxClientCnxns == 100)
        #expect(c.snapCount == 50000)
        #expect(c.globalOutstandingLimit == 2000)
        #expect(c.fourLetterWordWhitelist.words == [.srvr, .stat, .mntr, .ruok])
        #expect(c.autopurgeSnapRetainCount == 5)
        #expect(c.autopurgePurgeIntervalHours == 24)
        #expect(c.superDigest == "super:D/InIHSb7yEEbrWz8b9l71RjZJU=")
        #expect(c.juteMaxBufferBytes == 4_194_304)
        #expect(c.minSessionTimeoutMs == 4000)
        #expect(c.maxSessionTimeoutMs == 40000)
        #expect(c.isStandalone)
        #expect(c.servers.isEmpty)
        #expect(c.peerType == .participant)
        #expect(c.myid == nil)
        #expect(c.warnings.isEmpty)
    }

    @Test func appliesApacheDefaults() throws {
        let c = try ServerConfigParser.parse("dataDir=/tmp/zk\nclientPort=2181\n")
        #expect(c.tickTimeMs == 3000)
        #expect(c.minSessionTimeoutMs == 6000)
        #expect(c.maxSessionTimeoutMs == 60000)
        #expect(c.dataLogDir == "/tmp/zk")
        #expect(c.clientPortAddress == nil)
        #expect(c.secureClientPort == nil)
        #expect(c.maxClientCnxns == 60)
        #expect(c.snapCount == 100_000)
        #expect(c.globalOutstandingLimit == 1000)
        #expect(c.fourLetterWordWhitelist == .default)
        #expect(c.autopurgeSnapRetainCount == 3)
        #expect(c.autopurgePurgeIntervalHours == 0)
        #expect(c.superDigest == nil)
        #expect(c.juteMaxBufferBytes == 0xfffff)
        #expect(c.initLimitTicks == 0)
        #expect(c.syncLimitTicks == 0)
        #expect(c.warnings.isEmpty)
    }

    @Test func sessionTimeoutsDeriveFromTickTimeWhenAbsentOrMinusOne() throws {
        let a = try ServerConfigParser.parse("tickTime=500\ndataDir=/d\nclientPort=1\nminSessionTimeout=-1\n")
        #expect(a.minSessionTimeoutMs == 1000)
        #expect(a.maxSessionTimeoutMs == 10000)
        let b = try ServerConfigParser.parse("tickTime=500\ndataDir=/d\nclientPort=1\nmaxSessionTimeout=-1\nminSessionTimeout=3000\n")
        #expect(b.minSessionTimeoutMs == 3000)
        #expect(b.maxSessionTimeoutMs == 10000)
        // The derivation uses the final tickTime, wherever it appears in the file.
        let c = try ServerConfigParser.parse("dataDir=/d\nclientPort=1\ntickTime=100\n")
        #expect(c.minSessionTimeoutMs == 200)
        #expect(c.maxSessionTimeoutMs == 2000)
    }

    @Test func laterDuplicateWinsWithAWarning() throws {
        let c = try ServerConfigParser.parse("dataDir=/d\nclientPort=2181\nclientPort=2182\n")
        #expect(c.clientPort == 2182)
        #expect(c.warnings == [ConfigWarning(
            kind: .duplicateKey, key: "clientPort", line: 2, value: "2181",
            message: "ignoring clientPort (line 2); it is set again on line 3")])
    }

    @Test func clientPortZeroMeansNotSet() throws {
        let c = try ServerConfigParser.parse("dataDir=/d\nclientPort=0\n")
        #expect(c.clientPort == nil)
        #expect(c.warnings.map(\.message) == ["clientPort is not set; no client port will be opened"])
    }

    @Test func snapRetainCountBelowThreeBecomesThree() throws {
        let c = try ServerConfigParser.parse("dataDir=/d\nclientPort=1\nautopurge.snapRetainCount=1\n")
        #expect(c.autopurgeSnapRetainCount == 3)
        #expect(c.warnings.first?.kind == .adjustedValue)
        #expect(c.warnings.first?.line == 3)
    }

    @Test func snapCountBelowTwoBecomesTwo() throws {
        let c = try ServerConfigParser.parse("dataDir=/d\nclientPort=1\nsnapCount=1\n")
        #expect(c.snapCount == 2)
        #expect(c.warnings.first?.kind == .adjustedValue)
    }

    @Test func bothSuperDigestSpellingsAreAccepted() throws {
        let a = try ServerConfigParser.parse("dataDir=/d\nclientPort=1\nDigestAuthenticationProvider.superDigest=super:abc\n")
        #expect(a.superDigest == "super:abc")
        #expect(a.warnings.isEmpty)
        let b = try ServerConfigParser.parse("dataDir=/d\nclientPort=1\nzookeeper.DigestAuthenticationProvider.superDigest=super:xyz\n")
        #expect(b.superDigest == "super:xyz")
        #expect(b.warnings.map(\.kind) == [.note])
    }

    @Test func secureClientPortAndApachesSslKeysAreRead() throws {
        let c = try ServerConfigParser.parse("""
            dataDir=/d
            clientPort=1
            secureClientPort=2281
            secureClientPortAddress=127.0.0.1
            ssl.keyStore.location=/etc/zk/server.pem
            ssl.keyStore.type=PEM
            ssl.trustStore.location=/etc/zk/ca.pem
            ssl.trustStore.type=pem
            ssl.clientAuth=want
            ssl.protocol=TLSv1.3
            ssl.ciphersuites=TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384

            """)
        #expect(c.secureClientPort == 2281 && c.secureClientPortAddress == "127.0.0.1")
        #expect(c.clientTLS.keyStoreFile == "/etc/zk/server.pem" && c.clientTLS.trustStoreFile == "/etc/zk/ca.pem")
        #expect(c.clientTLS.clientAuth == .want && c.clientTLS.minimumProtocol == "TLSv1.3")
        #expect(c.clientTLS.cipherSuites == ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"])
        #expect(c.warnings.isEmpty, "\(c.warnings)")
        // Apache's default: a client certificate is needed.
        let defaults = try ServerConfigParser.parse("dataDir=/d\nsecureClientPort=2281\nssl.keyStore.location=/k.pem\n")
        #expect(defaults.clientTLS.clientAuth == .need && defaults.clientPort == nil)
    }

    @Test func badTLSSettingsFailAtStartNamingTheKey() {
        let cases: [(String, String, String)] = [
            ("secureClientPort=2281\n", "secureClientPort", "secureClientPort needs ssl.keyStore.location"),
            ("ssl.keyStore.type=JKS\n", "ssl.keyStore.type", "only PEM stores are supported"),
            ("ssl.trustStore.type=PKCS12\n", "ssl.trustStore.type", "only PEM stores are supported"),
            ("ssl.clientAuth=required\n", "ssl.clientAuth", "must be need, want or none"),
            ("ssl.protocol=TLSv1\n", "ssl.protocol", "supported protocols are TLSv1.2 and TLSv1.3"),
        ]
        for (line, key, reason) in cases {
            let error = #expect(throws: ConfigError.self) { try ServerConfigParser.parse("dataDir=/d\nclientPort=1\n" + line) }
            #expect(error?.key == key, "\(line)")
            #expect(error?.reason.hasPrefix(reason) == true, "\(line): \(error?.reason ?? "")")
        }
    }

    /// Apache: "Invalid option … Choose 'true' or 'false.'"; any case is taken.
    @Test func reconfigAndStandaloneFlagsAreTrueOrFalse() throws {
        let c = try ServerConfigParser.parse("dataDir=/d\nclientPort=1\nreconfigEnabled=TRUE\nstandaloneEnabled=false\n")
        #expect(c.reconfigEnabled && !c.standaloneEnabled && c.unknownKeys.isEmpty)
        let d = try ServerConfigParser.parse("dataDir=/d\nclientPort=1\n")
        #expect(!d.reconfigEnabled && d.standaloneEnabled)
        let error = #expect(throws: ConfigError.self) { try ServerConfigParser.parse("dataDir=/d\nclientPort=1\nreconfigEnabled=yes\n") }
        #expect(error?.key == "reconfigEnabled" && error?.reason == "must be true or false")
    }

    @Test func unsupportedAndUnknownKeysAreWarningsNeverErrors() throws {
        let text = """
            dataDir=/d
            clientPort=2181
            admin.serverPort=8080
            admin.enableServer=false
            metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider
            metricsProvider.httpPort=7000
            quorumListenOnAllIPs=true
            ssl.quorum.keyStore.location=/x
            authProvider.1=com.example.KerberosOnlyProvider
            clientPortListenBacklog=50
            tikTime=2000
            """
        let c = try ServerConfigParser.parse(text)
        #expect(c.unknownKeys.map(\.key) == [
            "admin.serverPort", "admin.enableServer", "metricsProvider.className", "metricsProvider.httpPort",
            "quorumListenOnAllIPs", "ssl.quorum.keyStore.location",
            "authProvider.1", "clientPortListenBacklog", "tikTime",
        ])
        #expect(c.unknownKeys.map(\.line) == Array(3...11))
        #expect(c.warnings.last == ConfigWarning(
            kind: .unknownKey, key: "tikTime", line: 11, value: "2000", message: "ignoring unknown key tikTime"))
        #expect(c.warnings.first?.description == "ignoring unsupported key admin.serverPort (line 3)")
        #expect(c.tickTimeMs == 3000)
    }

    @Test func relativeDataDirIsNoted() throws {
        let c = try ServerConfigParser.parse("dataDir=data\nclientPort=1\n")
        #expect(c.dataDir == "data")
        #expect(c.warnings.map(\.kind) == [.note])
    }

    @Test func unknownWhitelistWordsAreWarnedAndIgnored() throws {
        let c = try ServerConfigParser.parse("dataDir=/d\nclientPort=1\n4lw.commands.whitelist=ruok,bogus\n")
        #expect(c.fourLetterWordWhitelist.words == [.ruok, .srvr])
        #expect(c.warnings.map(\.message) == ["ignoring unknown four-letter word 'bogus' in 4lw.commands.whitelist"])
    }

    @Test func peerTypeIsCaseInsensitive() throws {
        let c = try ServerConfigParser.parse("dataDir=/d\nclientPort=1\npeerType=OBSERVER\n")
        #expect(c.peerType == .observer)
    }

    @Test func electionAlgThreeIsAccepted() throws {
        #expect(try ServerConfigParser.parse("dataDir=/d\nclientPort=1\nelectionAlg=3\n").warnings.isEmpty)
    }

    @Test func authProvidersAndTheSASLSuperUser() throws {
        let c = try ServerConfigParser.parse("""
            dataDir=/d
            clientPort=2181
            authProvider.1=org.apache.zookeeper.server.auth.SASLAuthenticationProvider
            authProvider.2=org.apache.zookeeper.server.auth.X509AuthenticationProvider
            authProvider.3=com.example.Custom
            superUser=alice
            """)
        #expect(c.saslAuthProvider)
        #expect(c.saslSuperUser == "alice")
        #expect(c.unknownKeys.map(\.key) == ["authProvider.3"])
        #expect(c.unknownKeys.first?.message == "ignoring unsupported authentication provider com.example.Custom (authProvider.3)")
        #expect(try !ServerConfigParser.parse("dataDir=/d\nclientPort=1\n").saslAuthProvider)
    }
}
