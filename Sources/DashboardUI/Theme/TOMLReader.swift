/// The TOML that theme files use, read strictly and without ever trapping:
/// `[table]` and `[dotted.table]` headers, `key = value` with bare, quoted or
/// dotted keys, basic and literal strings, integers, floats, booleans,
/// arrays and inline tables. Dates, multi-line strings and arrays of tables
/// are refused with a message. Every malformed input is an error with its
/// line and column.
///
/// Why not TOMLKit: its toml++ 3.4.0 asserts (aborting the process) on
/// inputs such as `[` followed by a newline or `a = [}` — a typo in a theme
/// file killed the dashboard (found by `scripts/fuzz.sh theme`, docs/reliability.md).
public struct TOMLReader {
    public indirect enum Value: Equatable, Sendable {
        case string(String)
        case integer(Int)
        case float(Double)
        case bool(Bool)
        case array([Value])
        case table([String: Value])

        public var typeName: String {
            switch self {
            case .string: "string"
            case .integer: "integer"
            case .float: "floating-point number"
            case .bool: "boolean"
            case .array: "array"
            case .table: "table"
            }
        }
    }

    public struct ParseError: Error, Equatable {
        public var line: Int
        public var column: Int
        public var message: String
    }

    /// Nesting of arrays and inline tables, at most (bounds the recursion).
    static let maxDepth = 32
    /// Parts of a dotted key, at most: themes use two. Unbounded, a key of
    /// thousands of parts made every later key cost thousands of times more
    /// (the theme fuzz target's 20 KB input ran past 10 s).
    static let maxKeyParts = 16

    private let chars: [Character]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var root: [String: Value] = [:]
    /// Tables opened by a `[header]`: defining one twice is an error.
    private var headerTables: Set<[String]> = []
    /// Tables closed to additions (inline tables).
    private var sealed: Set<[String]> = []

    public static func parse(_ text: String) throws(ParseError) -> [String: Value] {
        var reader = TOMLReader(chars: Array(text))
        try reader.document()
        return reader.root
    }

    private init(chars: [Character]) {
        self.chars = chars
    }

    // MARK: Document

    private mutating func document() throws(ParseError) {
        var current: [String] = []
        while true {
            skipWhitespace()
            guard let c = peek else { return }
            if c == "#" || c.isNewline {
                try endOfLine()
                continue
            }
            if c == "[" {
                advance()
                if peek == "[" { throw error("arrays of tables ([[…]]) are not supported in theme files") }
                skipWhitespace()
                let path = try keyPath()
                skipWhitespace()
                guard peek == "]" else { throw error("expected ] to close the table header") }
                advance()
                guard !headerTables.contains(path) else { throw error("table [\(path.joined(separator: "."))] is defined twice") }
                headerTables.insert(path)
                try ensureTable(path)
                current = path
                try endOfLine()
                continue
            }
            let path = try keyPath()
            skipWhitespace()
            guard peek == "=" else { throw error("expected = after the key") }
            advance()
            skipWhitespace()
            let value = try self.value(depth: 0)
            try assign(current + path, value)
            try endOfLine()
        }
    }

    /// After a header or a key/value: only a comment, then the end of the line.
    private mutating func endOfLine() throws(ParseError) {
        skipWhitespace()
        if peek == "#" {
            while let c = peek, !c.isNewline { advance() }
        }
        guard let c = peek else { return }
        guard c.isNewline else { throw error("unexpected '\(c)' (one key = value per line)") }
        advance()
        line += 1
        lineStart = index
    }

    // MARK: Keys

    private mutating func keyPath() throws(ParseError) -> [String] {
        var path = [try key()]
        while true {
            skipWhitespace()
            guard peek == "." else { return path }
            guard path.count < Self.maxKeyParts else { throw error("a dotted key has more than \(Self.maxKeyParts) parts") }
            advance()
            skipWhitespace()
            path.append(try key())
        }
    }

    private mutating func key() throws(ParseError) -> String {
        guard let c = peek else { throw error("expected a key") }
        if c == "\"" { return try basicString() }
        if c == "'" { return try literalString() }
        var key = ""
        while let c = peek, c.isASCII, c.isLetter || c.isNumber || c == "_" || c == "-" {
            key.append(c)
            advance()
        }
        guard !key.isEmpty else { throw error("expected a key, found '\(c.isNewline ? "end of line" : String(c))'") }
        return key
    }

    // MARK: Values

    private mutating func value(depth: Int) throws(ParseError) -> Value {
        guard depth < Self.maxDepth else { throw error("nested more than \(Self.maxDepth) levels") }
        guard let c = peek else { throw error("expected a value") }
        switch c {
        case "\"": return .string(try basicString())
        case "'": return .string(try literalString())
        case "[": return try array(depth: depth)
        case "{": return try inlineTable(depth: depth)
        default: break
        }
        var word = ""
        while let c = peek, !c.isWhitespace, c != ",", c != "]", c != "}", c != "#" {
            word.append(c)
            advance()
        }
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "": throw error("expected a value")
        default: break
        }
        if let integer = Self.integer(word) { return .integer(integer) }
        if let float = Self.float(word) { return .float(float) }
        if word.first?.isNumber == true, word.contains("-") || word.contains(":") {
            throw error("dates and times are not supported in theme files")
        }
        throw error("'\(word)' is not a value (strings are quoted: \"…\")")
    }

    /// Decimal, with an optional sign and underscores between digits.
    static func integer(_ word: String) -> Int? {
        var digits = Substring(word)
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard let first = digits.first, first.isASCII, first.isNumber, digits.last?.isNumber == true,
              !digits.contains("__"), digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") }) else { return nil }
        guard digits.count == 1 || first != "0" else { return nil }
        guard let magnitude = Int(digits.filter { $0 != "_" }) else { return nil }
        return negative ? -magnitude : magnitude
    }

    static func float(_ word: String) -> Double? {
        let plain = word.filter { $0 != "_" }
        guard plain.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) || ["inf", "+inf", "-inf", "nan", "+nan", "-nan"].contains(plain),
              plain.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eEinfa".contains($0)) }) else { return nil }
        return Double(plain)
    }

    private mutating func array(depth: Int) throws(ParseError) -> Value {
        advance()
        var items: [Value] = []
        while true {
            try skipArraySpace()
            guard let c = peek else { throw error("unclosed array") }
            if c == "]" {
                advance()
                return .array(items)
            }
            items.append(try value(depth: depth + 1))
            try skipArraySpace()
            if peek == "," {
                advance()
            } else if peek != "]" {
                throw error("expected , or ] in the array")
            }
        }
    }

    /// Arrays may span lines and hold comments.
    private mutating func skipArraySpace() throws(ParseError) {
        while let c = peek {
            if c == " " || c == "\t" {
                advance()
            } else if c.isNewline {
                advance()
                line += 1
                lineStart = index
            } else if c == "#" {
                while let c = peek, !c.isNewline { advance() }
            } else {
                return
            }
        }
    }

    private mutating func inlineTable(depth: Int) throws(ParseError) -> Value {
        advance()
        var table: [String: Value] = [:]
        skipWhitespace()
        if peek == "}" {
            advance()
            return .table(table)
        }
        while true {
            skipWhitespace()
            let path = try keyPath()
            skipWhitespace()
            guard peek == "=" else { throw error("expected = after the key") }
            advance()
            skipWhitespace()
            let value = try self.value(depth: depth + 1)
            guard Self.insert(value, at: path[...], into: &table) else {
                throw error("key \(path.joined(separator: ".")) is defined twice")
            }
            skipWhitespace()
            guard let c = peek else { throw error("unclosed inline table") }
            advance()
            if c == "}" { return .table(table) }
            guard c == "," else { throw error("expected , or } in the inline table") }
        }
    }

    private mutating func basicString() throws(ParseError) -> String {
        advance()
        if peek == "\"", peek(1) == "\"" { throw error("multi-line strings are not supported in theme files") }
        var text = ""
        while let c = peek {
            advance()
            switch c {
            case "\"":
                return text
            case "\\":
                guard let escape = peek else { throw error("unclosed string") }
                advance()
                switch escape {
                case "\"": text.append("\"")
                case "\\": text.append("\\")
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "r": text.append("\r")
                case "b": text.append("\u{8}")
                case "f": text.append("\u{C}")
                case "u", "U":
                    let count = escape == "u" ? 4 : 8
                    var hex = ""
                    for _ in 0..<count {
                        guard let digit = peek, digit.isHexDigit else { throw error("\\\(escape) needs \(count) hex digits") }
                        hex.append(digit)
                        advance()
                    }
                    guard let scalar = UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init) else { throw error("\\\(escape)\(hex) is not a character") }
                    text.unicodeScalars.append(scalar)
                default:
                    throw error("unknown escape \\\(escape)")
                }
            default:
                if c.isNewline { throw error("unclosed string") }
                text.append(c)
            }
        }
        throw error("unclosed string")
    }

    private mutating func literalString() throws(ParseError) -> String {
        advance()
        if peek == "'", peek(1) == "'" { throw error("multi-line strings are not supported in theme files") }
        var text = ""
        while let c = peek {
            advance()
            if c == "'" { return text }
            if c.isNewline { break }
            text.append(c)
        }
        throw error("unclosed string")
    }

    // MARK: Building the tables

    private mutating func ensureTable(_ path: [String]) throws(ParseError) {
        guard !sealed.contains(path) else { throw error("table \(path.joined(separator: ".")) was defined inline") }
        guard Self.makeTable(at: path[...], in: &root) else {
            throw error("\(path.joined(separator: ".")) is already a value, not a table")
        }
    }

    private mutating func assign(_ path: [String], _ value: Value) throws(ParseError) {
        for length in 1..<path.count where sealed.contains(Array(path.prefix(length))) {
            throw error("table \(path.prefix(length).joined(separator: ".")) was defined inline")
        }
        guard Self.insert(value, at: path[...], into: &root) else {
            throw error("key \(path.joined(separator: ".")) is defined twice")
        }
        if case .table = value { sealed.insert(path) }
    }

    /// Creates (or walks) the tables along `path`, then runs `leaf` on the
    /// last one; false when a value is in the way.
    private static func makeTable(at path: ArraySlice<String>, in table: inout [String: Value],
                                  leaf: (inout [String: Value]) -> Void = { _ in }) -> Bool {
        guard let first = path.first else {
            leaf(&table)
            return true
        }
        var child: [String: Value]
        switch table[first] {
        case nil: child = [:]
        case .table(let existing)?: child = existing
        default: return false
        }
        // Out of the parent while it changes, so it is not copied.
        table[first] = nil
        let made = makeTable(at: path.dropFirst(), in: &child, leaf: leaf)
        table[first] = .table(child)
        return made
    }

    /// Inserts a value; false when the key (or a value on its path) exists.
    private static func insert(_ value: Value, at path: ArraySlice<String>, into table: inout [String: Value]) -> Bool {
        guard let key = path.last else { return false }
        var inserted = false
        let walked = makeTable(at: path.dropLast()[...], in: &table) { leaf in
            guard leaf[key] == nil else { return }
            leaf[key] = value
            inserted = true
        }
        return walked && inserted
    }

    // MARK: Characters

    private var peek: Character? { index < chars.count ? chars[index] : nil }

    private func peek(_ offset: Int) -> Character? {
        index + offset < chars.count ? chars[index + offset] : nil
    }

    private mutating func advance() { index += 1 }

    private mutating func skipWhitespace() {
        while let c = peek, c == " " || c == "\t" { advance() }
    }

    private func error(_ message: String) -> ParseError {
        ParseError(line: line, column: index - lineStart + 1, message: message)
    }
}
