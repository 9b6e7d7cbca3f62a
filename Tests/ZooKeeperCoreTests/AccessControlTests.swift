import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

@Suite struct DigestTests {
    /// DigestAuthenticationProvider.generateDigest("super:test"): the value the
    /// ZooKeeper admin guide uses for -Dzookeeper.DigestAuthenticationProvider.superDigest.
    @Test func superTestDigest() {
        #expect(AccessControl.digestId(for: "super:test") == "super:D/InIHSb7yEEbrWz8b9l71RjZJU=")
    }

    @Test(arguments: [
        ("user:pass", "user:smGaoVKd/cQkjm7b88GyorAUz20="),
        ("bob:secret", "bob:fyVmFCwVbTJYrznoSu1koqYEYF0="),
        // Only the first colon splits; the whole string is hashed.
        ("alice:", "alice:VvKt9/iw7kxS1milYay2cPWBnRo="),
    ])
    func digestIds(_ credentials: String, _ expected: String) {
        #expect(AccessControl.digestId(for: credentials) == expected)
    }

    @Test func digestAuthenticationAddsDigestId() {
        let access = AccessControl()
        let ids = access.authenticate(scheme: "digest", auth: Array("bob:secret".utf8), remoteAddress: "10.0.0.1")
        #expect(ids == [Id(scheme: "digest", id: "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=")])
    }

    @Test func superDigestAddsSuperId() {
        let access = AccessControl(superDigest: "super:D/InIHSb7yEEbrWz8b9l71RjZJU=")
        let ids = access.authenticate(scheme: "digest", auth: Array("super:test".utf8), remoteAddress: "10.0.0.1") ?? []
        #expect(Set(ids) == [Id(scheme: "digest", id: "super:D/InIHSb7yEEbrWz8b9l71RjZJU="), Id(scheme: "super", id: "")])
        let wrong = access.authenticate(scheme: "digest", auth: Array("super:nope".utf8), remoteAddress: "10.0.0.1") ?? []
        #expect(!wrong.contains { $0.scheme == "super" })
    }

    /// DigestAuthenticationProvider.handleAuthentication adds ("super", "") before
    /// the digest id, so whoAmI lists super first.
    @Test
    func superDigestIdOrderMatchesApache() {
        let access = AccessControl(superDigest: "super:D/InIHSb7yEEbrWz8b9l71RjZJU=")
        let ids = access.authenticate(scheme: "digest", auth: Array("super:test".utf8), remoteAddress: "10.0.0.1") ?? []
        #expect(ids == [Id(scheme: "super", id: ""), Id(scheme: "digest", id: "super:D/InIHSb7yEEbrWz8b9l71RjZJU=")])
    }

    @Test func ipAuthenticationVouchesForTheRemoteAddress() {
        let ids = AccessControl().authenticate(scheme: "ip", auth: Array("1.2.3.4".utf8), remoteAddress: "10.0.0.7")
        #expect(ids == [Id(scheme: "ip", id: "10.0.0.7")])
    }

    @Test func unknownSchemeIsRefused() {
        #expect(AccessControl().authenticate(scheme: "kerberos", auth: [], remoteAddress: "10.0.0.1") == nil)
        #expect(AccessControl().authenticate(scheme: "world", auth: [], remoteAddress: "10.0.0.1") == nil)
        #expect(AccessControl().authenticate(scheme: "super", auth: [], remoteAddress: "10.0.0.1") == nil)
    }
}

@Suite struct IsAllowedTests {
    let access = AccessControl()
    let bob = Id(scheme: "digest", id: AccessControl.digestId(for: "bob:secret"))
    let alice = Id(scheme: "digest", id: AccessControl.digestId(for: "alice:pw"))
    let localIp = Id(scheme: "ip", id: "127.0.0.1")

    @Test func emptyListAllowsEverything() {
        #expect(access.isAllowed(.all, acl: [], authIds: []))
    }

    @Test func worldAnyoneGrantsOnlyItsBits() {
        let acl = [ACL(perms: [.read, .create], id: .anyone)]
        #expect(access.isAllowed(.read, acl: acl, authIds: []))
        #expect(access.isAllowed(.create, acl: acl, authIds: []))
        #expect(!access.isAllowed(.write, acl: acl, authIds: []))
        #expect(!access.isAllowed(.delete, acl: acl, authIds: []))
        #expect(!access.isAllowed(.admin, acl: acl, authIds: []))
        // Apache checks (perms & perm) != 0: any shared bit grants.
        #expect(access.isAllowed([.read, .admin], acl: acl, authIds: []))
    }

    @Test func worldWithAnotherIdGrantsNothing() {
        #expect(!access.isAllowed(.read, acl: [ACL(perms: .all, id: Id(scheme: "world", id: "someone"))], authIds: [localIp]))
    }

    @Test func digestMatchesExactly() {
        let acl = [ACL(perms: .all, id: bob)]
        #expect(access.isAllowed(.write, acl: acl, authIds: [localIp, bob]))
        #expect(!access.isAllowed(.write, acl: acl, authIds: [localIp, alice]))
        #expect(!access.isAllowed(.write, acl: acl, authIds: [localIp]))
        // A scheme mismatch never matches even when the id text is equal.
        #expect(!access.isAllowed(.write, acl: acl, authIds: [Id(scheme: "ip", id: bob.id)]))
    }

    @Test func permissionsAreCheckedPerEntry() {
        let acl = [ACL(perms: .read, id: .anyone), ACL(perms: .all, id: bob)]
        #expect(access.isAllowed(.read, acl: acl, authIds: [localIp]))
        #expect(!access.isAllowed(.write, acl: acl, authIds: [localIp]))
        #expect(access.isAllowed(.write, acl: acl, authIds: [localIp, bob]))
    }

    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1", true),
        ("127.0.0.1", "127.0.0.2", false),
        ("127.0.0.0/8", "127.9.8.7", true),
        ("127.0.0.0/8", "128.0.0.1", false),
        ("10.1.0.0/16", "10.1.200.3", true),
        ("10.1.0.0/16", "10.2.0.3", false),
        ("192.168.1.128/25", "192.168.1.200", true),
        ("192.168.1.128/25", "192.168.1.100", false),
        ("0.0.0.0/0", "8.8.8.8", true),
        ("10.0.0.1/32", "10.0.0.1", true),
        ("10.0.0.1/32", "10.0.0.2", false),
        // Host bits in the ACL expression are masked off, as Apache's mask().
        ("127.1.2.3/8", "127.200.0.1", true),
        ("not-an-ip", "127.0.0.1", false),
        ("127.0.0.1", "garbage", false),
    ])
    func ipAcl(_ expression: String, _ client: String, _ allowed: Bool) {
        let acl = [ACL(perms: .all, id: Id(scheme: "ip", id: expression))]
        #expect(access.isAllowed(.read, acl: acl, authIds: [Id(scheme: "ip", id: client)]) == allowed)
    }

    /// Like Apache 3.8's IPAuthenticationProvider, the ip scheme is IPv4
    /// only: IPv6 expressions and IPv6 clients never match.
    @Test(arguments: [
        ("::1", "0:0:0:0:0:0:0:1", false),
        ("0:0:0:0:0:0:0:1", "::1", false),
        ("::1", "::2", false),
        ("fe80::/10", "fe80::1234:5678", false),
        ("fe80::/10", "fec0::1", false),
        ("2001:db8::/32", "2001:db8:1:2:3:4:5:6", false),
        ("2001:db8::/32", "2001:db9::1", false),
        ("::1", "127.0.0.1", false),
        ("127.0.0.1", "::1", false),
    ])
    func ipv6Acl(_ expression: String, _ client: String, _ allowed: Bool) {
        let acl = [ACL(perms: .all, id: Id(scheme: "ip", id: expression))]
        #expect(access.isAllowed(.read, acl: acl, authIds: [Id(scheme: "ip", id: client)]) == allowed)
    }

    @Test func superBypassesEveryAcl() {
        let acl = [ACL(perms: .read, id: bob)]
        let superIds = [localIp, Id(scheme: "super", id: "")]
        for perm: Perms in [.read, .write, .create, .delete, .admin] {
            #expect(access.isAllowed(perm, acl: acl, authIds: superIds))
        }
        #expect(access.isAllowed(.admin, acl: [ACL(perms: .read, id: .anyone)], authIds: superIds))
    }
}

@Suite struct AclFixupTests {
    let access = AccessControl()
    let bob = Id(scheme: "digest", id: AccessControl.digestId(for: "bob:secret"))
    let localIp = Id(scheme: "ip", id: "127.0.0.1")

    private func fixed(_ acl: [ACL], _ ids: [Id]) -> [ACL]? {
        if case .success(let result) = access.fixup(acl, authIds: ids) { return result }
        return nil
    }

    private func error(_ acl: [ACL], _ ids: [Id]) -> ErrorCode? {
        if case .failure(let code) = access.fixup(acl, authIds: ids) { return code }
        return nil
    }

    @Test func emptyListIsInvalid() {
        #expect(error([], [localIp]) == .invalidACL)
    }

    @Test func worldAnyonePassesThrough() {
        #expect(fixed(ACL.openUnsafe, [localIp]) == ACL.openUnsafe)
    }

    @Test func duplicatesAreRemoved() {
        let acl = [ACL(perms: .all, id: .anyone), ACL(perms: .all, id: .anyone), ACL(perms: .read, id: .anyone)]
        #expect(fixed(acl, [localIp]) == [ACL(perms: .all, id: .anyone), ACL(perms: .read, id: .anyone)])
    }

    @Test func authExpandsToAuthenticatedIds() {
        let acl = [ACL(perms: [.read, .write], id: Id(scheme: "auth", id: ""))]
        // The ip id does not prove an identity (isAuthenticated() == false).
        #expect(fixed(acl, [localIp, bob]) == [ACL(perms: [.read, .write], id: bob)])
    }

    @Test func authWithoutCredentialsIsInvalid() {
        let acl = [ACL(perms: .all, id: Id(scheme: "auth", id: ""))]
        #expect(error(acl, [localIp]) == .invalidACL)
        #expect(error(acl, []) == .invalidACL)
    }

    @Test func unknownSchemeIsInvalid() {
        #expect(error([ACL(perms: .all, id: Id(scheme: "kerberos", id: "bob"))], [localIp]) == .invalidACL)
        #expect(error([ACL(perms: .all, id: Id(scheme: "world", id: "everyone"))], [localIp]) == .invalidACL)
    }

    @Test func oneBadEntryInvalidatesTheList() {
        let acl = [ACL(perms: .all, id: .anyone), ACL(perms: .all, id: Id(scheme: "digest", id: "nocolon"))]
        #expect(error(acl, [localIp]) == .invalidACL)
    }

    @Test(arguments: ["nocolon", "a:b:c", ""])
    func badDigestIdsAreInvalid(_ id: String) {
        #expect(error([ACL(perms: .all, id: Id(scheme: "digest", id: id))], [localIp]) == .invalidACL)
    }

    @Test(arguments: ["bob:fyVmFCwVbTJYrznoSu1koqYEYF0=", "bob:anything", ":x"])
    func wellFormedDigestIdsAreValid(_ id: String) {
        let acl = [ACL(perms: .all, id: Id(scheme: "digest", id: id))]
        #expect(fixed(acl, [localIp]) == acl)
    }

    /// Apache's DigestAuthenticationProvider.isValid is `id.split(":").length == 2`,
    /// and Java's split drops trailing empty strings: "bob:" has one part
    /// (invalid) while "a:b:" has two (valid).
    @Test
    func digestValidityFollowsJavaSplit() {
        #expect(error([ACL(perms: .all, id: Id(scheme: "digest", id: "bob:"))], [localIp]) == .invalidACL)
        #expect(error([ACL(perms: .all, id: Id(scheme: "digest", id: "bob::"))], [localIp]) == .invalidACL)
        #expect(fixed([ACL(perms: .all, id: Id(scheme: "digest", id: "a:b:"))], [localIp]) != nil)
    }

    @Test(arguments: ["10.0.0.1", "10.0.0.0/8", "0.0.0.0/0", "255.255.255.255/32"])
    func validIpIds(_ id: String) {
        let acl = [ACL(perms: .all, id: Id(scheme: "ip", id: id))]
        #expect(fixed(acl, [localIp]) == acl)
    }

    @Test(arguments: ["300.0.0.1", "10.0.0", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/x", "10.0.0.0/8/9", "host.example.com", ""])
    func invalidIpIds(_ id: String) {
        #expect(error([ACL(perms: .all, id: Id(scheme: "ip", id: id))], [localIp]) == .invalidACL)
    }

    /// Apache 3.8.6 IPAuthenticationProvider.addr2Bytes only parses IPv4
    /// ("TODO Write the v6addr2Bytes"), so an IPv6 ip id is InvalidACL there.
    @Test
    func ipv6IdsAreInvalidAsInApache() {
        #expect(error([ACL(perms: .all, id: Id(scheme: "ip", id: "::1"))], [localIp]) == .invalidACL)
        #expect(error([ACL(perms: .all, id: Id(scheme: "ip", id: "fe80::/10"))], [localIp]) == .invalidACL)
    }

    /// "super" is not a registered provider in Apache (ProviderRegistry has ip
    /// and digest only), so fixupACL refuses a super id and "auth" never expands to one.
    @Test
    func superIsNotAnAclScheme() {
        #expect(error([ACL(perms: .all, id: Id(scheme: "super", id: ""))], [localIp]) == .invalidACL)
        let superUser = [localIp, Id(scheme: "super", id: ""), Id(scheme: "digest", id: "super:D/InIHSb7yEEbrWz8b9l71RjZJU=")]
        #expect(fixed([ACL(perms: .all, id: Id(scheme: "auth", id: ""))], superUser)
            == [ACL(perms: .all, id: Id(scheme: "digest", id: "super:D/InIHSb7yEEbrWz8b9l71RjZJU="))])
    }
}

@Suite struct AclRedactionTests {
    @Test func digestHashesAreHidden() {
        let acl = [
            ACL(perms: .all, id: Id(scheme: "digest", id: "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=")),
            ACL(perms: .read, id: .anyone),
            ACL(perms: .read, id: Id(scheme: "ip", id: "10.0.0.0/8")),
            ACL(perms: .read, id: Id(scheme: "digest", id: "a:b:c")),
        ]
        #expect(AccessControl.redacted(acl) == [
            ACL(perms: .all, id: Id(scheme: "digest", id: "bob:x")),
            ACL(perms: .read, id: .anyone),
            ACL(perms: .read, id: Id(scheme: "ip", id: "10.0.0.0/8")),
            // replaceAll(":.*", ":x") replaces from the first colon.
            ACL(perms: .read, id: Id(scheme: "digest", id: "a:x")),
        ])
    }

    @Test func digestWithoutColonIsKept() {
        let acl = [ACL(perms: .all, id: Id(scheme: "digest", id: "nocolon"))]
        #expect(AccessControl.redacted(acl) == acl)
    }
}

/// Which sasl and x509 ids Apache's providers accept.
@Suite struct ProviderIdValidityTests {
    @Test func kerberosNamesAsHadoopParsesThem() {
        for valid in ["alice", "zookeeper/host", "alice@EXAMPLE.COM", "zk/host@REALM", ""] {
            #expect(AccessControl.isKerberosName(valid), "\(valid)")
        }
        for invalid in ["a@b@c", "a/b/c@R", "a@R/x"] { #expect(!AccessControl.isKerberosName(invalid), "\(invalid)") }
    }

    @Test func distinguishedNames() {
        for valid in ["", "CN=a", "O=zkdash interop,CN=zkdash-test-client", #"CN=a\,b,O=c"#] {
            #expect(AccessControl.isDistinguishedName(valid), "\(valid)")
        }
        for invalid in ["alice", "CN=a,", "=x"] { #expect(!AccessControl.isDistinguishedName(invalid), "\(invalid)") }
    }
}
