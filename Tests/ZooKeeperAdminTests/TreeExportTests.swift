import Foundation
import Testing
import ZooKeeperAdmin
import ZooKeeperProtocol

/// The export format, the diff and the import plan, without a server.
struct TreeExportTests {
    static let open = [ACL(perms: .all, id: Id(scheme: "world", id: "anyone"))]
    static let bob = [ACL(perms: [.read, .admin], id: Id(scheme: "digest", id: "bob:hash="))]

    static func sample() -> TreeExport {
        TreeExport(root: "/app", nodes: [
            .init(path: "", data: Array(#"{"a":1}"#.utf8), acl: open),
            .init(path: "bin", data: [0, 1, 2, 255], acl: open),
            .init(path: "nul", data: Array("a\u{0}b".utf8), acl: open),
            .init(path: "null", data: nil, acl: bob),
            .init(path: "empty", data: [], acl: open, kind: .container),
            .init(path: "locks", data: [], acl: open),
            .init(path: "locks/lock-0000000001", data: [], acl: open, kind: .ephemeral, owner: "0x1000abc"),
            .init(path: "text", data: Array("line1\nline2 ünï".utf8), acl: open),
        ])
    }

    @Test func everyKindOfDataRoundTripsExactly() throws {
        let export = Self.sample()
        let json = export.json()
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains(#""data" : "AAEC\/w==""#) || text.contains(#""data" : "AAEC/w==""#))
        #expect(text.contains(#""perms" : "ra""#))
        #expect(text.contains(#""kind" : "container""#) && text.contains(#""owner" : "0x1000abc""#))
        #expect(text.contains(#""data" : null"#))
        #expect(text.contains("line1\\nline2 ünï"), "UTF-8 text stays text")
        let parsed = try TreeExport.parse(json)
        #expect(parsed == export)
        #expect(parsed.json() == json, "stable: the same bytes again")
    }

    @Test func aBadFileSaysWhatIsWrong() {
        let cases: [(String, String)] = [
            ("not json", "not valid JSON"),
            (#"{"format":"other/2","root":"/","nodes":[]}"#, "format other/2 is not zkdash-export/1"),
            (#"{"format":"zkdash-export/1","root":"/","nodes":[]}"#, "the export has no root node"),
            (#"{"format":"zkdash-export/1","root":"app","nodes":[]}"#, "root app is not an absolute path"),
            (#"{"format":"zkdash-export/1","root":"/","nodes":[{"path":"","data":null,"acl":[]},{"path":"a/b","data":null,"acl":[]}]}"#,
             #"node "a/b" has no parent "a""#),
            (#"{"format":"zkdash-export/1","root":"/","nodes":[{"path":"","data":"!!","encoding":"base64","acl":[]}]}"#, "data is not base64"),
            (#"{"format":"zkdash-export/1","root":"/","nodes":[{"path":"","data":null,"acl":[{"perms":"rx","scheme":"world","id":"anyone"}]}]}"#,
             "only the letters c d r w a"),
            (#"{"format":"zkdash-export/1","root":"/","nodes":[{"path":"","data":null}]}"#, #"missing "acl""#),
        ]
        for (text, expected) in cases {
            #expect(throws: TreeExportError.self) { try TreeExport.parse(Array(text.utf8)) }
            do {
                _ = try TreeExport.parse(Array(text.utf8))
            } catch {
                #expect(error.description.contains(expected), "\(text): \(error)")
            }
        }
    }

    @Test func theDiffNamesEachDifferenceOnce() {
        let a = Self.sample()
        var nodes = a.nodes.filter { !$0.path.hasPrefix("locks") }
        nodes[nodes.firstIndex { $0.path == "text" }!].data = Array("changed".utf8)
        nodes[nodes.firstIndex { $0.path == "null" }!].acl = Self.open
        nodes.append(.init(path: "new", data: [], acl: Self.open))
        nodes.append(.init(path: "new/child", data: [], acl: Self.open))
        let b = TreeExport(root: "/other", nodes: nodes)
        let changes = TreeDiff.compare(a, b)
        #expect(TreeDiff.render(changes, a: a, b: b) == """
            - ./locks  only in A (and 1 below)
            + ./new  only in B (and 1 below)
            ~ ./null  acl: digest:bob:hash= ra → world:anyone cdrwa
            ~ ./text  data: 17 bytes → "changed" (7 bytes)

            """)
        #expect(TreeDiff.compare(a, a).isEmpty)
    }

    @Test func theImportPlanCreatesParentsFirstAndNeverDeletes() {
        let export = Self.sample()
        var present = TreeExport(root: "/copy", nodes: [
            .init(path: "", data: Array(#"{"a":1}"#.utf8), acl: Self.open),
            .init(path: "bin", data: [9], acl: Self.open),
            .init(path: "extra", data: [], acl: Self.open),
        ])
        let steps = ImportPlan.plan(export, into: "/copy", existing: present)
        #expect(steps.map(ImportPlan.describe) == [
            "set data /copy/bin: 1 byte → 4 bytes",
            "create /copy/empty (container) data \"\" (0 bytes), acl world:anyone cdrwa",
            "create /copy/locks data \"\" (0 bytes), acl world:anyone cdrwa",
            "skip /copy/locks/lock-0000000001: ephemeral (owned by session 0x1000abc): not recreated",
            "create /copy/nul data 3 bytes, acl world:anyone cdrwa",
            "create /copy/null data null, acl digest:bob:hash= ra",
            "create /copy/text data 17 bytes, acl world:anyone cdrwa",
        ])
        // Into a path that does not exist yet: the root is created first.
        let fresh = ImportPlan.plan(export, into: "/", existing: nil)
        #expect(fresh.first == .create(path: "/", data: Array(#"{"a":1}"#.utf8), acl: Self.open, container: false))
        #expect(fresh.contains(.create(path: "/bin", data: [0, 1, 2, 255], acl: Self.open, container: false)))
        present.nodes[1].data = [0, 1, 2, 255]
        #expect(!ImportPlan.plan(TreeExport(root: "/x", nodes: present.nodes), into: "/copy", existing: present).contains { $0.isChange })
    }
}
