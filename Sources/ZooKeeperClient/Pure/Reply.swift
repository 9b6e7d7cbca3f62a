// What a request expects back, and the decoded reply. The reply body's shape
// is not on the wire: the client knows it from the request it sent.

import ZooKeeperProtocol

enum ExpectedReply: Sendable, Hashable {
    /// Header only (delete, setWatches, removeWatches, auth, closeSession),
    /// or a body nobody needs (addWatch's ErrorResponse(0)).
    case empty
    case create
    case create2
    /// exists, setData and setACL answer with a bare Stat.
    case stat
    case data
    case children2
    case acl
    case sync
    case childCount
    case multi
    /// A SASL token back from the server (SetSASLResponse).
    case sasl
    /// The session's identities (WhoAmIResponse, ZooKeeper 3.7+).
    case identities

    func decode(_ reader: inout JuteReader) throws -> Reply {
        switch self {
        case .empty:
            return .empty
        case .create:
            return .created(path: try CreateResponse(from: &reader).path, stat: nil)
        case .create2:
            let response = try Create2Response(from: &reader)
            return .created(path: response.path, stat: response.stat)
        case .stat:
            return .stat(try Stat(from: &reader))
        case .data:
            let response = try GetDataResponse(from: &reader)
            return .data(response.data, response.stat)
        case .children2:
            let response = try GetChildren2Response(from: &reader)
            return .children(response.children, response.stat)
        case .acl:
            let response = try GetACLResponse(from: &reader)
            return .acl(response.acl, response.stat)
        case .sync:
            return .synced(path: try SyncResponse(from: &reader).path)
        case .childCount:
            return .count(try GetAllChildrenNumberResponse(from: &reader).totalNumber)
        case .multi:
            return .multi(try MultiResponse(from: &reader).results)
        case .sasl:
            return .sasl(try SetSASLResponse(from: &reader).token)
        case .identities:
            return .identities(try WhoAmIResponse(from: &reader).clientInfo)
        }
    }
}

/// A successful reply's body (paths still as the server sent them).
enum Reply: Sendable, Hashable {
    case empty
    case created(path: String, stat: Stat?)
    case stat(Stat)
    case data([UInt8]?, Stat)
    case children([String], Stat)
    case acl([ACL], Stat)
    case synced(path: String)
    case count(Int32)
    case multi([MultiOpResult])
    case sasl([UInt8])
    case identities([ClientInfo])
}
