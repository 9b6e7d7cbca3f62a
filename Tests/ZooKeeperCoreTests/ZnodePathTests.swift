import Testing
@testable import ZooKeeperCore

/// Cases from Apache's PathUtils.validatePath and PathUtilsTest (3.8).
@Suite struct ZnodePathTests {
    @Test(arguments: [
        "/",
        "/a",
        "/a/b/c",
        "/this is / a valid/path",
        "/name/with.period.",
        "/.a",
        "/a.",
        "/...",
        "/a/.../b",
        "/..a",
        "/a..",
        "/test\u{20}",
        "/test\u{7e}",
        "/test\u{a0}",
        "/test\u{ffef}",
        "/zookeeper",
        "/ünïcödé",
        "/0000000001",
    ])
    func validPaths(_ path: String) {
        #expect(ZnodePath.isValid(path), "\(path.debugDescription) should be valid")
        #expect(ZnodePath.validationFailure(path) == nil)
    }

    @Test(arguments: [
        ("", "Path length must be > 0"),
        ("a", "Path must start with / character"),
        ("not/valid", "Path must start with / character"),
        ("/ends/with/slash/", "Path must not end with / character"),
        ("/a/", "Path must not end with / character"),
        ("//", "Path must not end with / character"),
        ("/double//slash", "empty node name specified @8"),
        ("//a", "empty node name specified @1"),
        ("/single/./period", "relative paths not allowed @8"),
        ("/a/./b", "relative paths not allowed @3"),
        ("/a/../b", "relative paths not allowed @4"),
        ("/double/../period", "relative paths not allowed @9"),
        ("/.", "relative paths not allowed @1"),
        ("/..", "relative paths not allowed @2"),
        ("/a/.", "relative paths not allowed @3"),
        ("/a/..", "relative paths not allowed @4"),
        ("/test\u{0}", "null character not allowed @5"),
        ("/\u{0}", "null character not allowed @1"),
        ("/test\u{1}", "invalid character @5"),
        ("/test\u{1f}", "invalid character @5"),
        ("/test\n", "invalid character @5"),
        ("/test\t", "invalid character @5"),
        ("/test\u{7f}", "invalid character @5"),
        ("/test\u{9f}", "invalid character @5"),
        ("/test\u{e000}", "invalid character @5"),
        ("/test\u{f8ff}", "invalid character @5"),
        ("/test\u{fff0}", "invalid character @5"),
        ("/test\u{ffff}", "invalid character @5"),
    ])
    func invalidPaths(_ path: String, _ reason: String) {
        #expect(!ZnodePath.isValid(path), "\(path.debugDescription) should be invalid")
        #expect(ZnodePath.validationFailure(path) == reason)
    }

    /// Java strings are UTF-16: a character outside the BMP is a surrogate pair,
    /// and surrogates (0xD800...) are refused, so Apache refuses emoji in paths.
    @Test func astralCharactersAreRefusedAsSurrogates() {
        #expect(ZnodePath.validationFailure("/a😀") == "invalid character @2")
        #expect(!ZnodePath.isValid("/😀/b"))
    }

    @Test func splitGivesParentAndName() {
        #expect(ZnodePath.split("/a") == ("/", "a"))
        #expect(ZnodePath.split("/a/b") == ("/a", "b"))
        #expect(ZnodePath.split("/a/b/c") == ("/a/b", "c"))
        #expect(ZnodePath.split("/") == ("/", ""))
    }

    @Test func childJoinsWithoutDoubleSlash() {
        #expect(ZnodePath.child("/", "a") == "/a")
        #expect(ZnodePath.child("/a", "b") == "/a/b")
        #expect(ZnodePath.child("/a/b", "c") == "/a/b/c")
    }

    @Test func ancestorsRunFromParentToRoot() {
        #expect(ZnodePath.ancestors(of: "/a/b/c") == ["/a/b", "/a", "/"])
        #expect(ZnodePath.ancestors(of: "/a") == ["/"])
        #expect(ZnodePath.ancestors(of: "/").isEmpty)
    }
}
