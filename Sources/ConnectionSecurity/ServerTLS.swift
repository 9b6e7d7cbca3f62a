import NIOCore
import NIOSSL
import NIOTLS
import ZooKeeperAdmin

/// The TLS context of a server's secure client port, from Apache's `ssl.*`
/// keys, built once at start: an unreadable store, a key that does not match
/// its certificate or an unknown cipher suite stops the start naming the key.
public final class ServerTLS: Sendable {
    let context: NIOSSLContext

    public init(_ config: ClientTLSConfig) throws(SecurityConfigurationError) {
        guard let keyStore = config.keyStoreFile else {
            throw SecurityConfigurationError("ssl.keyStore.location is not set")
        }
        // Apache's PEM key store: the private key and the certificate chain in one file.
        let chain = try PEMFiles.certificates(keyStore, flag: "ssl.keyStore.location")
        let key = try PEMFiles.privateKey(keyStore, flag: "ssl.keyStore.location")
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        if let trustStore = config.trustStoreFile {
            configuration.trustRoots = .certificates(try PEMFiles.certificates(trustStore, flag: "ssl.trustStore.location"))
        }
        switch config.clientAuth {
        case .need: configuration.certificateVerification = .noHostnameVerification
        case .want: configuration.certificateVerification = .optionalVerification
        case .none: configuration.certificateVerification = .none
        }
        configuration.minimumTLSVersion = config.minimumProtocol == "TLSv1.3" ? .tlsv13 : .tlsv12
        if let names = config.cipherSuites {
            configuration.cipherSuiteValues = try names.map { name throws(SecurityConfigurationError) in
                guard let cipher = Self.ciphers[name] else {
                    throw SecurityConfigurationError("ssl.ciphersuites: unknown cipher suite \(name) (IANA names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)")
                }
                return cipher
            }
        }
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw SecurityConfigurationError("ssl.keyStore.location: \(TLSFailure.describe(error))")
        }
    }

    /// Apache's (Netty's) handshake timeout: a connection that has not
    /// finished TLS by then is closed (a plaintext `ruok` left waiting, or a
    /// client that never speaks, must not hold a connection forever).
    public static let handshakeTimeout: TimeAmount = .seconds(10)

    /// The handlers for one accepted connection, first in its pipeline, in order.
    public func makeHandlers() -> [any ChannelHandler] {
        [NIOSSLServerHandler(context: context), HandshakeDeadline(timeout: Self.handshakeTimeout)]
    }

    /// The subject of the client certificate, when `event` is the completion
    /// of this connection's TLS handshake and the client presented one (the
    /// session's `x509` identity, as Apache's X509AuthenticationProvider).
    public static func peerSubject(ifHandshakeCompleted event: Any, context: ChannelHandlerContext) -> String? {
        guard let tls = event as? TLSUserEvent, case .handshakeCompleted = tls,
              let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate() else { return nil }
        return CertificateSubject.rfc2253(certificate)
    }

    /// IANA cipher suite names (as Java and Apache's ssl.ciphersuites spell them).
    static let ciphers: [String: NIOTLSCipher] = [
        "TLS_AES_128_GCM_SHA256": .TLS_AES_128_GCM_SHA256,
        "TLS_AES_256_GCM_SHA384": .TLS_AES_256_GCM_SHA384,
        "TLS_CHACHA20_POLY1305_SHA256": .TLS_CHACHA20_POLY1305_SHA256,
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": .TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": .TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
        "TLS_RSA_WITH_AES_128_GCM_SHA256": .TLS_RSA_WITH_AES_128_GCM_SHA256,
        "TLS_RSA_WITH_AES_256_GCM_SHA384": .TLS_RSA_WITH_AES_256_GCM_SHA384,
    ]
}

/// Closes the connection unless TLS's handshake completes within `timeout`.
final class HandshakeDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Pass the event on first: a removed handler's context drops what it
        // fires, and the handlers behind read the client certificate from it.
        context.fireUserInboundEventTriggered(event)
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            deadline?.cancel()
            deadline = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        context.fireChannelInactive()
    }
}
