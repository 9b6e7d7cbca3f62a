import ConnectionSecurity
import ZooKeeperClient
import ZooKeeperProtocol

/// A SASL login over an open session, token by token, as Apache's client
/// does after connecting: empty first token, the server's challenge, our
/// response, the server's rspauth (checked).
enum SASLLogin {
    static func digestMD5(_ client: ZooKeeperClient, user: String, password: String) async throws {
        var mechanism = DigestMD5Client(username: user, password: password)
        var token = mechanism.initialToken
        // Two round trips; a server that keeps challenging is refused.
        for _ in 0..<4 {
            let answer: [UInt8]
            do {
                answer = try await client.saslStep(token)
            } catch let error as ZooKeeperError where error.code == .authFailed {
                throw SASLError("the server refused it (wrong user or password, or SASL not enabled on the server)")
            } catch let error as ZooKeeperError where error.code == .unimplemented {
                throw SASLError("the server does not support SASL")
            }
            guard let next = try mechanism.respond(to: answer) else { return }
            token = next
        }
        throw SASLError("the server did not finish the DIGEST-MD5 exchange")
    }

    /// The Tree view's login for --sasl: repeated on each new connection.
    static func treeLogin(_ login: (user: String, password: String)?) -> (@Sendable (ZooKeeperClient) async throws -> Void)? {
        guard let login else { return nil }
        let (user, password) = login
        return { client in
            do {
                try await digestMD5(client, user: user, password: password)
            } catch {
                throw SASLError("SASL login as \(user) failed: \(error)")
            }
        }
    }
}
