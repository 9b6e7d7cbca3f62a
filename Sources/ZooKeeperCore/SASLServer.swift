import ZooKeeperProtocol

/// A SASL mechanism the server offers (Apache's `SASLAuthenticationProvider`
/// with a JAAS `Server` section). The shell supplies it: the mechanism's
/// cryptography and its nonces stay out of the pure core, which only routes
/// tokens and records the identity a completed exchange proves.
public protocol SASLServerMechanism: Sendable {
    /// One exchange per connection, begun at its first `sasl` request.
    func startExchange() -> any SASLServerExchange
}

/// One connection's exchange: a token in, the next step out.
public protocol SASLServerExchange: Sendable {
    mutating func evaluate(_ token: [UInt8]) -> SASLServerStep
}

public enum SASLServerStep: Sendable, Equatable {
    /// More rounds: send this challenge.
    case challenge([UInt8])
    /// Authenticated: send the final token; the connection gains `sasl:<authorizationID>`.
    case success(finalToken: [UInt8], authorizationID: String)
    /// Refused, with the reason for the server's log (never sent to the client).
    case failure(reason: String)
}

/// What the server offers for SASL, from zoo.cfg's `authProvider.N` and `superUser`.
public struct SASLServerOffer: Sendable {
    public var mechanism: any SASLServerMechanism
    /// Apache's `zookeeper.superUser`: this authorization id also gets `super`.
    public var superUser: String?

    public init(mechanism: any SASLServerMechanism, superUser: String? = nil) {
        self.mechanism = mechanism
        self.superUser = superUser
    }
}

/// A connection's SASL progress (`ConnectionState.sasl`).
enum SASLProgress: Sendable {
    case exchanging(any SASLServerExchange)
    /// Apache's SaslServer refuses every token after it completed.
    case complete
}
