/// One `key=value` entry read from a Java `.properties` text, with the
/// 1-based line where its logical line starts (for error messages).
public struct PropertyEntry: Sendable, Equatable {
    public var key: String
    public var value: String
    public var line: Int

    public init(key: String, value: String, line: Int) {
        self.key = key
        self.value = value
        self.line = line
    }
}

/// Reads text exactly as `java.util.Properties.load` does, because Apache
/// ZooKeeper reads zoo.cfg with it and operators rely on its quirks:
///
/// - natural lines end at `\n`, `\r` or `\r\n`;
/// - leading spaces, tabs and form feeds are skipped;
/// - a line whose first non-blank character is `#` or `!` is a comment
///   (a comment never continues onto the next line);
/// - a line ending in an odd number of backslashes continues on the next
///   line, whose leading blanks are skipped;
/// - the key ends at the first unescaped `=`, `:` or blank; then blanks, at
///   most one `=`/`:`, and more blanks are skipped; the rest is the value
///   (trailing blanks kept — QuorumPeerConfig trims them afterwards);
/// - escapes `\t \n \r \f \uXXXX` are decoded, `\x` is `x` for any other x.
///
/// Differences from Java: entries come back in file order with duplicates
/// kept (Java's Hashtable keeps only the last), so the caller can both
/// apply "last one wins" and warn about the earlier ones.
enum JavaProperties {
    struct MalformedEscape: Error, Equatable {
        var line: Int
        var text: String
    }

    static func parse(_ text: String) throws(MalformedEscape) -> [PropertyEntry] {
        var entries: [PropertyEntry] = []
        for logical in logicalLines(Array(text.unicodeScalars)) {
            entries.append(try split(logical.scalars, line: logical.line))
        }
        return entries
    }

    private static func isBlank(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\u{0C}"
    }

    private static func isLineEnd(_ c: Unicode.Scalar) -> Bool {
        c == "\n" || c == "\r"
    }

    /// Joins continued lines and drops blank and comment lines; escapes stay
    /// undecoded so `split` can still tell an escaped `=` from a separator.
    private static func logicalLines(_ s: [Unicode.Scalar]) -> [(scalars: [Unicode.Scalar], line: Int)] {
        var result: [(scalars: [Unicode.Scalar], line: Int)] = []
        var i = 0
        var lineNumber = 1
        while i < s.count {
            // Start of a logical line: skip leading blanks.
            while i < s.count, isBlank(s[i]) { i += 1 }
            if i >= s.count { break }
            if isLineEnd(s[i]) {
                i = consumeLineEnd(s, i, &lineNumber)
                continue
            }
            let startLine = lineNumber
            if s[i] == "#" || s[i] == "!" {
                while i < s.count, !isLineEnd(s[i]) { i += 1 }
                if i < s.count { i = consumeLineEnd(s, i, &lineNumber) }
                continue
            }
            var current: [Unicode.Scalar] = []
            while i < s.count {
                let natural = readNatural(s, &i)
                current.append(contentsOf: natural)
                let continues = trailingBackslashes(natural) % 2 == 1
                if continues { current.removeLast() }
                if i < s.count { i = consumeLineEnd(s, i, &lineNumber) }
                guard continues else { break }
                // A continuation line's leading blanks are not part of the value.
                while i < s.count, isBlank(s[i]) { i += 1 }
            }
            result.append((current, startLine))
        }
        return result
    }

    private static func readNatural(_ s: [Unicode.Scalar], _ i: inout Int) -> [Unicode.Scalar] {
        let start = i
        while i < s.count, !isLineEnd(s[i]) { i += 1 }
        return Array(s[start..<i])
    }

    private static func consumeLineEnd(_ s: [Unicode.Scalar], _ i: Int, _ line: inout Int) -> Int {
        line += 1
        if s[i] == "\r", i + 1 < s.count, s[i + 1] == "\n" { return i + 2 }
        return i + 1
    }

    private static func trailingBackslashes(_ s: [Unicode.Scalar]) -> Int {
        var n = 0
        for c in s.reversed() {
            guard c == "\\" else { break }
            n += 1
        }
        return n
    }

    private static func split(_ s: [Unicode.Scalar], line: Int) throws(MalformedEscape) -> PropertyEntry {
        var keyEnd = 0
        var valueStart = s.count
        var hasSeparator = false
        var escaped = false
        while keyEnd < s.count {
            let c = s[keyEnd]
            if !escaped, c == "=" || c == ":" {
                hasSeparator = true
                valueStart = keyEnd + 1
                break
            }
            if !escaped, isBlank(c) {
                valueStart = keyEnd + 1
                break
            }
            escaped = c == "\\" ? !escaped : false
            keyEnd += 1
        }
        while valueStart < s.count {
            let c = s[valueStart]
            if isBlank(c) {
                valueStart += 1
            } else if !hasSeparator, c == "=" || c == ":" {
                hasSeparator = true
                valueStart += 1
            } else {
                break
            }
        }
        let key = try unescape(s[0..<keyEnd], line: line)
        let value = try unescape(s[min(valueStart, s.count)...], line: line)
        return PropertyEntry(key: key, value: value, line: line)
    }

    private static func unescape(_ s: ArraySlice<Unicode.Scalar>, line: Int) throws(MalformedEscape) -> String {
        var out = String.UnicodeScalarView()
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            i += 1
            guard c == "\\", i < s.endIndex else {
                // A lone trailing backslash (only possible at end of text) is dropped, as in Java.
                if c != "\\" { out.append(c) }
                continue
            }
            let e = s[i]
            i += 1
            switch e {
            case "t": out.append("\t")
            case "n": out.append("\n")
            case "r": out.append("\r")
            case "f": out.append("\u{0C}")
            case "u":
                guard let unit = hexUnit(s, i) else {
                    throw MalformedEscape(line: line, text: String(String.UnicodeScalarView(s)))
                }
                i += 4
                // Java strings are UTF-16: a surrogate pair arrives as two escapes.
                if (0xD800..<0xDC00).contains(unit), i + 6 <= s.endIndex, s[i] == "\\", s[i + 1] == "u",
                   let low = hexUnit(s, i + 2), (0xDC00..<0xE000).contains(low) {
                    out.append(Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!)
                    i += 6
                } else {
                    out.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                }
            default: out.append(e)
            }
        }
        return String(out)
    }

    /// Exactly four hex digits at `i` (Java rejects signs and short forms).
    private static func hexUnit(_ s: ArraySlice<Unicode.Scalar>, _ i: Int) -> UInt32? {
        guard i + 4 <= s.endIndex else { return nil }
        var value: UInt32 = 0
        for c in s[i..<(i + 4)] {
            guard c.isASCII, let digit = UInt32(String(c), radix: 16) else { return nil }
            value = value * 16 + digit
        }
        return value
    }
}
