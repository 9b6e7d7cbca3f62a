/// The TLS client port's settings from zoo.cfg, under Apache 3.8's key names
/// (`ssl.*`, read by its X509Util). Only PEM key and trust stores: a JKS or
/// PKCS12 store is refused at start with the key named.
public struct ClientTLSConfig: Sendable, Equatable {
    public enum ClientAuth: String, Sendable, Equatable, CaseIterable {
        /// A client must present a certificate the trust store accepts (Apache's default).
        case need
        /// A certificate is asked for and checked when given, but not required.
        case want
        /// No certificate is asked for.
        case none
    }

    /// `ssl.keyStore.location`: a PEM file with the private key and the certificate chain.
    public var keyStoreFile: String?
    /// `ssl.trustStore.location`: PEM CA certificates client certificates must chain to.
    public var trustStoreFile: String?
    /// `ssl.clientAuth`.
    public var clientAuth: ClientAuth = .need
    /// `ssl.protocol` / `ssl.enabledProtocols`: the oldest TLS version accepted (TLSv1.2 by default, as Apache).
    public var minimumProtocol: String = "TLSv1.2"
    /// `ssl.ciphersuites`: IANA names (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ...); nil: the TLS library's defaults.
    public var cipherSuites: [String]?

    public init() {}

    public static let protocols = ["TLSv1.2", "TLSv1.3"]
}
