import Testing
@testable import ZooKeeperClient

@Suite struct PathAndChrootTests {
    @Test func chrootPrefixesRequestPaths() {
        let chroot = Chroot("/app")
        #expect(chroot.serverPath("/") == "/app")
        #expect(chroot.serverPath("/a") == "/app/a")
        #expect(chroot.serverPath("/a/b") == "/app/a/b")
    }

    @Test func chrootIsStrippedFromServerPaths() {
        let chroot = Chroot("/app")
        #expect(chroot.clientPath("/app") == "/")
        #expect(chroot.clientPath("/app/a/b") == "/a/b")
        // A sibling that merely shares the prefix's characters is not inside.
        #expect(chroot.clientPath("/application") == "/application")
    }

    @Test func noChrootLeavesPathsAlone() {
        let chroot = Chroot(nil)
        #expect(chroot.serverPath("/") == "/")
        #expect(chroot.serverPath("/a") == "/a")
        #expect(chroot.clientPath("/a") == "/a")
    }

    @Test(arguments: ["/", "/a", "/a/b-c_d.e", "/a..b", "/.a", "/a/.b", "/zoo\u{e9}"])
    func acceptsValidPaths(path: String) {
        #expect(PathValidation.problem(in: path) == nil)
    }

    @Test(arguments: [
        ("", "Path length must be > 0"),
        ("a", "Path must start with / character"),
        ("/a/", "Path must not end with / character"),
        ("//a", "empty node name specified @1"),
        ("/a//b", "empty node name specified @3"),
        ("/a/./b", "relative paths not allowed @3"),
        ("/a/../b", "relative paths not allowed @4"),
        ("/a/.", "relative paths not allowed @3"),
        ("/a\u{0}b", "null character not allowed @2"),
        ("/a\u{7f}", "invalid character @2"),
        ("/a\u{e000}", "invalid character @2"),
        ("/a\u{fff5}", "invalid character @2"),
    ])
    func refusesInvalidPathsWithApacheReasons(path: String, reason: String) {
        #expect(PathValidation.problem(in: path) == reason)
    }

    @Test func sequentialPathsMayEndInSlash() {
        #expect(PathValidation.problem(in: "/queue/", isSequential: true) == nil)
        #expect(PathValidation.problem(in: "/queue/item-", isSequential: true) == nil)
        #expect(PathValidation.problem(in: "/queue/", isSequential: false) == "Path must not end with / character")
    }
}
