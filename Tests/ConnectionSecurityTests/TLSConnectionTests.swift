import ConnectionSecurity
import EnsembleModel
import EnsembleMonitor
import Foundation
import Logging
import NIOCore
import ServerTestSupport
import Testing
import ZooKeeperAdmin
import ZooKeeperClient
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
        for host in ["127.0.0.1", "localhost"] {
            let client = try await ZooKeeperClient.connect(Self.configuration(port: securePort, tls: try Self.clientTLS(), host: host))
            let path = "/tls-\(host)"
            _ = try await client.create(path, data: Array("secret".utf8))
            #expect(try await client.getData(path).data == Array("secret".utf8))
            await client.close()
        }
        // The plain port beside it serves the same tree.
        let plain = try await ZooKeeperClient.connect(Self.configuration(port: server.port, tls: nil))
        #expect(try await plain.getData("/tls-localhost").data == Array("secret".utf8))
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
        // Without TLS the same port gives no answer.
        let plain = EnsemblePoller(settings: PollerSettings(timeoutMs: 500, defaultAdminPort: nil))
        let refused = await plain.poll([PollRequest(memberIndex: 0, address: address, words: [.srvr], admin: nil)], memberCount: 1)[0]
        if case .success = refused?.answers[.srvr] { Issue.record("a plain srvr on the TLS port was answered") }
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
