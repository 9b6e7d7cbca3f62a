import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import NIOTLS

/// A flag or config value that cannot be used, with the key it came from.
public struct SecurityConfigurationError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// How a client reaches a TLS port: the CAs it trusts and, for servers that
/// ask for one, the certificate it presents. Paths are PEM files.
public struct TLSClientSettings: Sendable, Equatable {
    public var caFile: String
    public var certificateFile: String?
    public var keyFile: String?
    /// The flag names, for error messages ("--tls-ca", "--admin-tls-ca").
    public var caFlag: String

    public init(caFile: String, certificateFile: String? = nil, keyFile: String? = nil, caFlag: String = "--tls-ca") {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.caFlag = caFlag
    }
}

/// A client TLS context, built once when the command starts (so an unreadable
/// or mismatched file is an error before any connection), shared by every
/// connection it secures.
public final class ClientTLS: Sendable {
    public let settings: TLSClientSettings
    let context: NIOSSLContext
    /// To whom the servers' certificates were issued, as handshakes complete
    /// (the dashboard's banner shows it).
    public let servers = PeerCertificates()

    public init(_ settings: TLSClientSettings) throws(SecurityConfigurationError) {
        self.settings = settings
        var configuration = TLSConfiguration.makeClientConfiguration()
        let roots = try PEMFiles.certificates(settings.caFile, flag: settings.caFlag)
        configuration.trustRoots = .certificates(roots)
        switch (settings.certificateFile, settings.keyFile) {
        case (nil, nil):
            break
        case (let certificate?, let key?):
            configuration.certificateChain = try PEMFiles.certificates(certificate, flag: "--tls-cert").map { .certificate($0) }
            configuration.privateKey = .privateKey(try PEMFiles.privateKey(key, flag: "--tls-key"))
        case (nil, _?):
            throw SecurityConfigurationError("--tls-key needs --tls-cert (the certificate it belongs to)")
        case (_?, nil):
            throw SecurityConfigurationError("--tls-cert needs --tls-key (its private key)")
        }
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw SecurityConfigurationError("--tls-cert / --tls-key: \(TLSFailure.describe(error)) (does the key belong to the certificate?)")
        }
    }

    /// Puts TLS in front of a fresh channel's pipeline. `host` is the name or
    /// address the user gave: a name is sent as SNI and checked against the
    /// certificate's DNS names; an address is checked against its IP names.
    public func secure(_ channel: any Channel, host: String) throws {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let name: String? = Self.isIPAddress(bare) ? nil : bare
        let handler = try NIOSSLClientHandler(context: context, serverHostname: name)
        try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        try channel.pipeline.syncOperations.addHandler(PeerCertificateRecorder(servers), position: .after(handler))
    }

    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}

/// The subjects' common names of the server certificates seen, first seen first.
public final class PeerCertificates: Sendable {
    private let names = NIOLockedValueBox<[String]>([])

    public init() {}

    func record(_ name: String) {
        names.withLockedValue { names in if !names.contains(name) { names.append(name) } }
    }

    public var issuedTo: [String] { names.withLockedValue { $0 } }

    /// "zk1" or "zk1 +2": for a one-line banner.
    public var summary: String? {
        let all = issuedTo
        guard let first = all.first else { return nil }
        return all.count == 1 ? first : "\(first) +\(all.count - 1)"
    }
}

/// Notes the server certificate's name when the handshake completes, then leaves.
final class PeerCertificateRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    private let servers: PeerCertificates

    init(_ servers: PeerCertificates) {
        self.servers = servers
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Fire first: a removed handler's context drops what it fires.
        context.fireUserInboundEventTriggered(event)
        guard let tls = event as? TLSUserEvent, case .handshakeCompleted = tls else { return }
        if let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate(),
           let name = CertificateSubject.commonName(certificate) {
            servers.record(name)
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

/// Reading PEM files with messages that name the flag and the file.
enum PEMFiles {
    static func certificates(_ path: String, flag: String) throws(SecurityConfigurationError) -> [NIOSSLCertificate] {
        try readable(path, flag: flag)
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw SecurityConfigurationError("\(flag): \(path) holds no readable PEM certificate (\(error))")
        }
        guard !certificates.isEmpty else { throw SecurityConfigurationError("\(flag): \(path) holds no PEM certificate") }
        return certificates
    }

    static func privateKey(_ path: String, flag: String) throws(SecurityConfigurationError) -> NIOSSLPrivateKey {
        try readable(path, flag: flag)
        do {
            return try NIOSSLPrivateKey(file: path, format: .pem)
        } catch {
            throw SecurityConfigurationError("\(flag): \(path) holds no readable, unencrypted PEM private key (\(error))")
        }
    }

    static func readable(_ path: String, flag: String) throws(SecurityConfigurationError) {
        guard FileManager.default.isReadableFile(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw SecurityConfigurationError("\(flag): cannot read \(path)" + (exists ? " (permission denied)" : " (no such file)"))
        }
    }
}
