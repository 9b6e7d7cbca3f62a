// A chroot places the whole client under one znode: paths gain the prefix on
// the way out and lose it on the way back (created paths, watch events), as
// Apache's ZooKeeper.prependChroot and ClientCnxn's event path handling do.

struct Chroot: Sendable, Hashable {
    /// A validated absolute path other than "/", or nil for no chroot.
    let prefix: String?

    init(_ prefix: String?) {
        self.prefix = prefix
    }

    /// The path the server sees for a client path.
    func serverPath(_ clientPath: String) -> String {
        guard let prefix else { return clientPath }
        return clientPath == "/" ? prefix : prefix + clientPath
    }

    /// The path the client sees for a server path. A server path outside the
    /// chroot cannot name anything this client asked about; it is returned
    /// unchanged (Apache logs it and does the same).
    func clientPath(_ serverPath: String) -> String {
        guard let prefix else { return serverPath }
        if serverPath == prefix { return "/" }
        guard serverPath.hasPrefix(prefix + "/") else { return serverPath }
        return String(serverPath.dropFirst(prefix.count))
    }
}
