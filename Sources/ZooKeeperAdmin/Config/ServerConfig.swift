/// The server settings read from zoo.cfg, with Apache ZooKeeper 3.8's
/// defaults and derivations applied. Produced by `ServerConfigParser.parse`.
///
/// zoo.cfg keys and what zkdash does with them
/// (anything not listed under "used" becomes a `ConfigWarning`, never fatal):
///
/// | key                                   | zkdash        | default / notes                                        |
/// |---------------------------------------|---------------|--------------------------------------------------------|
/// | tickTime                              | used          | 3000 ms; must be > 0                                   |
/// | initLimit, syncLimit                  | used          | 0; required (> 0) only for a quorum (>= 2 voters)       |
/// | dataDir                               | used          | required ("dataDir is not set")                        |
/// | dataLogDir                            | used          | = dataDir                                              |
/// | clientPort                            | used          | none (0 = none); 1-65535                               |
/// | clientPortAddress                     | used          | none = all addresses (Apache binds 0.0.0.0); needs clientPort |
/// | secureClientPort, secureClientPortAddress | used      | TLS client port; needs ssl.keyStore.location          |
/// | ssl.keyStore.location/type, ssl.trustStore.location/type, ssl.clientAuth, ssl.protocol, ssl.enabledProtocols, ssl.ciphersuites | used | PEM only; see ClientTLSConfig |
/// | maxClientCnxns                        | used          | 60 per client IP; <= 0 = unlimited                     |
/// | minSessionTimeout, maxSessionTimeout  | used          | absent or -1: 2 x / 20 x tickTime; min <= max          |
/// | snapCount                             | used          | 100000; values < 2 become 2 (Apache does the same)     |
/// | globalOutstandingLimit                | used          | 1000                                                   |
/// | 4lw.commands.whitelist                | used          | only `srvr`; `*` = all; see FourLetterWordWhitelist    |
/// | autopurge.snapRetainCount             | parsed        | 3; values < 3 become 3 with a warning (as Apache)      |
/// | autopurge.purgeInterval               | parsed        | 0 hours = no purging                                   |
/// | DigestAuthenticationProvider.superDigest | used       | none; `zookeeper.`-prefixed spelling accepted too (*)  |
/// | authProvider.N                        | used          | SASLAuthenticationProvider turns SASL DIGEST-MD5 on (JAAS `Server` users); X509/Digest/IP providers are built in; others ignored with a warning |
/// | superUser                             | used          | SASL user that is also super (Apache's zookeeper.superUser) |
/// | jute.maxbuffer                        | used          | 0xfffff bytes (**)                                     |
/// | server.N                              | parsed        | quorum membership, see ServerEntry                     |
/// | peerType                              | parsed        | participant; observer or participant (any case)        |
/// | electionAlg                           | checked       | only 3 is accepted, as in Apache                       |
/// | reconfigEnabled, standaloneEnabled    | used          | false / true; `true` or `false` (any case), else an error, as Apache |
/// | dynamicConfigFile                     | used          | the `server.N` lines live in that file (none may stay in zoo.cfg), its version is the file name's hex suffix (`zoo.cfg.dynamic.100000000`); written on every reconfiguration |
/// | everything else Apache knows (admin.*, other ssl.*, metricsProvider.*, quorumListenOnAllIPs, localSessions*, clientPortListenBacklog, ...) | ignored | warning `unsupportedKey` |
/// | anything else                         | ignored       | warning `unknownKey` (Apache would set `zookeeper.<key>`) |
///
/// (*) Apache reads the super digest only from the JVM property
/// `zookeeper.DigestAuthenticationProvider.superDigest`; unknown zoo.cfg keys
/// become `zookeeper.<key>`, so in zoo.cfg Apache honours the unprefixed
/// spelling only. zkdash accepts both and notes the prefixed one.
/// (**) Apache's server reads the JVM property `jute.maxbuffer`, which a
/// zoo.cfg line does not set (it would set `zookeeper.jute.maxbuffer`); zkdash
/// honours the zoo.cfg line because that is what operators mean by it.
///
/// Standalone vs quorum follows Apache with `standaloneEnabled=true` (the
/// default; the key itself is ignored): zero or one voting `server.N` means
/// standalone; a single `server.N` is ignored with a note, as Apache does.
public struct ServerConfig: Sendable, Equatable {
    /// The basic time unit, in milliseconds (`tickTime`).
    public var tickTimeMs: Int = 3000
    /// Ticks a follower may take to connect and sync to a leader (`initLimit`).
    public var initLimitTicks: Int = 0
    /// Ticks a follower may lag behind the leader (`syncLimit`).
    public var syncLimitTicks: Int = 0
    /// Snapshot directory, exactly as written (relative paths are relative to
    /// the working directory, as in Apache).
    public var dataDir: String = ""
    /// Transaction log directory; `dataDir` when not set.
    public var dataLogDir: String = ""
    /// Client port; nil when not set (Apache then opens no client listener
    /// in standalone mode).
    public var clientPort: Int?
    /// Bind address for the client port, exactly as given; nil means every
    /// address (Apache binds the wildcard 0.0.0.0).
    public var clientPortAddress: String?
    /// TLS client port (`secureClientPort`); nil when not set.
    public var secureClientPort: Int?
    /// Bind address of the TLS client port; nil: as `clientPortAddress`, else every address.
    public var secureClientPortAddress: String?
    /// The TLS port's key, trust and client-certificate settings (`ssl.*`).
    public var clientTLS = ClientTLSConfig()
    /// Concurrent connections allowed per client IP; 0 or less = unlimited.
    public var maxClientCnxns: Int = 60
    /// Lowest session timeout granted to clients, in milliseconds.
    public var minSessionTimeoutMs: Int = 6000
    /// Highest session timeout granted to clients, in milliseconds.
    public var maxSessionTimeoutMs: Int = 60000
    /// Transactions logged between snapshots (Apache randomises around it).
    public var snapCount: Int = 100_000
    /// Which four-letter words are answered.
    public var fourLetterWordWhitelist: FourLetterWordWhitelist = .default
    /// Snapshots (and their logs) kept when purging; at least 3.
    public var autopurgeSnapRetainCount: Int = 3
    /// Hours between purges; 0 or less disables purging.
    public var autopurgePurgeIntervalHours: Int = 0
    /// Requests in flight across all clients before reads are throttled.
    public var globalOutstandingLimit: Int = 1000
    /// `super:<base64 sha1>` digest granting superuser to `digest super:pw`.
    public var superDigest: String?
    /// `authProvider.N=...SASLAuthenticationProvider`: SASL DIGEST-MD5 with the
    /// users of the JAAS file's `Server` section (`jaasConfigFile`).
    public var saslAuthProvider = false
    /// `superUser` (Apache's `zookeeper.superUser`): this SASL user is also super.
    public var saslSuperUser: String?
    /// The JAAS file, from the command line or `-Djava.security.auth.login.config=`
    /// in SERVER_JVMFLAGS / JVMFLAGS, as Apache's scripts pass it; not a zoo.cfg key.
    public var jaasConfigFile: String?
    /// Quorum members from `server.N` lines (of zoo.cfg or its dynamic config file), in sid order.
    public var servers: [ServerEntry] = []
    /// `dynamicConfigFile`: where the `server.N` lines are (Apache 3.5+).
    public var dynamicConfigFile: String?
    /// The membership's version: the dynamic config file name's hex suffix, else 0.
    public var membershipVersion: Int64 = 0
    /// The zoo.cfg this was read from (not a key): a reconfiguration writes the
    /// new dynamic config file beside it and points it there, as Apache does.
    public var configFilePath: String?
    /// This server's role from `peerType` (overridden by its own server.N
    /// line once `myid` is applied, as Apache does).
    public var peerType: PeerType = .participant
    /// `reconfigEnabled`: the `reconfig` request changes the membership live
    /// (false: it is answered ReconfigDisabled, Apache's default).
    public var reconfigEnabled = false
    /// `standaloneEnabled` (Apache's default true): a reconfig must leave at
    /// least 2 voters. False lets it leave 1; zkdash still runs a lone
    /// `server.N` standalone (with a warning).
    public var standaloneEnabled = true
    /// This server's id, from `dataDir/myid`; set via `applyingMyid`.
    public var myid: Int?
    /// Largest request/response payload, in bytes (`jute.maxbuffer`).
    public var juteMaxBufferBytes: Int = 0xfffff
    /// Everything accepted but not acted on; log each and carry on.
    public var warnings: [ConfigWarning] = []

    public init() {}

    /// Voting members (participants) among `servers`.
    public var participants: [ServerEntry] { servers.filter { $0.role == .participant } }

    /// True unless zoo.cfg lists at least two voting `server.N` lines
    /// (Apache `isDistributed()` with the default `standaloneEnabled=true`).
    public var isStandalone: Bool { participants.count < 2 }

    /// Keys whose values were recognised but that zkdash does not act on,
    /// convenient for "ignoring unsupported key X (line N)" logging.
    public var unknownKeys: [ConfigWarning] {
        warnings.filter { $0.kind == .unsupportedKey || $0.kind == .unknownKey }
    }
}
