import ConnectionSecurity
import DashboardIO
import DashboardUI
import EnsembleModel
import EnsembleMonitor
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServerTestSupport
import Testing
import ZooKeeperAdmin
import ZooKeeperClient
import ZooKeeperProtocol
import ZooKeeperServer

/// The embedded server's secureClientPort (Apache's ssl.* keys, PEM stores)
/// reached by zkdash's own client and poller: what works with the right
/// certificates, and that every wrong one fails fast with a cause in words.
@Suite(.serialized) struct TLSConnectionTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static func fixture(_ name: String) -> String { fixtures + "/" + name }

    /// A server with a plain and a TLS client port.
    static func server(clientAuth: String = "need", keyStore: String = "server-keystore.pem") throws -> (EmbeddedServer, securePort: Int) {
        let securePort = FreePort.next()
        let server = try EmbeddedServer.start(extraConfig: """
            secureClientPort=\(securePort)
            ssl.keyStore.location=\(fixture(keyStore))
            ssl.keyStore.type=PEM
            ssl.trustStore.location=\(fixture("ca.pem"))
            ssl.trustStore.type=PEM
            ssl.clientAuth=\(clientAuth)
            4lw.commands.whitelist=*

            """)
        return (server, securePort)
    }

    static func clientTLS(ca: String = "ca.pem", certificate: Bool = true) throws -> ClientTLS {
        try ClientTLS(TLSClientSettings(
            caFile: fixture(ca), certificateFile: certificate ? fixture("client.crt") : nil, keyFile: certificate ? fixture("client.key") : nil))
    }

    static func configuration(port: Int, tls: ClientTLS?, host: String = "127.0.0.1") -> ZooKeeperClient.Configuration {
        var setup: (@Sendable (any Channel, String) throws -> Void)?
        if let tls { setup = { channel, host in try tls.secure(channel, host: host) } }
        return ZooKeeperClient.Configuration(
            connectString: "\(host):\(port)", sessionTimeout: .seconds(3), logger: Logger(label: "tls.test") { _ in SwiftLogNoOpLogHandler() },
            channelSetup: setup)
    }

    @Test func aClientWithTheRightCertificatesReadsAndWritesOverTLS() async throws {
        let (server, securePort) = try Self.server()
        defer { server.stop() }
        let tls = try Self.clientTLS()
        #expect(tls.servers.summary == nil)
        for host in ["127.0.0.1", "localhost"] {
            let client = try await ZooKeeperClient.connect(Self.configuration(port: securePort, tls: tls, host: host))
            let path = "/tls-\(host)"
            _ = try await client.create(path, data: Array("secret".utf8))
            #expect(try await client.getData(path).data == Array("secret".utf8))
            await client.close()
        }
        // To whom the server's certificate was issued (the dashboard's banner).
        #expect(tls.servers.issuedTo == ["zkdash-test-server"])
        // The plain port beside it serves the same tree.
        let plain = try await ZooKeeperClient.connect(Self.configuration(port: server.port, tls: nil))
        #expect(try await plain.getData("/tls-localhost").data == Array("secret".utf8))
        #expect(try await plain.whoAmI().map { "\($0.authScheme):\($0.user)" } == ["ip:127.0.0.1"])
        await plain.close()
    }

    /// As Apache's X509AuthenticationProvider: the client certificate's
    /// subject is the session's `x509` identity, and ACLs can name it.
    @Test func aClientCertificateIsTheSessionsX509Identity() async throws {
        let (server, securePort) = try Self.server()
        defer { server.stop() }
        let client = try await ZooKeeperClient.connect(Self.configuration(port: securePort, tls: try Self.clientTLS()))
        #expect(try await client.whoAmI().map { "\($0.authScheme):\($0.user)" } == ["ip:127.0.0.1", "x509:CN=zkdash-test-client"])
        let certOnly = [ACL(perms: .all, id: Id(scheme: "x509", id: "CN=zkdash-test-client"))]
        _ = try await client.create("/cert-only", data: Array("c".utf8), acl: certOnly)
        #expect(try await client.getData("/cert-only").data == Array("c".utf8))
        await client.close()
        let plain = try await ZooKeeperClient.connect(Self.configuration(port: server.port, tls: nil))
        await #expect(throws: ZooKeeperError.self) { try await plain.getData("/cert-only") }
        await plain.close()
    }

    @Test func wrongOrMissingCertificatesFailWithTheirCause() async throws {
        let (server, securePort) = try Self.server()
        defer { server.stop() }
        let cases: [(tls: ClientTLS?, expected: String)] = [
            (try Self.clientTLS(certificate: false), "requires a client certificate"),
            (try Self.clientTLS(ca: "other-ca.pem"), "certificate was refused"),
        ]
        for (tls, expected) in cases {
            let started = Date()
            let error = await #expect(throws: ZooKeeperError.self) {
                try await ZooKeeperClient.connect(Self.configuration(port: securePort, tls: tls))
            }
            let raw = error?.detail ?? "no error"
            let detail = TLSFailure.describe(text: raw)
            #expect(detail.contains(expected), "\(raw)")
            #expect(Date().timeIntervalSince(started) < 6, "a refusal must not hang")
        }
    }

    @Test func anExpiredServerCertificateIsRefused() async throws {
        let (server, securePort) = try Self.server(keyStore: "expired-keystore.pem")
        defer { server.stop() }
        let error = await #expect(throws: ZooKeeperError.self) {
            try await ZooKeeperClient.connect(Self.configuration(port: securePort, tls: try Self.clientTLS()))
        }
        let raw = error?.detail ?? "no error"
        #expect(TLSFailure.describe(text: raw).contains("expired or not yet valid"), "\(raw)")
    }

    @Test func theMonitorAsksFourLetterWordsThroughTLS() async throws {
        let (server, securePort) = try Self.server(clientAuth: "want")
        defer { server.stop() }
        let poller = EnsemblePoller(settings: PollerSettings(timeoutMs: 2000, defaultAdminPort: nil, tls: try Self.clientTLS(certificate: false)))
        let address = NodeAddress(host: "127.0.0.1", clientPort: securePort)
        let sample = await poller.poll([PollRequest(memberIndex: 0, address: address, words: [.srvr], admin: nil)], memberCount: 1)[0]
        guard case .success(let srvr)? = sample?.answers[.srvr] else {
            Issue.record("srvr over TLS failed: \(String(describing: sample?.answers[.srvr]))")
            return
        }
        #expect(srvr.contains("Mode: standalone"))
        // Without TLS the same port answers with a TLS alert: the node says which flag is missing.
        let plain = EnsemblePoller(settings: PollerSettings(timeoutMs: 500, defaultAdminPort: nil))
        let refused = await plain.poll([PollRequest(memberIndex: 0, address: address, words: [.srvr], admin: nil)], memberCount: 1)[0]
        // ("srvr" is 4 bytes, short of a TLS record header: the port waits, silent, and the probe tells.)
        guard case .failure(let failure)? = refused?.answers[.srvr], case .plaintextToTLSPort = failure else {
            Issue.record("\(String(describing: refused?.answers[.srvr]))")
            return
        }
        #expect(failure.reason.hasSuffix("the port speaks TLS (a secureClientPort?): add --tls-ca"))
        #expect(failure.meansDown)
    }

    /// Apache's TLS port is silent to plaintext, like a paused node: a TLS
    /// probe tells them apart. A listener that accepts and never answers
    /// (what a SIGSTOPped server looks like) is not taken for a TLS port.
    @Test func aTLSProbeTellsATLSPortFromASilentOne() async throws {
        let (server, securePort) = try Self.server()
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup.singleton
        let silent = try await ServerBootstrap(group: group)
            .childChannelInitializer { _ in group.next().makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { silent.close(promise: nil) }
        func probe(_ port: Int) async throws -> Bool {
            try await TLSPortProbe.speaksTLS(try SocketAddress(ipAddress: "127.0.0.1", port: port), on: group.next(), timeout: .milliseconds(800)).get()
        }
        #expect(try await probe(securePort))
        #expect(try await !probe(server.port), "a plain client port closes at the ClientHello")
        #expect(try await !probe(try #require(silent.localAddress?.port)), "silence is not TLS")
        #expect(try await !probe(FreePort.next()), "nothing listening")
        #expect(TLSPortProbe.isTLSRecord([0x15, 0x03, 0x03]) && TLSPortProbe.isTLSRecord([0x16, 0x03, 0x01]))
        #expect(!TLSPortProbe.isTLSRecord(Array("imok".utf8)) && !TLSPortProbe.isTLSRecord([0x15]))

        // The poller: silence from a non-TLS port stays "no answer".
        let plain = EnsemblePoller(settings: PollerSettings(timeoutMs: 300, defaultAdminPort: nil))
        let address = NodeAddress(host: "127.0.0.1", clientPort: try #require(silent.localAddress?.port))
        let sample = await plain.poll([PollRequest(memberIndex: 0, address: address, words: [.srvr], admin: nil)], memberCount: 1)[0]
        #expect(sample?.answers[.srvr] == .failure(.timedOut(afterMs: 300)))
    }

    /// A refused certificate is final: `connect` gives up at once when every
    /// server refused, instead of retrying until its deadline.
    @Test func aLastingTLSRefusalEndsTheConnectAtOnce() async throws {
        let (server, securePort) = try Self.server()
        defer { server.stop() }
        var configuration = Self.configuration(port: securePort, tls: try Self.clientTLS(certificate: false))
        configuration.sessionTimeout = .seconds(30)
        configuration.isLastingFailure = { TLSFailure.isLasting($0) }
        let started = Date()
        let error = await #expect(throws: ZooKeeperError.self) { try await ZooKeeperClient.connect(configuration) }
        #expect(Date().timeIntervalSince(started) < 5, "waited for the deadline")
        let detail = error.flatMap { $0.detail } ?? ""
        #expect(detail.hasPrefix("every server refused the connection (last: "), "\(detail)")
        #expect(TLSFailure.describe(text: detail).contains("requires a client certificate"), "\(detail)")
    }

    /// The Tree view's watchers come from `wchp` through the same TLS as its client.
    @Test func theTreeViewAsksWchpThroughTLS() async throws {
        let (server, securePort) = try Self.server()
        defer { server.stop() }
        let tls = try Self.clientTLS()
        let watcher = try await ZooKeeperClient.connect(Self.configuration(port: securePort, tls: tls))
        _ = try await watcher.create("/watched")
        _ = try await watcher.getData("/watched", watch: true)
        let tree = TreeExecutor(connectString: "127.0.0.1:\(securePort)", channelSetup: { channel, host in try tls.secure(channel, host: host) },
                                logger: Logger(label: "tls.test") { _ in SwiftLogNoOpLogHandler() })
        #expect(await tree.perform(.watchers(path: "/watched")) == [.watchers(path: "/watched", .sessions([watcher.sessionId]))])
        await tree.close()
        await watcher.close()
    }

    @Test func badTLSSettingsStopTheServerAtStartNamingTheKey() throws {
        let cases: [(String, String)] = [
            ("ssl.keyStore.location=/nonexistent/server.pem\n", "ssl.keyStore.location: cannot read /nonexistent/server.pem"),
            ("ssl.keyStore.location=\(Self.fixture("ca.pem"))\n", "ssl.keyStore.location"),
            ("ssl.keyStore.location=\(Self.fixture("server-keystore.pem"))\nssl.ciphersuites=TLS_NOT_A_CIPHER\n", "ssl.ciphersuites: unknown cipher suite TLS_NOT_A_CIPHER"),
        ]
        for (lines, expected) in cases {
            let error = #expect(throws: (any Error).self) {
                let server = try EmbeddedServer.start(extraConfig: "secureClientPort=\(FreePort.next())\n" + lines)
                server.stop()
            }
            #expect("\(error.map { "\($0)" } ?? "")".contains(expected), "\(lines): \(String(describing: error))")
        }
    }

    @Test func clientFlagsThatCannotWorkAreRefusedBeforeConnecting() {
        #expect(throws: SecurityConfigurationError.self) { try ClientTLS(TLSClientSettings(caFile: Self.fixture("missing.pem"))) }
        #expect(throws: SecurityConfigurationError.self) {
            try ClientTLS(TLSClientSettings(caFile: Self.fixture("ca.pem"), certificateFile: Self.fixture("client.crt")))
        }
        // A key that is not the certificate's.
        #expect(throws: SecurityConfigurationError.self) {
            try ClientTLS(TLSClientSettings(caFile: Self.fixture("ca.pem"), certificateFile: Self.fixture("client.crt"),
                                            keyFile: Self.fixture("expired-keystore.pem")))
        }
    }
}
