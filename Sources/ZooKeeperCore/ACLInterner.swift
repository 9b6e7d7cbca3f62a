import ZooKeeperProtocol

/// Nodes with equal ACL lists share one array (Apache's
/// ReferenceCountedACLCache): most trees use a handful of distinct lists, and
/// a private copy per node would cost over 100 bytes a node. Reference counts
/// let lists no node uses any more go away, so a client inventing ACLs cannot
/// grow the table without bound.
struct ACLInterner: Sendable {
    private var entries: [[ACL]: (shared: [ACL], users: Int)] = [:]

    var distinctCount: Int { entries.count }

    /// The shared instance for `acl`, counted as one more user.
    mutating func retain(_ acl: [ACL]) -> [ACL] {
        if let entry = entries[acl] {
            entries[acl] = (entry.shared, entry.users + 1)
            return entry.shared
        }
        entries[acl] = (acl, 1)
        return acl
    }

    /// `retain` for `users` users at once.
    mutating func retain(_ acl: [ACL], users: Int) -> [ACL] {
        guard users > 0 else { return entries[acl]?.shared ?? acl }
        if let entry = entries[acl] {
            entries[acl] = (entry.shared, entry.users + users)
            return entry.shared
        }
        entries[acl] = (acl, users)
        return acl
    }

    /// Every distinct list in use, for a snapshot's ACL table.
    var lists: [[ACL]] { entries.values.map(\.shared) }

    mutating func release(_ acl: [ACL]) {
        guard let entry = entries[acl] else { return }
        entries[acl] = entry.users > 1 ? (entry.shared, entry.users - 1) : nil
    }
}
