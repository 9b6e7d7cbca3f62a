import Testing
@testable import ZooKeeperAdmin

/// Expected values were produced by `java.util.Properties.load` (JDK 17) on
/// the same bytes, so these pin the Java syntax rather than our reading of it.
@Suite struct JavaPropertiesTests {
    static let tricky =
        "# comment\n  ! another\nkey1=value1\nkey2 : value2  \nkey3 value3\n\tkey4=multi\\\n    line\\\\\nkey5\n"
        + "\\#notcomment=x\nkey\\ 6=a\\=b\\tc\nkey7==v\nkey8:\\u0041BC\n# trailing \\\nkey9=after comment\r\n"
        + "key10=crlf\rkey11=cr\nkey12 = spaced\\\n\n"

    @Test func matchesJavaPropertiesLoad() throws {
        let entries = try JavaProperties.parse(Self.tricky)
        let map = Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        #expect(map == [
            "#notcomment": "x",
            "key 6": "a=b\tc",
            "key1": "value1",
            "key10": "crlf",
            "key11": "cr",
            "key12": "spaced",
            "key2": "value2  ",
            "key3": "value3",
            "key4": "multiline\\",
            "key5": "",
            "key7": "=v",
            "key8": "ABC",
            "key9": "after comment",
        ])
    }

    @Test func reportsTheLineWhereEachLogicalLineStarts() throws {
        let entries = try JavaProperties.parse(Self.tricky)
        let lines = Dictionary(entries.map { ($0.key, $0.line) }, uniquingKeysWith: { $1 })
        #expect(lines["key1"] == 3)
        #expect(lines["key4"] == 6)  // continued onto line 7
        #expect(lines["key5"] == 8)
        #expect(lines["key9"] == 14)  // the comment ending in "\" does not continue
        #expect(lines["key10"] == 15)  // "\r\n" counted once
        #expect(lines["key11"] == 16)  // lone "\r" ends a line too
    }

    @Test func keepsDuplicatesInFileOrder() throws {
        let entries = try JavaProperties.parse("a=1\nb=2\na=3\n")
        #expect(entries.map(\.key) == ["a", "b", "a"])
        #expect(entries.map(\.value) == ["1", "2", "3"])
    }

    @Test func decodesSurrogatePairEscapes() throws {
        let entries = try JavaProperties.parse("k=\\uD83D\\uDE00\n")
        #expect(entries.first?.value == "😀")
    }

    @Test func rejectsMalformedUnicodeEscape() {
        #expect(throws: JavaProperties.MalformedEscape.self) { try JavaProperties.parse("a=1\nk=\\u12G4\n") }
        #expect(throws: JavaProperties.MalformedEscape.self) { try JavaProperties.parse("k=\\u+123\n") }
    }

    @Test func emptyAndCommentOnlyTextHasNoEntries() throws {
        #expect(try JavaProperties.parse("").isEmpty)
        #expect(try JavaProperties.parse("\n  \n# x\n! y\n").isEmpty)
    }
}
