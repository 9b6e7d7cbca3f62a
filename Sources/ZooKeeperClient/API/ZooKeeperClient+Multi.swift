// multi: several writes applied atomically (MultiRequest / MultiResponse).

import ZooKeeperProtocol

extension ZooKeeperClient {
    /// One write inside a multi, Apache's Op.
    public enum Operation: Sendable, Hashable {
        case create(path: String, data: [UInt8]? = [], acl: [ACL] = ACL.openUnsafe, mode: CreateMode = .persistent)
        case delete(path: String, version: Int32 = -1)
        case setData(path: String, data: [UInt8]?, version: Int32 = -1)
        case check(path: String, version: Int32)

        public var path: String {
            switch self {
            case let .create(path, _, _, _), let .delete(path, _), let .setData(path, _, _), let .check(path, _): path
            }
        }
    }

    /// One op's outcome, Apache's OpResult. A plain create inside a multi
    /// reports no Stat (the server answers it as create, not create2); a
    /// container create does. `.failed` only appears in a thrown error's
    /// `multiResults`: ok for ops before the failing one, runtimeInconsistency after.
    public enum OperationResult: Sendable, Hashable {
        case created(path: String, stat: Stat?)
        case deleted
        case dataSet(stat: Stat)
        case checked
        case failed(ErrorCode)
    }

    /// Applies all operations or none. On failure throws the failing op's
    /// error (with its path) carrying every op's result in `multiResults`.
    public func multi(_ operations: [Operation]) async throws -> [OperationResult] {
        var ops: [MultiOp] = []
        for operation in operations {
            switch operation {
            case let .create(path, data, acl, mode):
                let serverPath = try serverPath(path, isSequential: mode.isSequential)
                try Self.checkCreate(path: path, acl: acl, mode: mode)
                let request = CreateRequest(path: serverPath, data: data, acl: acl, mode: mode)
                // Apache's Op.create: opcode create, or createContainer for containers.
                ops.append(mode.isContainer ? .createContainer(request) : .create(request))
            case let .delete(path, version):
                ops.append(.delete(DeleteRequest(path: try serverPath(path), version: version)))
            case let .setData(path, data, version):
                ops.append(.setData(SetDataRequest(path: try serverPath(path), data: data, version: version)))
            case let .check(path, version):
                ops.append(.check(CheckVersionRequest(path: try serverPath(path), version: version)))
            }
        }
        let reply = try await call(.multi(MultiRequest(ops: ops)), expecting: .multi, path: nil)
        guard case let .multi(results) = reply else { throw Self.unexpected(reply, operations.first?.path ?? "/") }
        let mapped = results.map(clientResult)
        // As Apache's multiInternal: the first result that is an error other
        // than ok is the failure.
        for (index, result) in mapped.enumerated() {
            guard case let .failed(code) = result, code != .ok else { continue }
            let path = index < operations.count ? operations[index].path : nil
            throw ZooKeeperError(code: code, path: path, multiResults: mapped)
        }
        return mapped
    }

    private func clientResult(_ result: MultiOpResult) -> OperationResult {
        switch result {
        case let .create(path): .created(path: chroot.clientPath(path), stat: nil)
        case let .create2(path, stat): .created(path: chroot.clientPath(path), stat: stat)
        case .delete: .deleted
        case let .setData(stat): .dataSet(stat: stat)
        case .check: .checked
        case let .error(code): .failed(ErrorCode(rawValue: code) ?? .systemError)
        case .getChildren, .getData: .failed(.marshallingError)
        }
    }
}
