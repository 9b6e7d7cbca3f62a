import NIOCore
import NIOSSL

/// A TLS failure in words an operator can act on (which flag to add or fix),
/// instead of BoringSSL's error-queue names.
public enum TLSFailure {
    /// An error of the TLS layer (handshake, certificate, unclean close).
    public static func isTLS(_ error: any Error) -> Bool {
        error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError
    }

    /// A refusal that another attempt would meet again: a certificate either
    /// side refuses, a name the certificate does not cover, a port that does
    /// not speak TLS or closes at our ClientHello (a plain port). (An unclean
    /// close after the handshake can be a restarting server: retried.)
    public static func isLasting(_ error: any Error) -> Bool {
        guard isTLS(error) else { return false }
        let words = describe(error)
        return words.hasPrefix("TLS: the server refused the handshake") || words.hasPrefix("TLS: the server's certificate")
            || words.hasPrefix("TLS: the port does not speak TLS") || words.hasPrefix("TLS: the server closed the connection during the handshake")
    }

    public static func describe(_ error: any Error) -> String {
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return "TLS: the server's certificate is not issued for this host name or address"
        }
        return describe(text: String(describing: error))
    }

    /// The same, from an error's text (as a client library reports it).
    public static func describe(text: String) -> String {
        if text.contains("failedToValidateHostname") {
            return "TLS: the server's certificate is not issued for this host name or address"
        }
        if text == "uncleanShutdown" {
            return "TLS: the server closed the connection without finishing TLS (it may require a client certificate: --tls-cert, --tls-key)"
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "TLS: the server's certificate was refused: not signed by a CA in --tls-ca, expired or not yet valid"
        }
        // Alerts the server sends about our certificate (none, expired, from a CA it does not trust).
        if text.contains("CERTIFICATE_REQUIRED") || text.contains("HANDSHAKE_FAILURE") || text.contains("BAD_CERTIFICATE")
            || text.contains("UNKNOWN_CA") || text.contains("CERTIFICATE_EXPIRED") || text.contains("CERTIFICATE_UNKNOWN")
            || text.contains("CERTIFICATE_REVOKED") || text.contains("UNSUPPORTED_CERTIFICATE") {
            return "TLS: the server refused the handshake: it requires a client certificate it trusts (--tls-cert, --tls-key)"
        }
        if text.contains("EOF during handshake") {
            return "TLS: the server closed the connection during the handshake (a plain client port? drop --tls-ca for it)"
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") || text.contains("HTTP_REQUEST") {
            return "TLS: the port does not speak TLS (a plain client port? drop --tls-ca for it)"
        }
        if text.contains("KEY_VALUES_MISMATCH") || text.contains("X509_CHECK_PRIVATE_KEY") {
            return "TLS: the private key does not belong to the certificate"
        }
        return "TLS: \(text)"
    }
}
