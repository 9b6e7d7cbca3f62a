import ZooKeeperProtocol

/// Who sent a request, as prep and reads need it.
public struct Caller: Sendable {
    public var sessionId: Int64
    public var authIds: [Id]
    public init(sessionId: Int64, authIds: [Id]) {
        self.sessionId = sessionId
        self.authIds = authIds
    }
}

/// The prep stage (Apache's PrepRequestProcessor) as a pure function: a write
/// request becomes a txn body, or an ErrorTxn carrying the error code. Errors
/// still consume a zxid and are logged, as in Apache, so zxids match.
public struct RequestPrep {
    public let tree: DataTree
    public var pending: PendingChanges
    public let access: AccessControl
    public let sessions: SessionTracker
    /// Apache refuses TTL nodes unless `zookeeper.extendedTypesEnabled`.
    public var ttlEnabled = false
    /// `reconfig` (Reconfig.swift): zoo.cfg's flags and the leader's view.
    public var reconfigEnabled = false
    public var standaloneEnabled = true
    public var reconfig: ReconfigView?

    public init(tree: DataTree, pending: PendingChanges, access: AccessControl, sessions: SessionTracker) {
        self.tree = tree
        self.pending = pending
        self.access = access
        self.sessions = sessions
    }

    /// Paths whose pending records this txn touched (to clear after apply).
    public private(set) var touchedPaths: [String] = []
    /// While a multi is prepped: what each of its records replaced.
    private var multiUndo: [(path: String, previous: PendingChanges.Record?)]?

    public mutating func prep(_ request: ClientRequest, caller: Caller, zxid: Int64, time: Int64) -> TxnBody {
        switch request {
        case .multi(let multi):
            return prepMulti(multi, caller: caller, zxid: zxid, time: time)
        case .closeSession:
            let paths = pending.ephemerals(of: caller.sessionId, in: tree)
            for path in paths { record(path, zxid: zxid, view: nil) }
            return .closeSession(CloseSessionTxn(paths2Delete: paths))
        default:
            do {
                return try prepSingle(request, caller: caller, zxid: zxid, time: time)
            } catch {
                return .error(ErrorTxn(err: error.rawValue))
            }
        }
    }

    private mutating func prepMulti(_ multi: MultiRequest, caller: Caller, zxid: Int64, time: Int64) -> TxnBody {
        // An undo journal, not a saved copy of `pending`: copying it would
        // cost O(every pending change) per multi.
        multiUndo = []
        defer { multiUndo = nil }
        let savedTouched = touchedPaths
        var bodies: [TxnBody] = []
        var failed = false
        for op in multi.ops {
            if failed {
                bodies.append(.error(ErrorTxn(err: ErrorCode.runtimeInconsistency.rawValue)))
                continue
            }
            do {
                bodies.append(try prepOp(op, caller: caller, zxid: zxid, time: time))
            } catch {
                bodies.append(.error(ErrorTxn(err: error.rawValue)))
                failed = true
                // Roll back what the earlier ops of this multi recorded.
                for entry in (multiUndo ?? []).reversed() { pending.restore(entry.path, entry.previous) }
                multiUndo = []
                touchedPaths = savedTouched
            }
        }
        return .multi(bodies)
    }

    private mutating func prepOp(_ op: MultiOp, caller: Caller, zxid: Int64, time: Int64) throws(ErrorCode) -> TxnBody {
        switch op {
        case .check(let check):
            try checkSession(caller)
            try checkPath(check.path)
            let node = try existing(check.path)
            try checkACL(node, .read, caller)
            let version = try nextVersion(current: node.version, expected: check.version)
            return .check(CheckVersionTxn(path: check.path, version: version))
        // Apache rebuilds create ops of a multi from their flags
        // (Op.create), so create2 answers like create and the flags pick
        // container or TTL.
        case .create(let request), .create2(let request), .createContainer(let request):
            switch request.mode {
            case .container?: return try prepSingle(.createContainer(request), caller: caller, zxid: zxid, time: time)
            default: return try prepSingle(.create(request), caller: caller, zxid: zxid, time: time)
            }
        case .createTTL(let request): return try prepSingle(.createTTL(request), caller: caller, zxid: zxid, time: time)
        case .delete(let request): return try prepSingle(.delete(request), caller: caller, zxid: zxid, time: time)
        case .setData(let request): return try prepSingle(.setData(request), caller: caller, zxid: zxid, time: time)
        case .getChildren, .getData: throw .badArguments
        }
    }

    mutating func record(_ path: String, zxid: Int64, view: NodeView?) {
        let previous = pending.record(path, zxid: zxid, view: view)
        multiUndo?.append((path, previous))
        touchedPaths.append(path)
    }

    func existing(_ path: String) throws(ErrorCode) -> NodeView {
        guard let view = pending.view(path, in: tree) else { throw .noNode }
        return view
    }

    func checkSession(_ caller: Caller) throws(ErrorCode) {
        if !sessions.isAlive(caller.sessionId) { throw .sessionExpired }
    }

    private func checkPath(_ path: String) throws(ErrorCode) {
        if !ZnodePath.isValid(path) { throw .badArguments }
    }

    func checkACL(_ view: NodeView, _ perm: Perms, _ caller: Caller) throws(ErrorCode) {
        if !access.isAllowed(perm, acl: view.acl, authIds: caller.authIds) { throw .noAuth }
    }

    /// Apache's checkAndIncVersion: -1 matches any version.
    private func nextVersion(current: Int32, expected: Int32) throws(ErrorCode) -> Int32 {
        if expected != -1 && expected != current { throw .badVersion }
        return current &+ 1
    }

    /// Apache's getParentPathAndValidate: deletes only check for a slash, NUL
    /// and the system nodes; a malformed path then fails as NoNode on lookup.
    private func parentForDelete(_ path: String) throws(ErrorCode) -> String {
        guard let lastSlash = path.lastIndex(of: "/"), !path.utf8.contains(0),
              !RequestPrep.specialPaths.contains(path) else { throw .badArguments }
        return lastSlash == path.startIndex ? "/" : String(path[..<lastSlash])
    }

    private static let specialPaths: Set<String> = ["/", DataTree.zookeeperPath, DataTree.quotaPath, DataTree.configPath]

    private mutating func prepSingle(_ request: ClientRequest, caller: Caller, zxid: Int64, time: Int64) throws(ErrorCode) -> TxnBody {
        switch request {
        case .create(let create): return try prepCreate(create, ttl: nil, op: .create, caller: caller, zxid: zxid, time: time)
        case .create2(let create): return try prepCreate(create, ttl: nil, op: .create2, caller: caller, zxid: zxid, time: time)
        case .createContainer(let create):
            return try prepCreate(create, ttl: nil, op: .createContainer, caller: caller, zxid: zxid, time: time)
        case .createTTL(let create):
            let plain = CreateRequest(path: create.path, data: create.data, acl: create.acl, flags: create.flags)
            return try prepCreate(plain, ttl: create.ttl, op: .createTTL, caller: caller, zxid: zxid, time: time)
        case .delete(let delete):
            try checkSession(caller)
            let path = delete.path
            let parentPath = try parentForDelete(path)
            var parent = try existing(parentPath)
            try checkACL(parent, .delete, caller)
            let node = try existing(path)
            _ = try nextVersion(current: node.version, expected: delete.version)
            if node.childCount > 0 { throw .notEmpty }
            parent.childCount -= 1
            record(parentPath, zxid: zxid, view: parent)
            record(path, zxid: zxid, view: nil)
            return .delete(DeleteTxn(path: path))
        case .deleteContainer(let path):
            // The container reaper's own request (session 0). From a client it
            // names no node, as in Apache, whose prep reads the path from the
            // whole request buffer: BadArguments. Before, a client could delete
            // any childless node this way, whatever its ACL said.
            guard caller.sessionId == 0 else { throw .badArguments }
            let parentPath = try parentForDelete(path)
            let node = try existing(path)
            if node.childCount > 0 { throw .notEmpty }
            if case .ephemeral = EphemeralKind(owner: node.ephemeralOwner) { throw .badVersion }
            var parent = try existing(parentPath)
            parent.childCount -= 1
            record(parentPath, zxid: zxid, view: parent)
            record(path, zxid: zxid, view: nil)
            return .delete(DeleteTxn(path: path))
        case .setData(let set):
            try checkSession(caller)
            try checkPath(set.path)
            var node = try existing(set.path)
            try checkACL(node, .write, caller)
            let version = try nextVersion(current: node.version, expected: set.version)
            node.version = version
            record(set.path, zxid: zxid, view: node)
            return .setData(SetDataTxn(path: set.path, data: set.data, version: version))
        case .setACL(let set):
            try checkSession(caller)
            try checkPath(set.path)
            let acl: [ACL]
            switch access.fixup(set.acl, authIds: caller.authIds) {
            case .success(let fixed): acl = fixed
            case .failure(let code): throw code
            }
            var node = try existing(set.path)
            try checkACL(node, .admin, caller)
            let version = try nextVersion(current: node.aversion, expected: set.version)
            node.aversion = version
            node.acl = acl
            record(set.path, zxid: zxid, view: node)
            return .setACL(SetACLTxn(path: set.path, acl: acl, version: version))
        case .reconfig(let request):
            return try prepReconfig(request, caller: caller, zxid: zxid)
        default:
            throw .unimplemented
        }
    }

    private mutating func prepCreate(
        _ create: CreateRequest, ttl: Int64?, op: OpCode, caller: Caller, zxid: Int64, time: Int64
    ) throws(ErrorCode) -> TxnBody {
        guard let mode = create.mode else { throw .badArguments }
        // Apache's validateCreateRequest: a TTL mode needs extended types;
        // then EphemeralType.validateTTL: a TTL mode needs 0 < ttl <= max,
        // any other mode must not carry a ttl >= 0.
        if mode.isTTL && !ttlEnabled { throw .unimplemented }
        if mode.isTTL {
            guard let ttl, ttl > 0, ttl <= EphemeralKind.ttlMask else { throw .badArguments }
        } else if let ttl, ttl >= 0 {
            throw .badArguments
        } else if op == .createTTL {
            // createTTL without a TTL mode and a negative ttl has no meaning here.
            throw .badArguments
        }
        try checkSession(caller)
        var path = create.path
        guard let lastSlash = path.lastIndex(of: "/"), !path.utf8.contains(0) else { throw .badArguments }
        let parentPath = lastSlash == path.startIndex ? "/" : String(path[..<lastSlash])
        // "/" with a sequential flag names a child of the root: "/0000000003".
        let acl: [ACL]
        switch access.fixup(create.acl, authIds: caller.authIds) {
        case .success(let fixed): acl = fixed
        case .failure(let code): throw code
        }
        if path == "/" && !mode.isSequential {
            // Apache resolves the parent of "/" to the root itself, so this
            // ends in NodeExists after the ACL check.
            try checkACL(try existing("/"), .create, caller)
            throw .nodeExists
        }
        var parent = try existing(parentPath)
        try checkACL(parent, .create, caller)
        if mode.isSequential {
            path += String(parent.cversion).leftPadded(to: 10)
        }
        try checkPath(path)
        if pending.view(path, in: tree) != nil { throw .nodeExists }
        if case .ephemeral = EphemeralKind(owner: parent.ephemeralOwner) { throw .noChildrenForEphemerals }
        let newCVersion = parent.cversion + 1
        let owner: Int64
        if mode.isContainer {
            owner = EphemeralKind.containerOwner
        } else if mode.isTTL, let ttl {
            owner = EphemeralKind.ttlOwner(ttl)
        } else if mode.isEphemeral {
            owner = caller.sessionId
        } else {
            owner = 0
        }
        parent.childCount += 1
        parent.cversion = newCVersion
        record(parentPath, zxid: zxid, view: parent)
        record(path, zxid: zxid, view: NodeView(ephemeralOwner: owner, acl: acl))
        switch op {
        case .createContainer:
            return .createContainer(CreateContainerTxn(path: path, data: create.data, acl: acl, parentCVersion: newCVersion))
        case .createTTL:
            return .createTTL(CreateTTLTxn(path: path, data: create.data, acl: acl, parentCVersion: newCVersion, ttl: ttl ?? 0))
        case .create2:
            return .create2(CreateTxn(path: path, data: create.data, acl: acl, ephemeral: mode.isEphemeral, parentCVersion: newCVersion))
        default:
            return .create(CreateTxn(path: path, data: create.data, acl: acl, ephemeral: mode.isEphemeral, parentCVersion: newCVersion))
        }
    }
}

extension String {
    /// `%010d` for the non-negative counters of sequential names.
    func leftPadded(to width: Int) -> String {
        let digits = self
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
