import ConnectionSecurity
import Foundation
import Logging
import ZooKeeperAdmin
import ZooKeeperCore

/// SASL DIGEST-MD5 for the core (`SASLServerMechanism`), with the users of
/// the JAAS file's `Server` section, as Apache's SASLAuthenticationProvider.
struct SASLDigestMechanism: SASLServerMechanism {
    let users: [String: String]

    func startExchange() -> any SASLServerExchange {
        Exchange(inner: DigestMD5ServerExchange(users: users))
    }

    struct Exchange: SASLServerExchange {
        var inner: DigestMD5ServerExchange

        mutating func evaluate(_ token: [UInt8]) -> SASLServerStep {
            do {
                switch try inner.evaluate(token) {
                case .challenge(let challenge):
                    return .challenge(challenge)
                case .authenticated(let rspauth, let authenticationID, _):
                    return .success(finalToken: rspauth, authorizationID: authenticationID)
                }
            } catch {
                return .failure(reason: error.description)
            }
        }
    }

    /// What zoo.cfg's `authProvider.N` asks for: nil without the SASL
    /// provider. A JAAS file named but unreadable or unparsable stops the
    /// start naming what to fix. No JAAS file at all, or one without `Server`
    /// users, starts with a warning and refuses every SASL login — as Apache
    /// 3.8 does (its configureSaslLogin returns quietly when no `Server`
    /// section exists): kazoo's own test harness starts its servers that way.
    static func offer(for config: ServerConfig, logger: Logger) throws -> SASLServerOffer? {
        guard config.saslAuthProvider else {
            if config.jaasConfigFile != nil {
                logger.warning("a JAAS file is given but no authProvider.N=org.apache.zookeeper.server.auth.SASLAuthenticationProvider: SASL is off")
            }
            return nil
        }
        guard let path = config.jaasConfigFile else {
            logger.warning("""
                authProvider: SASLAuthenticationProvider without a JAAS file: every SASL login will be refused \
                (pass --jaas-config FILE, or -Djava.security.auth.login.config=FILE in SERVER_JVMFLAGS as for Apache)
                """)
            return SASLServerOffer(mechanism: SASLDigestMechanism(users: [:]), superUser: config.saslSuperUser)
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ServerStartError("cannot read the JAAS file \(path)")
        }
        let jaas: JAASConfig
        do { jaas = try JAASConfig.parse(text, fileName: path) } catch { throw ServerStartError("\(error)") }
        guard let users = jaas.digestUsers(), !users.isEmpty else {
            logger.warning("\(path): no Server section with \(JAASConfig.digestLoginModule) user_NAME=\"password\" options: every SASL login will be refused")
            return SASLServerOffer(mechanism: SASLDigestMechanism(users: [:]), superUser: config.saslSuperUser)
        }
        logger.info("SASL DIGEST-MD5 on: \(users.count) users from \(path)")
        return SASLServerOffer(mechanism: SASLDigestMechanism(users: users), superUser: config.saslSuperUser)
    }
}
