import ZooKeeperProtocol

/// What applying one txn did: the reply material and the watches it fires.
public struct TxnOutcome: Sendable {
    public var err: ErrorCode = .ok
    public var path: String?
    public var stat: Stat?
    public var multiResults: [MultiOpResult]?
    public var triggers: [WatchTrigger] = []
    /// ACL of each node an event names, as it was when the event happened:
    /// since Apache 3.8.4 (CVE-2024-23944) a watcher only hears of nodes it
    /// may READ.
    public var eventACLs: [String: [ACL]] = [:]

    mutating func noteACLs(_ tree: DataTree, _ paths: String...) {
        for path in paths { if let node = tree.node(path) { eventACLs[path] = node.acl } }
    }
}

extension DataTree {
    /// The final stage's tree half (Apache's DataTree.processTxn): applies a
    /// prepped txn. Replaying the log at start goes through here too.
    public mutating func apply(_ header: TxnHeader, _ body: TxnBody) -> TxnOutcome {
        defer { if header.zxid > lastProcessedZxid { lastProcessedZxid = header.zxid } }
        switch body {
        case .multi(let bodies):
            return applyMulti(header, bodies)
        default:
            return applyOne(header, body)
        }
    }

    private mutating func applyOne(_ header: TxnHeader, _ body: TxnBody) -> TxnOutcome {
        var outcome = TxnOutcome()
        switch body {
        case .create(let txn), .create2(let txn):
            let owner = txn.ephemeral ? header.clientId : 0
            applyCreate(txn.path, txn.data, txn.acl, owner, txn.parentCVersion, header, &outcome)
        case .createContainer(let txn):
            applyCreate(txn.path, txn.data, txn.acl, EphemeralKind.containerOwner, txn.parentCVersion, header, &outcome)
        case .createTTL(let txn):
            applyCreate(txn.path, txn.data, txn.acl, EphemeralKind.ttlOwner(txn.ttl), txn.parentCVersion, header, &outcome)
        case .delete(let txn):
            outcome.path = txn.path
            outcome.noteACLs(self, txn.path, ZnodePath.split(txn.path).parent)
            outcome.err = delete(path: txn.path, zxid: header.zxid)
            if outcome.err == .ok { outcome.triggers = DataTree.deleteTriggers(txn.path) }
        case .setData(let txn):
            outcome.path = txn.path
            switch setData(path: txn.path, data: txn.data, version: txn.version, zxid: header.zxid, time: header.time) {
            case .success(let stat):
                outcome.stat = stat
                outcome.triggers = DataTree.setDataTriggers(txn.path)
                outcome.noteACLs(self, txn.path)
            case .failure(let code): outcome.err = code
            }
        case .setACL(let txn):
            outcome.path = txn.path
            switch setACL(path: txn.path, acl: txn.acl, version: txn.version) {
            case .success(let stat): outcome.stat = stat
            case .failure(let code): outcome.err = code
            }
        case .check(let txn):
            outcome.path = txn.path
        case .error(let txn):
            outcome.err = ErrorCode(rawValue: txn.err) ?? .systemError
        case .createSession:
            break
        case .closeSession(let txn):
            // The txn lists what prep saw; anything the session still owns goes too.
            var paths = txn?.paths2Delete ?? []
            let listed = Set(paths)
            paths += (ephemerals[header.clientId] ?? []).filter { !listed.contains($0) }.sorted()
            for path in paths where node(path)?.ephemeralOwner == header.clientId {
                outcome.noteACLs(self, path, ZnodePath.split(path).parent)
                if delete(path: path, zxid: header.zxid) == .ok {
                    outcome.triggers += DataTree.deleteTriggers(path)
                }
            }
        case .multi:
            outcome.err = .marshallingError
        }
        return outcome
    }

    private mutating func applyCreate(
        _ path: String, _ data: [UInt8]?, _ acl: [ACL], _ owner: Int64, _ parentCVersion: Int32,
        _ header: TxnHeader, _ outcome: inout TxnOutcome
    ) {
        outcome.path = path
        switch create(path: path, data: data, acl: acl, ephemeralOwner: owner, parentCVersion: parentCVersion,
                      zxid: header.zxid, time: header.time) {
        case .success(let stat):
            outcome.stat = stat
            outcome.triggers = DataTree.createTriggers(path)
            outcome.noteACLs(self, path, ZnodePath.split(path).parent)
        case .failure(let code):
            outcome.err = code
        }
    }

    /// A multi whose prep failed carries an error sub-txn: nothing is applied
    /// and every op reports an error — 0 (rolled back) before the failing op,
    /// its code, then RuntimeInconsistency — as Apache does.
    private mutating func applyMulti(_ header: TxnHeader, _ bodies: [TxnBody]) -> TxnOutcome {
        var outcome = TxnOutcome()
        var results: [MultiOpResult] = []
        if bodies.contains(where: { if case .error = $0 { true } else { false } }) {
            var afterFailure = false
            for body in bodies {
                if case .error(let txn) = body, !afterFailure {
                    results.append(.error(code: txn.err))
                    afterFailure = true
                } else {
                    results.append(.error(code: afterFailure ? ErrorCode.runtimeInconsistency.rawValue : ErrorCode.ok.rawValue))
                }
            }
            outcome.multiResults = results
            return outcome
        }
        for body in bodies {
            let sub = applyOne(header, body)
            outcome.triggers += sub.triggers
            outcome.eventACLs.merge(sub.eventACLs) { first, _ in first }
            if sub.err != .ok {
                results.append(.error(code: sub.err.rawValue))
                continue
            }
            switch body {
            case .create: results.append(.create(path: sub.path ?? ""))
            case .create2, .createContainer, .createTTL: results.append(.create2(path: sub.path ?? "", stat: sub.stat ?? Stat()))
            case .delete: results.append(.delete)
            case .setData: results.append(.setData(stat: sub.stat ?? Stat()))
            case .check: results.append(.check)
            default: results.append(.error(code: ErrorCode.marshallingError.rawValue))
            }
        }
        outcome.multiResults = results
        return outcome
    }
}
