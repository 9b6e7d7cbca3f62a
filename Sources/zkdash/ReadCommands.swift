import ArgumentParser
import ConnectionSecurity
import Foundation
import NIOCore
import Logging
import ZooKeeperClient
import ZooKeeperProtocol

/// The flags `zkdash get` and `zkdash ls` share: where to connect and how long to try.
struct ReadTarget: ParsableArguments {
    @Option(name: .long, help: "Comma-separated host:port list (a connect string; IPv6 as [::1]:2181, /chroot allowed).")
    var servers: String

    @Option(name: .long, parsing: .unconditional, help: "Seconds to connect and answer (default 10).")
    var timeout: Double = 10

    @OptionGroup var security: SecurityOptions

    func validate() throws {
        guard timeout.isFinite, timeout >= 0.1, timeout <= 600 else { throw ValidationError("--timeout must be between 0.1 and 600 seconds") }
        do { _ = try ConnectString(parsing: servers) } catch { throw ValidationError("--servers: \(error)") }
    }

    /// Exit statuses of the read commands (docs/security.md).
    enum Status: Int32 {
        case cannotConnect = 1
        case notAuthorised = 2
        case noNode = 3
    }

    func connect() async -> ZooKeeperClient {
        let credentials: [ZooKeeperClient.AuthCredential]
        let setup: (@Sendable (any Channel, _ host: String) throws -> Void)?
        let login: (user: String, password: String)?
        do {
            credentials = try security.credentials()
            setup = try security.channelSetup()
            login = try security.saslLogin()
        } catch {
            ReadCommandSupport.exitWithUsage(error)
        }
        var configuration = ZooKeeperClient.Configuration(
            connectString: servers, sessionTimeout: .milliseconds(Int64(timeout * 1000)),
            credentials: credentials, logger: ReadCommandSupport.quietLogger, channelSetup: setup)
        // A refused certificate is final: say so now, not at --timeout.
        configuration.isLastingFailure = { TLSFailure.isLasting($0) }
        let client: ZooKeeperClient
        do {
            client = try await ZooKeeperClient.connect(configuration)
        } catch let error as ZooKeeperError where error.code == .authFailed {
            fail(.notAuthorised, "authentication failed: the server refused an --auth identity (wrong password, or a scheme it does not know)")
        } catch {
            fail(.cannotConnect, "cannot connect to \(servers): \(explain(error))")
        }
        if let login {
            do {
                try await SASLLogin.digestMD5(client, user: login.user, password: login.password)
            } catch {
                await client.close()
                fail(.notAuthorised, "SASL login as \(login.user) failed: \(error)")
            }
        }
        return client
    }

    /// A connection failure in words, with the flag that may help.
    func explain(_ error: any Error) -> String {
        var text = (error as? ZooKeeperError)?.detail ?? "\(error)"
        if text.contains("BoringSSL") || text.contains("NIOSSL") || text.contains("handshake") {
            // The client's "no server answered … (last: <cause>)": the cause is what to fix.
            if let last = text.range(of: "(last: ") {
                text = String(text[last.upperBound...].dropLast(text.hasSuffix(")") ? 1 : 0))
            }
            text = TLSFailure.describe(text: text)
        } else if security.tlsCA == nil, SecurityOptions.environment["ZKDASH_TLS_CA"] == nil, !text.contains("refused") {
            // Apache's TLS port answers a plain client with silence.
            text += "; if this is a TLS port (secureClientPort), add --tls-ca"
        }
        return text
    }

    /// `zkdash diff` reports every failure as 2 (diff(1)'s "trouble"): 1 means "different" there.
    @TaskLocal static var exitStatusOverride: Int32?

    func fail(_ status: Status, _ message: String) -> Never {
        FileHandle.standardError.write(Data("zkdash: \(message)\n".utf8))
        Foundation.exit(Self.exitStatusOverride ?? status.rawValue)
    }

    /// Connects, runs one read, writes what `output` makes of it to stdout;
    /// a refused read exits with its status (`refuse`).
    func read<Answer>(_ path: String, _ call: (ZooKeeperClient) async throws -> Answer, output: (Answer) -> [UInt8]) async {
        signal(SIGPIPE, SIG_IGN)
        let client = await connect()
        do {
            let answer = try await call(client)
            await client.close()
            FileHandle.standardOutput.write(Data(output(answer)))
        } catch let error as ZooKeeperError {
            await refuse(path, client: client, error: error)
        } catch {
            await client.close()
            fail(.cannotConnect, "\(path): \(error)")
        }
    }

    /// A refused read: NoAuth names the identities the node's ACL grants,
    /// when the server lets us read the ACL, so the user knows which --auth helps.
    func refuse(_ path: String, client: ZooKeeperClient, error: ZooKeeperError, verb: String = "read") async -> Never {
        switch error.code {
        case .noNode:
            fail(.noNode, "\(path): no such znode")
        case .noAuth where verb != "read":
            await client.close()
            fail(.notAuthorised, "\(path): NoAuth: not authorised to \(verb) it; add an identity its ACL (its parent's, to create it) grants "
                 + "(--auth digest:USER:PASSWORD, --sasl, or a TLS client certificate)")
        case .noAuth:
            var message = "\(path): NoAuth: not authorised to read it"
            if let acl = try? await client.getACL(path).acl {
                let readers = acl.filter { $0.perms.contains(.read) }.map { "\($0.id.scheme):\($0.id.id)" }
                message += readers.isEmpty ? " (its ACL grants READ to nobody)" : "; READ is granted to \(readers.joined(separator: ", "))"
                let schemes = Set(acl.filter { $0.perms.contains(.read) }.map(\.id.scheme))
                if schemes.contains("digest") { message += "; try --auth digest:USER:PASSWORD" }
                if schemes.contains("sasl") { message += "; try --sasl digest:USER:PASSWORD" }
                if schemes.contains("x509") { message += "; try --tls-cert/--tls-key with that certificate" }
            } else {
                message += "; add an identity its ACL grants READ (--auth digest:USER:PASSWORD, --sasl, or a TLS client certificate)"
            }
            await client.close()
            fail(.notAuthorised, message)
        case .authFailed:
            fail(.notAuthorised, "authentication failed: the server refused an --auth identity (wrong password?)")
        default:
            await client.close()
            fail(.cannotConnect, "\(path): \(error)")
        }
    }
}

enum ReadCommandSupport {
    static let quietLogger: Logger = Logger(label: "zkdash.read") { _ in SwiftLogNoOpLogHandler() }

    static func exitWithUsage(_ error: any Error) -> Never {
        GetCommand.exitWithUsage(error)
    }
}

struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Print a znode's data to stdout (for scripts).",
        discussion: """
        Exit status: 0 with the data on stdout; 1 when no server could be reached (TLS failures \
        included); 2 when the read is not authorised (NoAuth; the message names the identities the ACL \
        grants) or a login is refused (--auth, --sasl); 3 when the znode does not exist; 64 for bad flags. \
        See docs/security.md.
        """)

    @OptionGroup var target: ReadTarget

    @Argument(help: "The znode's path.")
    var path: String

    func run() async throws {
        await target.read(path, { try await $0.getData(path) }, output: { $0.data ?? [] })
    }
}

struct LsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List a znode's children, one per line, sorted (for scripts).",
        discussion: "Exit statuses as zkdash get.")

    @OptionGroup var target: ReadTarget

    @Argument(help: "The znode's path.")
    var path: String

    func run() async throws {
        await target.read(path, { try await $0.getChildren(path) },
                          output: { Array($0.children.sorted().map { $0 + "\n" }.joined().utf8) })
    }
}
