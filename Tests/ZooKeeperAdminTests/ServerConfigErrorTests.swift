import Testing
@testable import ZooKeeperAdmin

/// Every fatal rule names the key, the line and the value.
@Suite struct ServerConfigErrorTests {
    private func error(_ text: String) -> ConfigError? {
        do {
            _ = try ServerConfigParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    /// Puts `line` on line 3 of an otherwise valid file.
    private func errorOnLine3(_ line: String) -> ConfigError? {
        error("dataDir=/d\nclientPort=2181\n\(line)\n")
    }

    @Test func descriptionNamesFileLineKeyAndValue() {
        let e = error("# zoo\ndataDir=/d\n\ntickTime=abc\n")
        #expect(e == ConfigError(key: "tickTime", line: 4, value: "abc", reason: "not an integer"))
        #expect(e?.description == "zoo.cfg line 4: tickTime=abc: not an integer")
    }

    @Test func fileNameIsUsedInMessages() throws {
        do {
            _ = try ServerConfigParser.parse("tickTime=x\n", fileName: "/etc/zk/zoo.cfg")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "/etc/zk/zoo.cfg line 1: tickTime=x: not an integer")
        }
    }

    @Test(arguments: [
        ("tickTime=abc", "tickTime", "not an integer"),
        ("tickTime=0", "tickTime", "must be a positive number of milliseconds"),
        ("tickTime=-5", "tickTime", "must be a positive number of milliseconds"),
        ("tickTime=2000ms", "tickTime", "not an integer"),
        ("tickTime=99999999999", "tickTime", "not an integer"),
        ("initLimit=ten", "initLimit", "not an integer"),
        ("initLimit=-1", "initLimit", "must not be negative"),
        ("syncLimit=1.5", "syncLimit", "not an integer"),
        ("clientPort=-1", "clientPort", "not a port number (1-65535)"),
        ("clientPort=65536", "clientPort", "not a port number (1-65535)"),
        ("clientPort=21 81", "clientPort", "not an integer"),
        ("clientPortAddress=", "clientPortAddress", "empty address"),
        ("secureClientPort=70000", "secureClientPort", "not a port number (1-65535)"),
        ("maxClientCnxns=lots", "maxClientCnxns", "not an integer"),
        ("minSessionTimeout=-2", "minSessionTimeout", "must be -1 (derive from tickTime) or a number of milliseconds"),
        ("maxSessionTimeout=x", "maxSessionTimeout", "not an integer"),
        ("snapCount=1e5", "snapCount", "not an integer"),
        ("globalOutstandingLimit=", "globalOutstandingLimit", "not an integer"),
        ("autopurge.snapRetainCount=three", "autopurge.snapRetainCount", "not an integer"),
        ("autopurge.purgeInterval=1h", "autopurge.purgeInterval", "not an integer"),
        ("jute.maxbuffer=0", "jute.maxbuffer", "must be a positive number of bytes"),
        ("jute.maxbuffer=0xfffff", "jute.maxbuffer", "not an integer"),
        ("DigestAuthenticationProvider.superDigest=", "DigestAuthenticationProvider.superDigest", "empty digest"),
        ("peerType=voter", "peerType", "unrecognised peer type (participant or observer)"),
        ("electionAlg=1", "electionAlg", "only electionAlg 3 is supported"),
        ("dataLogDir=", "dataLogDir", "empty path"),
        ("server.a=h:2888:3888", "server.a", "server id a is not a number"),
        ("server.1=h:2888", "server.1", ServerEntryParser.wrongFormat),
        ("server.1=h:2888:3888:observer:x", "server.1", ServerEntryParser.wrongFormat),
        ("server.1=h:2888:3888;1;2", "server.1", ServerEntryParser.wrongFormat),
        ("server.1=h:x:3888", "server.1", "quorum port x is not a port number (1-65535)"),
        ("server.1=h:2888:99999", "server.1", "election port 99999 is not a port number (1-65535)"),
        ("server.1=h:2888:2888", "server.1", "quorum and election port must be different"),
        ("server.1=h:2888:3888:voter", "server.1", "unrecognised peer type voter (participant or observer)"),
        ("server.1=h:2888:3888;-5", "server.1", "client port -5 is not a port number (1-65535)"),
        ("server.1=h:2888:3888;a:b:2181", "server.1", ServerEntryParser.wrongFormat),
        ("server.1=[::1:2888:3888", "server.1", "[::1:2888:3888 starts with '[' but has no matching ']:'"),
        ("server.1=[::1]:", "server.1", "[::1]: doesn't have a port after colon"),
        ("server.1=a:1:2|b:1:2", "server.1", "multiple addresses per server (multiAddress) are not supported"),
        ("server.1=:2888:3888", "server.1", "missing host"),
    ])
    func malformedValueNamesKeyAndLine(line: String, key: String, reason: String) {
        let e = errorOnLine3(line)
        #expect(e?.key == key)
        #expect(e?.line == 3)
        #expect(e?.reason == reason)
        #expect(e?.value == String(line.drop(while: { $0 != "=" }).dropFirst()))
    }

    @Test func dataDirMissing() {
        let e = error("tickTime=2000\nclientPort=2181\n")
        #expect(e == ConfigError(key: "dataDir", line: 0, value: "", reason: "dataDir is not set"))
        #expect(e?.description == "zoo.cfg: dataDir is not set")
    }

    @Test func dataDirEmpty() {
        #expect(error("dataDir=  \n")?.reason == "empty path")
    }

    @Test func clientPortAddressWithoutClientPort() {
        let e = error("dataDir=/d\nclientPortAddress=127.0.0.1\n")
        #expect(e?.key == "clientPortAddress")
        #expect(e?.line == 2)
        #expect(e?.reason == "clientPortAddress is set but clientPort is not set")
    }

    @Test func minSessionTimeoutAboveMax() {
        let e = error("dataDir=/d\nclientPort=1\nminSessionTimeout=50000\nmaxSessionTimeout=40000\n")
        #expect(e?.key == "minSessionTimeout")
        #expect(e?.line == 3)
        #expect(e?.reason == "minSessionTimeout (50000) must not be larger than maxSessionTimeout (40000)")
    }

    @Test func minSessionTimeoutAboveDerivedMax() {
        // tickTime 2000 → derived max 40000.
        let e = error("tickTime=2000\ndataDir=/d\nclientPort=1\nminSessionTimeout=45000\n")
        #expect(e?.line == 4)
        #expect(e?.reason == "minSessionTimeout (45000) must not be larger than maxSessionTimeout (40000)")
    }

    @Test func malformedUnicodeEscape() {
        let e = error("dataDir=/d\nclientPort=\\u21x1\n")
        #expect(e?.line == 2)
        #expect(e?.reason == "malformed \\uxxxx encoding")
    }

    @Test func duplicateServerIdAcrossSpellings() {
        let e = error("dataDir=/d\nserver.1=a:1:2\nserver.01=b:1:2\n")
        #expect(e?.key == "server.01")
        #expect(e?.line == 3)
        #expect(e?.reason == "server id 1 is already defined on line 2")
    }

    @Test func quorumNeedsInitAndSyncLimit() {
        let servers = "dataDir=/d\nserver.1=a:2888:3888\nserver.2=b:2888:3888\n"
        #expect(error(servers) == ConfigError(key: "initLimit", line: 0, value: "", reason: "initLimit is not set"))
        #expect(error(servers + "initLimit=5\n") == ConfigError(key: "syncLimit", line: 0, value: "", reason: "syncLimit is not set"))
        #expect(error(servers + "initLimit=5\nsyncLimit=2\n") == nil)
    }

    @Test func observersNeedParticipants() {
        #expect(error("dataDir=/d\nserver.1=a:2888:3888:observer\n")?.reason
            == "observers without participants is an invalid configuration")
        #expect(error("dataDir=/d\nserver.1=a:2888:3888\nserver.2=b:2888:3888:observer\n")?.reason
            == "observers without a quorum is an invalid configuration")
    }
}
