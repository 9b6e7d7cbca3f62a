import ArgumentParser
import ConnectionSecurity
import Foundation
import NIOCore
import ZooKeeperClient

/// How every command that connects reaches a secured ensemble: TLS to the
/// client port (and AdminServer), and identities added after connecting.
/// Secrets can stay out of shell history: `ZKDASH_AUTH` and `ZKDASH_SASL`
/// hold the same values as the flags, and `--auth-file` reads them from a file.
struct SecurityOptions: ParsableArguments {
    @Option(name: .customLong("tls-ca"), help: "Use TLS to client ports and trust the CA certificates in this PEM file (env ZKDASH_TLS_CA).")
    var tlsCA: String?

    @Option(name: .customLong("tls-cert"), help: "Client certificate (PEM) for servers that ask for one; needs --tls-key (env ZKDASH_TLS_CERT).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "The client certificate's unencrypted PEM private key (env ZKDASH_TLS_KEY).")
    var tlsKey: String?

    @Option(name: .customLong("admin-tls-ca"), help: "AdminServers speak HTTPS: trust the CA certificates in this PEM file.")
    var adminTLSCA: String?

    @Option(name: .long,
            help: "addAuth after connecting, as SCHEME:DATA, e.g. digest:USER:PASSWORD; repeatable (env ZKDASH_AUTH: one per line).")
    var auth: [String] = []

    @Option(name: .customLong("auth-file"), help: "A file of SCHEME:DATA identities, one per line (# comments), as --auth.")
    var authFile: String?

    @Option(name: .long, help: "SASL login, digest:USER:PASSWORD (DIGEST-MD5, as Apache's SASLAuthenticationProvider expects; env ZKDASH_SASL).")
    var sasl: String?

    static let environment = ProcessInfo.processInfo.environment

    func validate() throws {
        _ = try credentials()
        if let sasl = sasl ?? Self.environment["ZKDASH_SASL"] { _ = try Self.parseSASL(sasl) }
    }

    /// The TLS context for client ports, built now: a missing or bad file is a flag error.
    func clientTLS() throws -> ClientTLS? {
        guard let ca = tlsCA ?? Self.environment["ZKDASH_TLS_CA"] else {
            if tlsCert != nil || tlsKey != nil { throw ValidationError("--tls-cert and --tls-key need --tls-ca (the CAs the server's certificate must chain to)") }
            return nil
        }
        do {
            return try ClientTLS(TLSClientSettings(
                caFile: ca, certificateFile: tlsCert ?? Self.environment["ZKDASH_TLS_CERT"],
                keyFile: tlsKey ?? Self.environment["ZKDASH_TLS_KEY"]))
        } catch {
            throw ValidationError(error.description)
        }
    }

    func adminTLS() throws -> ClientTLS? {
        guard let adminTLSCA else { return nil }
        do { return try ClientTLS(TLSClientSettings(caFile: adminTLSCA, caFlag: "--admin-tls-ca")) } catch { throw ValidationError(error.description) }
    }

    /// For the banner: how client ports are reached.
    var connectionDescription: String {
        // The SASL user (never the password) goes with it: the Tree view logs in as them.
        let sasl = (try? saslLogin()).flatMap { $0 }.map { " · SASL \($0.user)" } ?? ""
        guard let ca = tlsCA ?? Self.environment["ZKDASH_TLS_CA"] else { return "plain" + sasl }
        let name = URL(fileURLWithPath: ca).lastPathComponent
        return ((tlsCert ?? Self.environment["ZKDASH_TLS_CERT"]) == nil ? "TLS (CA \(name))" : "TLS (CA \(name), client certificate)") + sasl
    }

    /// The addAuth identities, from --auth, ZKDASH_AUTH and --auth-file.
    func credentials() throws -> [ZooKeeperClient.AuthCredential] {
        // (value, where it came from) so that a bad one is named by its source.
        var values: [(String, String)] = auth.map { ($0, "--auth") }
        if let fromEnvironment = Self.environment["ZKDASH_AUTH"] {
            values += Self.numberedLines(fromEnvironment).map { ($0.text, "ZKDASH_AUTH line \($0.number)") }
        }
        if let authFile {
            guard let text = try? String(contentsOfFile: authFile, encoding: .utf8) else {
                throw ValidationError("--auth-file: cannot read \(authFile)")
            }
            values += Self.numberedLines(text).map { ($0.text, "--auth-file \(authFile) line \($0.number)") }
        }
        return try values.map { value, source in
            guard let colon = value.firstIndex(of: ":"), colon != value.startIndex, value.index(after: colon) != value.endIndex else {
                throw ValidationError("\(source): expected SCHEME:DATA (e.g. digest:USER:PASSWORD), got '\(Self.redacted(value))'")
            }
            let scheme = String(value[..<colon])
            let data = String(value[value.index(after: colon)...])
            if scheme == "digest", !data.contains(":") {
                throw ValidationError("\(source): digest needs USER:PASSWORD, got 'digest:\(Self.redacted(data))'")
            }
            return ZooKeeperClient.AuthCredential(scheme: scheme, auth: Array(data.utf8))
        }
    }

    /// The SASL DIGEST-MD5 login from --sasl or ZKDASH_SASL, if any.
    func saslLogin() throws -> (user: String, password: String)? {
        guard let value = sasl ?? Self.environment["ZKDASH_SASL"] else { return nil }
        return try Self.parseSASL(value)
    }

    static func parseSASL(_ value: String) throws -> (user: String, password: String) {
        let parts = value.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0] == "digest", !parts[1].isEmpty else {
            throw ValidationError("--sasl: expected digest:USER:PASSWORD (DIGEST-MD5), got '\(redacted(value))'")
        }
        return (parts[1], parts[2])
    }

    /// What a client connection runs first: TLS when --tls-ca is given.
    func channelSetup() throws -> (@Sendable (any Channel, _ host: String) throws -> Void)? {
        Self.channelSetup(try clientTLS())
    }

    /// The same, for a context already built (shared with the poller).
    static func channelSetup(_ tls: ClientTLS?) -> (@Sendable (any Channel, _ host: String) throws -> Void)? {
        guard let tls else { return nil }
        return { channel, host in try tls.secure(channel, host: host) }
    }

    /// Non-empty, non-comment lines with their 1-based numbers.
    static func numberedLines(_ text: String) -> [(number: Int, text: String)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { ($0.offset + 1, $0.element.trimmingCharacters(in: .whitespacesAndNewlines)) }
            .filter { !$0.1.isEmpty && !$0.1.hasPrefix("#") }
    }

    /// Never echo a password: keep the scheme and user, hide the rest.
    static func redacted(_ value: String) -> String {
        let parts = value.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return parts.count == 2 ? "\(parts[0]):…" : "…" }
        return "\(parts[0]):\(parts[1]):…"
    }
}
