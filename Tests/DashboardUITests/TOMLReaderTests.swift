import Testing
@testable import DashboardUI

/// The theme files' TOML reader: what it reads, and that malformed input is
/// an error with a position, never a trap (TOMLKit's toml++ aborted the
/// process on the first four inputs below; found by `scripts/fuzz.sh theme`).
struct TOMLReaderTests {
    @Test(arguments: ["[\n", "a = 1979-05-27T:", "a = 1979-05-27 0", "a = [}", "[[[1]]]", "[=", "[#", "a = {", "a = \"", "a = [1,", "= 1", "a.b = 1\na.b = 2"])
    func malformedInputIsAnErrorNotATrap(text: String) {
        #expect(throws: TOMLReader.ParseError.self) { try TOMLReader.parse(text) }
    }

    @Test func readsWhatThemeFilesUse() throws {
        let parsed = try TOMLReader.parse("""
            # a comment
            name = "dark" # trailing
            inherits = 'solarized'
            [leading]
            fg = "bright-green"
            bold = true
            [normal]
            fg = 7
            bg = -1
            "quoted key" = "\\u00e9\\t"
            dotted.key = 2.5
            inline = { fg = "red", bold = false }
            list = [1, 2,
              3] # arrays may span lines

            """)
        #expect(parsed["name"] == .string("dark") && parsed["inherits"] == .string("solarized"))
        #expect(parsed["leading"] == .table(["fg": .string("bright-green"), "bold": .bool(true)]))
        guard case .table(let normal)? = parsed["normal"] else { Issue.record("no [normal]"); return }
        #expect(normal["fg"] == .integer(7) && normal["bg"] == .integer(-1))
        #expect(normal["quoted key"] == .string("é\t"))
        #expect(normal["dotted"] == .table(["key": .float(2.5)]))
        #expect(normal["inline"] == .table(["fg": .string("red"), "bold": .bool(false)]))
        #expect(normal["list"] == .array([.integer(1), .integer(2), .integer(3)]))
    }

    @Test func errorsCarryTheirLineAndColumn() {
        do {
            _ = try TOMLReader.parse("name = \"x\"\n[leading\nfg = 1\n")
            Issue.record("no error")
        } catch {
            #expect(error.line == 2 && error.column == 9, "\(error)")
            #expect(error.message.contains("expected ]"))
        }
    }

    @Test func longDottedKeysAreRefused() {
        // The theme fuzz target's timeout: a header of thousands of dotted parts.
        let header = "[" + (0..<3_000).map { "k\($0)" }.joined(separator: ".") + "]\nfg = 1\n"
        #expect(throws: TOMLReader.ParseError.self) { try TOMLReader.parse(header) }
        #expect(throws: TOMLReader.ParseError.self) { try TOMLReader.parse(String(repeating: "a.", count: 17) + "a = 1") }
        #expect((try? TOMLReader.parse(String(repeating: "a.", count: 15) + "a = 1")) != nil)
    }

    @Test func deepNestingIsBounded() {
        let deep = "a = " + String(repeating: "[", count: 10_000)
        #expect(throws: TOMLReader.ParseError.self) { try TOMLReader.parse(deep) }
    }
}
