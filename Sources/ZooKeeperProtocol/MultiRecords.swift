// multi and multiRead: a body that is a sequence of (MultiHeader, record) pairs
// closed by a MultiHeader with done == true. Layout taken from Apache's
// MultiOperationRecord and MultiResponse (the jute file only has MultiHeader).

/// Introduces each op or result of a multi, and terminates the sequence.
public struct MultiHeader: JuteRecord, Hashable {
    public var type: Int32
    public var done: Bool
    public var err: Int32
    public init(type: Int32 = -1, done: Bool = false, err: Int32 = -1) {
        self.type = type
        self.done = done
        self.err = err
    }
    public init(from reader: inout JuteReader) throws {
        type = try reader.readInt()
        done = try reader.readBool()
        err = try reader.readInt()
    }
    public func encode(to writer: inout JuteWriter) {
        writer.writeInt(type)
        writer.writeBool(done)
        writer.writeInt(err)
    }
    /// What Apache writes after the last op or result: (-1, true, -1).
    public static let terminator = MultiHeader(type: -1, done: true, err: -1)
}

/// One operation inside a multi (writes) or multiRead (getChildren / getData).
public enum MultiOp: Sendable, Hashable {
    case create(CreateRequest)
    case create2(CreateRequest)
    case createTTL(CreateTTLRequest)
    case createContainer(CreateRequest)
    case delete(DeleteRequest)
    case setData(SetDataRequest)
    case check(CheckVersionRequest)
    case getChildren(GetChildrenRequest)
    case getData(GetDataRequest)

    public var opCode: OpCode {
        switch self {
        case .create: .create
        case .create2: .create2
        case .createTTL: .createTTL
        case .createContainer: .createContainer
        case .delete: .delete
        case .setData: .setData
        case .check: .check
        case .getChildren: .getChildren
        case .getData: .getData
        }
    }

    /// Read ops may only appear in multiRead, write ops only in multi.
    public var isRead: Bool {
        switch self {
        case .getChildren, .getData: true
        default: false
        }
    }

    /// The path the op targets.
    public var path: String {
        switch self {
        case let .create(request), let .create2(request), let .createContainer(request): request.path
        case let .createTTL(request): request.path
        case let .delete(request): request.path
        case let .setData(request): request.path
        case let .check(request): request.path
        case let .getChildren(request): request.path
        case let .getData(request): request.path
        }
    }

    func encodeBody(to writer: inout JuteWriter) {
        switch self {
        case let .create(request), let .create2(request), let .createContainer(request): writer.write(request)
        case let .createTTL(request): writer.write(request)
        case let .delete(request): writer.write(request)
        case let .setData(request): writer.write(request)
        case let .check(request): writer.write(request)
        case let .getChildren(request): writer.write(request)
        case let .getData(request): writer.write(request)
        }
    }

    static func decode(type: Int32, from reader: inout JuteReader) throws -> MultiOp {
        switch OpCode(rawValue: type) {
        case .create: .create(try reader.read())
        case .create2: .create2(try reader.read())
        case .createTTL: .createTTL(try reader.read())
        case .createContainer: .createContainer(try reader.read())
        case .delete: .delete(try reader.read())
        case .setData: .setData(try reader.read())
        case .check: .check(try reader.read())
        case .getChildren: .getChildren(try reader.read())
        case .getData: .getData(try reader.read())
        default: throw JuteError.invalidValue("op type \(type) inside a multi")
        }
    }
}

/// Body of multi (14) and multiRead (22). Each op is preceded by
/// MultiHeader(type: op, done: false, err: -1); the list ends with
/// MultiHeader.terminator. Like Apache, decoding refuses a list that mixes read
/// and write ops.
public struct MultiRequest: JuteRecord, Hashable {
    public var ops: [MultiOp]
    public init(ops: [MultiOp] = []) { self.ops = ops }

    /// True when every op is a read (the shape multiRead requires); an empty list is both.
    public var isReadOnly: Bool { ops.allSatisfy(\.isRead) }
    public var isWriteOnly: Bool { ops.allSatisfy { !$0.isRead } }

    public init(from reader: inout JuteReader) throws {
        ops = []
        var header: MultiHeader = try reader.read()
        while !header.done {
            let op = try MultiOp.decode(type: header.type, from: &reader)
            if let first = ops.first, first.isRead != op.isRead {
                throw JuteError.invalidValue("multi mixes read and write ops")
            }
            ops.append(op)
            header = try reader.read()
        }
    }

    public func encode(to writer: inout JuteWriter) {
        for op in ops {
            writer.write(MultiHeader(type: op.opCode.rawValue, done: false, err: -1))
            op.encodeBody(to: &writer)
        }
        writer.write(MultiHeader.terminator)
    }
}

/// One result of a multi / multiRead, in op order.
///
/// When a multi fails, Apache reports every op as `.error`: ops before the
/// failing one with code 0 (ok), the failing one with its code, later ones with
/// runtimeInconsistency (-2). In multiRead each op fails or succeeds on its own.
/// createContainer and createTTL ops report `.create2`, plain create `.create`.
public enum MultiOpResult: Sendable, Hashable {
    case create(path: String)
    case create2(path: String, stat: Stat)
    case delete
    case setData(stat: Stat)
    case check
    case getChildren(children: [String])
    case getData(data: [UInt8]?, stat: Stat)
    case error(code: Int32)

    /// The MultiHeader type: the op's code, or -1 for an error.
    public var headerType: Int32 {
        switch self {
        case .create: OpCode.create.rawValue
        case .create2: OpCode.create2.rawValue
        case .delete: OpCode.delete.rawValue
        case .setData: OpCode.setData.rawValue
        case .check: OpCode.check.rawValue
        case .getChildren: OpCode.getChildren.rawValue
        case .getData: OpCode.getData.rawValue
        case .error: OpCode.error.rawValue
        }
    }
}

/// Body of the reply to multi / multiRead. Apache's ReplyHeader.err stays 0 even
/// when an op failed (captured from 3.8.0): the failure is only in the results. Each
/// result is preceded by MultiHeader(type, done: false, err: 0), or (-1, false,
/// code) for errors, and the list ends with MultiHeader.terminator.
public struct MultiResponse: JuteRecord, Hashable {
    public var results: [MultiOpResult]
    public init(results: [MultiOpResult] = []) { self.results = results }

    public init(from reader: inout JuteReader) throws {
        results = []
        var header: MultiHeader = try reader.read()
        while !header.done {
            switch OpCode(rawValue: header.type) {
            case .create:
                results.append(.create(path: try CreateResponse(from: &reader).path))
            case .create2:
                let response = try Create2Response(from: &reader)
                results.append(.create2(path: response.path, stat: response.stat))
            case .delete:
                results.append(.delete)
            case .setData:
                results.append(.setData(stat: try SetDataResponse(from: &reader).stat))
            case .check:
                results.append(.check)
            case .getChildren:
                results.append(.getChildren(children: try GetChildrenResponse(from: &reader).children))
            case .getData:
                let response = try GetDataResponse(from: &reader)
                results.append(.getData(data: response.data, stat: response.stat))
            case .error:
                results.append(.error(code: try ErrorResponse(from: &reader).err))
            default:
                throw JuteError.invalidValue("result type \(header.type) in a multi response")
            }
            header = try reader.read()
        }
    }

    public func encode(to writer: inout JuteWriter) {
        for result in results {
            var err: Int32 = 0
            if case let .error(code) = result { err = code }
            writer.write(MultiHeader(type: result.headerType, done: false, err: err))
            switch result {
            case let .create(path): writer.write(CreateResponse(path: path))
            case let .create2(path, stat): writer.write(Create2Response(path: path, stat: stat))
            case .delete, .check: break
            case let .setData(stat): writer.write(SetDataResponse(stat: stat))
            case let .getChildren(children): writer.write(GetChildrenResponse(children: children))
            case let .getData(data, stat): writer.write(GetDataResponse(data: data, stat: stat))
            case let .error(code): writer.write(ErrorResponse(err: code))
            }
        }
        writer.write(MultiHeader.terminator)
    }
}
