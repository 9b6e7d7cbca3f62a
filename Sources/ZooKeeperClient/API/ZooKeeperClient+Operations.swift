// One method per ZooKeeper operation. Paths are validated and put under the
// chroot here; the session machine only sees server paths.

import ZooKeeperProtocol

extension ZooKeeperClient {
    /// Creates a node (Create2, or createContainer for `.container`), returning
    /// its actual path and Stat. TTL modes are not supported (badArguments).
    public func create(
        _ path: String, data: [UInt8]? = [], acl: [ACL] = ACL.openUnsafe, mode: CreateMode = .persistent
    ) async throws -> CreatedNode {
        let serverPath = try serverPath(path, isSequential: mode.isSequential)
        try Self.checkCreate(path: path, acl: acl, mode: mode)
        let request = CreateRequest(path: serverPath, data: data, acl: acl, mode: mode)
        let reply = try await call(mode.isContainer ? .createContainer(request) : .create2(request), expecting: .create2, path: path)
        guard case let .created(createdPath, stat?) = reply else { throw Self.unexpected(reply, path) }
        return CreatedNode(path: chroot.clientPath(createdPath), stat: stat)
    }

    /// Deletes a node; `version` -1 matches any version.
    public func delete(_ path: String, version: Int32 = -1) async throws {
        _ = try await call(.delete(DeleteRequest(path: try serverPath(path), version: version)), expecting: .empty, path: path)
    }

    /// The node's Stat, or nil when it does not exist.
    public func exists(_ path: String) async throws -> Stat? {
        try await exists(path, watch: false).stat
    }

    /// exists, optionally leaving a watch that fires when the node is created,
    /// changed or deleted (a watch is left whether or not the node exists).
    public func exists(_ path: String, watch: Bool) async throws -> NodeExistence {
        let request = ClientRequest.exists(ExistsRequest(path: try serverPath(path), watch: watch))
        let stream = watch ? makeWatchStream() : nil
        let registration = stream.map { (PendingWatch(watcher: $0.0, path: path, request: .exists), $0.2) }
        let oneShot = stream.map { OneShotWatch(path: path, events: $0.1) }
        do {
            let reply = try await call(request, expecting: .stat, path: path, watch: registration)
            guard case let .stat(stat) = reply else { throw Self.unexpected(reply, path) }
            return NodeExistence(stat: stat, watch: oneShot)
        } catch let error as ZooKeeperError where error.code == .noNode {
            return NodeExistence(stat: nil, watch: oneShot)
        }
    }

    /// The node's data and Stat, optionally with a watch for its next change
    /// or deletion.
    public func getData(_ path: String, watch: Bool = false) async throws -> NodeData {
        let request = ClientRequest.getData(GetDataRequest(path: try serverPath(path), watch: watch))
        let stream = watch ? makeWatchStream() : nil
        let registration = stream.map { (PendingWatch(watcher: $0.0, path: path, request: .getData), $0.2) }
        let reply = try await call(request, expecting: .data, path: path, watch: registration)
        guard case let .data(data, stat) = reply else { throw Self.unexpected(reply, path) }
        return NodeData(data: data, stat: stat, watch: stream.map { OneShotWatch(path: path, events: $0.1) })
    }

    /// `reconfig` (Apache 3.5+): an incremental change (`joining` server.N=…
    /// entries, `leaving` ids, comma-separated) or a whole new membership
    /// (`newMembers`), only from membership version `fromConfig` (-1: any).
    /// Returns /zookeeper/config's new data and stat. Never chrooted.
    public func reconfig(joining: String?, leaving: String?, newMembers: String?, fromConfig: Int64 = -1) async throws -> NodeData {
        let request = ClientRequest.reconfig(ReconfigRequest(
            joiningServers: joining, leavingServers: leaving, newMembers: newMembers, curConfigId: fromConfig))
        let reply = try await call(request, expecting: .data, path: "/zookeeper/config")
        guard case let .data(data, stat) = reply else { throw Self.unexpected(reply, "/zookeeper/config") }
        return NodeData(data: data, stat: stat, watch: nil)
    }

    /// Replaces the node's data if `version` matches (-1: any); returns the new Stat.
    public func setData(_ path: String, data: [UInt8]?, version: Int32 = -1) async throws -> Stat {
        let request = ClientRequest.setData(SetDataRequest(path: try serverPath(path), data: data, version: version))
        let reply = try await call(request, expecting: .stat, path: path)
        guard case let .stat(stat) = reply else { throw Self.unexpected(reply, path) }
        return stat
    }

    /// Child names and the node's Stat (GetChildren2), optionally with a watch
    /// for the next change of the child list or the node's deletion.
    public func getChildren(_ path: String, watch: Bool = false) async throws -> NodeChildren {
        let request = ClientRequest.getChildren2(GetChildren2Request(path: try serverPath(path), watch: watch))
        let stream = watch ? makeWatchStream() : nil
        let registration = stream.map { (PendingWatch(watcher: $0.0, path: path, request: .getChildren), $0.2) }
        let reply = try await call(request, expecting: .children2, path: path, watch: registration)
        guard case let .children(children, stat) = reply else { throw Self.unexpected(reply, path) }
        return NodeChildren(children: children, stat: stat, watch: stream.map { OneShotWatch(path: path, events: $0.1) })
    }

    public func getACL(_ path: String) async throws -> NodeACL {
        let reply = try await call(.getACL(GetACLRequest(path: try serverPath(path))), expecting: .acl, path: path)
        guard case let .acl(acl, stat) = reply else { throw Self.unexpected(reply, path) }
        return NodeACL(acl: acl, stat: stat)
    }

    /// Replaces the ACL if `version` (the aversion) matches (-1: any).
    public func setACL(_ path: String, acl: [ACL], version: Int32 = -1) async throws -> Stat {
        if acl.isEmpty { throw ZooKeeperError(code: .invalidACL, path: path) }
        let request = ClientRequest.setACL(SetACLRequest(path: try serverPath(path), acl: acl, version: version))
        let reply = try await call(request, expecting: .stat, path: path)
        guard case let .stat(stat) = reply else { throw Self.unexpected(reply, path) }
        return stat
    }

    /// Number of descendants of the node (the node itself not counted).
    public func getAllChildrenNumber(_ path: String) async throws -> Int {
        let request = ClientRequest.getAllChildrenNumber(GetAllChildrenNumberRequest(path: try serverPath(path)))
        let reply = try await call(request, expecting: .childCount, path: path)
        guard case let .count(count) = reply else { throw Self.unexpected(reply, path) }
        return Int(count)
    }

    /// The identities this session holds on the server (`whoAmI`, ZooKeeper
    /// 3.7+): ip, and digest / sasl / x509 / super as it authenticated.
    public func whoAmI() async throws -> [ClientInfo] {
        let reply = try await call(.whoAmI, expecting: .identities, path: "/")
        guard case let .identities(identities) = reply else { throw Self.unexpected(reply, "/") }
        return identities
    }

    /// Waits until the server this client talks to has caught up with the leader.
    public func sync(_ path: String) async throws {
        _ = try await call(.sync(SyncRequest(path: try serverPath(path))), expecting: .sync, path: path)
    }

    static func checkCreate(path: String, acl: [ACL], mode: CreateMode) throws {
        if mode.isTTL {
            throw ZooKeeperError(code: .badArguments, path: path, detail: "TTL create modes are not supported by this client")
        }
        // Apache refuses an empty ACL before sending.
        if acl.isEmpty { throw ZooKeeperError(code: .invalidACL, path: path) }
    }

    static func unexpected(_ reply: Reply, _ path: String) -> ZooKeeperError {
        ZooKeeperError(code: .marshallingError, path: path, detail: "unexpected reply \(reply)")
    }
}
