import ZooKeeperProtocol

extension ServerCore {
    /// The final stage's read half (Apache's FinalRequestProcessor for
    /// requests without a txn): answered from the applied tree.
    mutating func answerRead(
        _ id: ConnectionID, _ header: RequestHeader, _ request: ClientRequest, receivedAtMs: Int64, nowMs: Int64
    ) -> [CoreEffect] {
        guard let connection = connections[id]?.facts else { return [] }
        var effects: [CoreEffect] = []
        let result: Result<(any JuteEncodable)?, ErrorCode>
        switch request {
        case .ping:
            recordLatency(id, op: .ping, cxid: header.xid, receivedAtMs: receivedAtMs, nowMs: nowMs)
            return [sendReply(id, ReplyHeader(xid: SpecialXid.ping, zxid: tree.lastProcessedZxid, err: .ok), body: nil, nowMs: nowMs)]
        case .setWatches(let set):
            effects += restoreWatches(id, relativeZxid: set.relativeZxid, data: set.dataWatches, exist: set.existWatches,
                                      child: set.childWatches, persistent: [], recursive: [], nowMs: nowMs)
            result = .success(nil)
        case .setWatches2(let set):
            effects += restoreWatches(id, relativeZxid: set.relativeZxid, data: set.dataWatches, exist: set.existWatches,
                                      child: set.childWatches, persistent: set.persistentWatches,
                                      recursive: set.persistentRecursiveWatches, nowMs: nowMs)
            result = .success(nil)
        default:
            result = read(request, connection: connection)
        }
        recordLatency(id, op: request.opCode, cxid: header.xid, receivedAtMs: receivedAtMs, nowMs: nowMs)
        switch result {
        case .success(let body):
            effects.append(sendReply(id, ReplyHeader(xid: header.xid, zxid: tree.lastProcessedZxid, err: .ok), body: body, nowMs: nowMs))
        case .failure(let code):
            effects.append(sendReply(id, ReplyHeader(xid: header.xid, zxid: tree.lastProcessedZxid, err: code), body: nil, nowMs: nowMs))
        }
        return effects
    }

    private func allowed(_ node: Znode, _ perm: Perms, _ connection: ConnectionState.Facts) -> Bool {
        access.isAllowed(perm, acl: node.acl, authIds: connection.authIds)
    }

    private mutating func read(_ request: ClientRequest, connection: ConnectionState.Facts) -> Result<(any JuteEncodable)?, ErrorCode> {
        let id = connection.id
        switch request {
        case .exists(let exists):
            if exists.path.utf8.contains(0) { return .failure(.badArguments) }
            if let node = tree.node(exists.path), !allowed(node, .read, connection) { return .failure(.noAuth) }
            // An exists watch is a data watch, set whether or not the node exists.
            if exists.watch { watches.addDataWatch(exists.path, id) }
            guard let node = tree.node(exists.path) else { return .failure(.noNode) }
            return .success(ExistsResponse(stat: node.stat))
        case .getData(let get):
            switch getData(get, connection) {
            case .success(let (data, stat)): return .success(GetDataResponse(data: data, stat: stat))
            case .failure(let code): return .failure(code)
            }
        case .getChildren(let get):
            switch getChildren(get.path, watch: get.watch, connection) {
            case .success(let (children, _)): return .success(GetChildrenResponse(children: children))
            case .failure(let code): return .failure(code)
            }
        case .getChildren2(let get):
            switch getChildren(get.path, watch: get.watch, connection) {
            case .success(let (children, stat)): return .success(GetChildren2Response(children: children, stat: stat))
            case .failure(let code): return .failure(code)
            }
        case .getACL(let get):
            guard let node = tree.node(get.path) else { return .failure(.noNode) }
            guard allowed(node, [.read, .admin], connection) else { return .failure(.noAuth) }
            let acl = allowed(node, .admin, connection) ? node.acl : AccessControl.redacted(node.acl)
            return .success(GetACLResponse(acl: acl, stat: node.stat))
        case .getAllChildrenNumber(let get):
            guard let node = tree.node(get.path) else { return .failure(.noNode) }
            guard allowed(node, .read, connection) else { return .failure(.noAuth) }
            return .success(GetAllChildrenNumberResponse(totalNumber: Int32(tree.descendantCount(of: get.path))))
        case .getEphemerals(let get):
            let all = tree.ephemerals[connection.sessionId] ?? []
            let prefix = get.prefixPath.trimmingSpaces
            let matching = prefix.isEmpty || prefix == "/" ? Array(all) : all.filter { $0.hasPrefix(get.prefixPath) }
            return .success(GetEphemeralsResponse(ephemerals: matching.sorted()))
        case .sync(let sync):
            return .success(SyncResponse(path: sync.path))
        case .checkWatches(let check):
            return watches.hasWatch(check.path, id, type: check.type) ? .success(nil) : .failure(.noWatcher)
        case .removeWatches(let remove):
            return watches.removeWatch(remove.path, id, type: remove.type).isEmpty ? .failure(.noWatcher) : .success(nil)
        case .addWatch(let add):
            guard let mode = AddWatchMode(rawValue: add.mode) else { return .failure(.badArguments) }
            watches.addPersistentWatch(add.path, id, recursive: mode == .persistentRecursive)
            return .success(ErrorResponse(err: 0))
        case .whoAmI:
            return .success(WhoAmIResponse(clientInfo: connection.authIds.map {
                ClientInfo(authScheme: $0.scheme, user: AccessControl.userName(of: $0))
            }))
        case .multiRead(let multi):
            var results: [MultiOpResult] = []
            for op in multi.ops {
                switch op {
                case .getChildren(let get):
                    switch getChildren(get.path, watch: get.watch, connection) {
                    case .success(let (children, _)): results.append(.getChildren(children: children))
                    case .failure(let code): results.append(.error(code: code.rawValue))
                    }
                case .getData(let get):
                    switch getData(get, connection) {
                    case .success(let (data, stat)): results.append(.getData(data: data, stat: stat))
                    case .failure(let code): results.append(.error(code: code.rawValue))
                    }
                default:
                    results.append(.error(code: ErrorCode.badArguments.rawValue))
                }
            }
            return .success(MultiResponse(results: results))
        case .sasl:
            return .failure(.unimplemented)
        default:
            return .failure(.unimplemented)
        }
    }

    private mutating func getData(_ get: GetDataRequest, _ connection: ConnectionState.Facts) -> Result<([UInt8]?, Stat), ErrorCode> {
        guard let node = tree.node(get.path) else { return .failure(.noNode) }
        guard allowed(node, .read, connection) else { return .failure(.noAuth) }
        if get.watch { watches.addDataWatch(get.path, connection.id) }
        return .success((node.data, node.stat))
    }

    private mutating func getChildren(_ path: String, watch: Bool, _ connection: ConnectionState.Facts) -> Result<([String], Stat), ErrorCode> {
        guard let node = tree.node(path) else { return .failure(.noNode) }
        guard allowed(node, .read, connection) else { return .failure(.noAuth) }
        if watch { watches.addChildWatch(path, connection.id) }
        return .success((Array(node.children), node.stat))
    }

    /// setWatches after a reconnect: anything that changed since the client's
    /// last zxid fires at once instead of being registered (Apache's
    /// DataTree.setWatches) — on nodes the client may READ. On others the
    /// watch is registered as if nothing changed: an immediate event would
    /// tell what `exists` answers NoAuth to (existence, and with a chosen
    /// zxid when the node changed), and later events pass the READ filter
    /// every notification does (as Apache master replays them).
    private mutating func restoreWatches(
        _ id: ConnectionID, relativeZxid: Int64, data: [String], exist: [String], child: [String],
        persistent: [String], recursive: [String], nowMs: Int64
    ) -> [CoreEffect] {
        var events: [WatcherEvent] = []
        let facts = connections[id]?.facts
        func readable(_ node: Znode) -> Bool { facts.map { allowed(node, .read, $0) } ?? false }
        for path in data {
            if let node = tree.node(path) {
                if node.mzxid > relativeZxid, readable(node) {
                    events.append(WatcherEvent(type: .nodeDataChanged, path: path))
                } else {
                    watches.addDataWatch(path, id)
                }
            } else {
                events.append(WatcherEvent(type: .nodeDeleted, path: path))
            }
        }
        for path in exist {
            if let node = tree.node(path), readable(node) {
                events.append(WatcherEvent(type: .nodeCreated, path: path))
            } else {
                watches.addDataWatch(path, id)
            }
        }
        for path in child {
            if let node = tree.node(path) {
                if node.pzxid > relativeZxid, readable(node) {
                    events.append(WatcherEvent(type: .nodeChildrenChanged, path: path))
                } else {
                    watches.addChildWatch(path, id)
                }
            } else {
                events.append(WatcherEvent(type: .nodeDeleted, path: path))
            }
        }
        for path in persistent { watches.addPersistentWatch(path, id, recursive: false) }
        for path in recursive { watches.addPersistentWatch(path, id, recursive: true) }
        return events.map { sendReply(id, ReplyHeader(xid: SpecialXid.notification, zxid: -1, err: .ok), body: $0, nowMs: nowMs) }
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return String(text)
    }
}
