import ZooKeeperProtocol
import Foundation

/// Apache AdminServer (Jetty, `/commands/<name>`, default port 8080) answers,
/// read with Foundation's JSONDecoder. Every field is optional: versions add
/// and drop fields, and a node in election answers with `error` set.
public enum AdminServerReports {
    /// `/commands/leader` (3.6+): `{"is_leader":false,"leader_id":2,"leader_ip":"127.0.0.1","command":"leader","error":null}`.
    public struct Leader: Decodable, Sendable, Equatable {
        public var isLeader: Bool?
        public var leaderId: Int?
        public var leaderIp: String?
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case isLeader = "is_leader", leaderId = "leader_id", leaderIp = "leader_ip", error
        }
    }

    /// `/commands/zabstate` (3.7+): the ZAB phase of a quorum peer. A peer in
    /// election answers only `{"voting":false,"zabstate":""}`.
    public struct ZabState: Decodable, Sendable, Equatable {
        public var myid: Int?
        public var isLeader: Bool?
        /// "broadcast", "synchronization", "discovery", "election", or "".
        public var zabState: String?
        public var voting: Bool?
        /// `host:port` the node serves clients on: proves which node answered.
        public var clientAddress: String?
        public var lastZxid: String?
        public var zabEpoch: Int64?
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case myid, isLeader = "is_leader", zabState = "zabstate", voting, clientAddress = "client_address",
                 lastZxid = "last_zxid", zabEpoch = "zab_epoch", error
        }

        /// The client port in `client_address`.
        public var clientPort: Int? {
            guard let text = clientAddress, let colon = text.lastIndex(of: ":") else { return nil }
            return Int(text[text.index(after: colon)...])
        }
    }

    /// `/commands/configuration`: used only to check that
    /// the AdminServer found at a port belongs to the node polled (on one host
    /// every node defaults to 8080, and only one can have it).
    public struct Identity: Decodable, Sendable, Equatable {
        public var clientPort: Int?
        public var serverId: Int?

        enum CodingKeys: String, CodingKey {
            case clientPort = "client_port", serverId = "server_id"
        }
    }

    public enum ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        case notJSON(String)
        public var description: String {
            switch self { case .notJSON(let detail): "AdminServer answer is not the expected JSON: \(detail)" }
        }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) -> Result<T, ParseError> {
        do {
            return .success(try JSONDecoder().decode(T.self, from: Data(body)))
        } catch {
            let preview = String(decoding: body.prefix(120), as: UTF8.self)
            return .failure(.notJSON(preview.isEmpty ? "empty body" : preview))
        }
    }
}
