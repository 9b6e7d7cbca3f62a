// The typed body of a txn, selected by the TxnHeader.type it is logged under,
// and a whole txn log entry (header + body + optional digest). Mapping from
// Apache's SerializeUtils.deserializeTxn.

public enum TxnBody: JuteEncodable, Hashable {
    case create(CreateTxn)
    /// create2 writes the same CreateTxn as create; the distinct case keeps the
    /// type (15) of a create2 op inside a MultiTxn, where no header carries it.
    case create2(CreateTxn)
    case createContainer(CreateContainerTxn)
    case createTTL(CreateTTLTxn)
    case delete(DeleteTxn)
    case setData(SetDataTxn)
    case check(CheckVersionTxn)
    case setACL(SetACLTxn)
    case error(ErrorTxn)
    case createSession(CreateSessionTxn)
    /// nil: a closeSession with no body (pre-3.6 logs, or closeSessionTxn disabled).
    case closeSession(CloseSessionTxn?)
    /// Sub-txns in op order; each is logged as Txn(type: body.opCode, data: body bytes).
    case multi([TxnBody])

    /// The type this body is logged under inside a MultiTxn (and the usual
    /// TxnHeader.type for it; deleteContainer and reconfig headers reuse the
    /// delete and setData bodies).
    public var opCode: OpCode {
        switch self {
        case .create: .create
        case .create2: .create2
        case .createContainer: .createContainer
        case .createTTL: .createTTL
        case .delete: .delete
        case .setData: .setData
        case .check: .check
        case .setACL: .setACL
        case .error: .error
        case .createSession: .createSession
        case .closeSession: .closeSession
        case .multi: .multi
        }
    }

    public func encode(to writer: inout JuteWriter) {
        switch self {
        case let .create(txn), let .create2(txn): writer.write(txn)
        case let .createContainer(txn): writer.write(txn)
        case let .createTTL(txn): writer.write(txn)
        case let .delete(txn): writer.write(txn)
        case let .setData(txn): writer.write(txn)
        case let .check(txn): writer.write(txn)
        case let .setACL(txn): writer.write(txn)
        case let .error(txn): writer.write(txn)
        case let .createSession(txn): writer.write(txn)
        case let .closeSession(txn): if let txn { writer.write(txn) }
        case let .multi(bodies): writer.write(MultiTxn(bodies: bodies))
        }
    }

    /// Decodes the body logged under `type` (a TxnHeader.type or Txn.type).
    /// Leaves anything after the body (e.g. a TxnDigest) unread.
    public static func decode(type: Int32, from reader: inout JuteReader) throws -> TxnBody {
        try decode(type: type, from: &reader, nested: false)
    }

    public static func decode(type: Int32, bytes: [UInt8]) throws -> TxnBody {
        var reader = JuteReader(bytes)
        return try decode(type: type, from: &reader)
    }

    private static func decode(type: Int32, from reader: inout JuteReader, nested: Bool) throws -> TxnBody {
        guard let opCode = OpCode(rawValue: type) else { throw JuteError.unknownOpCode(type) }
        switch opCode {
        case .create:
            // A pre-3.3 CreateTxnV0 ends after `ephemeral`; Apache then uses
            // parentCVersion -1 so replay recomputes it.
            let v0 = try CreateTxnV0(from: &reader)
            let parentCVersion = reader.isAtEnd ? -1 : try reader.readInt()
            return .create(CreateTxn(path: v0.path, data: v0.data, acl: v0.acl, ephemeral: v0.ephemeral, parentCVersion: parentCVersion))
        case .create2: return .create2(try reader.read())
        case .createContainer: return .createContainer(try reader.read())
        case .createTTL: return .createTTL(try reader.read())
        case .delete, .deleteContainer: return .delete(try reader.read())
        case .setData, .reconfig: return .setData(try reader.read())
        case .check: return .check(try reader.read())
        case .setACL: return .setACL(try reader.read())
        case .error: return .error(try reader.read())
        case .createSession: return .createSession(try reader.read())
        case .closeSession:
            // No body at all in older logs. With a TxnDigest after it, a missing
            // body cannot be told apart up front, so try the record and fall back
            // to "no body" if it does not parse (Apache drops the digest instead).
            if reader.isAtEnd { return .closeSession(nil) }
            var attempt = reader
            if let txn = try? CloseSessionTxn(from: &attempt) {
                reader = attempt
                return .closeSession(txn)
            }
            return .closeSession(nil)
        case .multi:
            // Apache never nests multis; refusing keeps decoding non-recursive.
            if nested { throw JuteError.invalidValue("multi txn nested in a multi txn") }
            let multi = try MultiTxn(from: &reader)
            return .multi(try multi.txns.map { txn in
                var sub = JuteReader(txn.data, maxBufferBytes: reader.maxBufferBytes)
                return try decode(type: txn.type, from: &sub, nested: true)
            })
        default:
            throw JuteError.unknownOpCode(type)
        }
    }
}

extension MultiTxn {
    /// Serializes each body as a Txn tagged with its opCode.
    public init(bodies: [TxnBody]) {
        self.init(txns: bodies.map { Txn(type: $0.opCode.rawValue, data: $0.juteBytes()) })
    }
}

/// One txn as the log stores it (without the log's own checksum/length framing):
/// TxnHeader, then the body for header.type, then a TxnDigest when digests are on.
public struct TxnEntry: JuteEncodable, Hashable {
    public var header: TxnHeader
    public var body: TxnBody
    public var digest: TxnDigest?

    public init(header: TxnHeader, body: TxnBody, digest: TxnDigest? = nil) {
        self.header = header
        self.body = body
        self.digest = digest
    }

    public init(from reader: inout JuteReader) throws {
        header = try reader.read()
        body = try TxnBody.decode(type: header.type, from: &reader)
        // Like Apache: a digest is optional, and a short tail is treated as none.
        digest = reader.remaining >= 12 ? try reader.read() : nil
    }

    public init(juteBytes: [UInt8], maxBufferBytes: Int = JuteLimits.defaultMaxBufferBytes) throws {
        var reader = JuteReader(juteBytes, maxBufferBytes: maxBufferBytes)
        try self.init(from: &reader)
    }

    public func encode(to writer: inout JuteWriter) {
        writer.write(header)
        writer.write(body)
        if let digest { writer.write(digest) }
    }
}
