/// What a znode's data is, decided once when it arrives, and how the detail
/// pane writes it: text as lines, a JSON object or array pretty-printed, and
/// anything else (not UTF-8, control characters) as a hex dump. No byte of the
/// data reaches the screen as a control character.
public enum DataKind: Sendable, Equatable {
    /// Created with null data.
    case null
    case empty
    /// UTF-8 with no control characters but tab, newline and CR before newline.
    case text
    /// Text that is a JSON object or array.
    case json
    case binary

    public var title: String {
        switch self {
        case .null: "null"
        case .empty: "empty"
        case .text: "text"
        case .json: "JSON"
        case .binary: "binary"
        }
    }
}

enum NodeData {
    /// What the data is and its lines as the pane shows them: text lines,
    /// pretty JSON (or its raw text), none for hex (made per frame for the rows
    /// on screen). Made once per node and toggle.
    static func read(_ data: [UInt8]?, hex: Bool, rawJSON: Bool) -> (kind: DataKind, lines: [String]) {
        guard let data else { return (.null, []) }
        guard !data.isEmpty else { return (.empty, ["(empty)"]) }
        guard let text = String(validating: data, as: UTF8.self), isText(text) else { return (.binary, []) }
        let pretty = JSONPretty.lines(data)
        let kind: DataKind = pretty == nil ? .text : .json
        if hex { return (kind, []) }
        if let pretty, !rawJSON { return (kind, pretty) }
        return (kind, textLines(data))
    }

    /// No control character (C0, DEL, C1) but tab, newline, and CR before a newline.
    static func isText(_ text: String) -> Bool {
        var previousCR = false
        for scalar in text.unicodeScalars {
            if previousCR, scalar != "\n" { return false }
            previousCR = scalar == "\r"
            let value = scalar.value
            if value < 0x20, scalar != "\n", scalar != "\t", scalar != "\r" { return false }
            if value == 0x7F || (0x80..<0xA0).contains(value) { return false }
        }
        return !previousCR
    }

    static let tabWidth = 4

    /// Text data as lines: split at newlines (LF or CR LF; a final one ends the
    /// last line), tabs expanded to the next multiple of `tabWidth` columns.
    static func textLines(_ data: [UInt8]) -> [String] {
        let text = String(decoding: data, as: UTF8.self)
        // "\r\n" is one Character: split on both.
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { line in
            var shown = ""
            var column = 0
            for character in line {
                if character == "\t" {
                    let spaces = tabWidth - column % tabWidth
                    shown += String(repeating: " ", count: spaces)
                    column += spaces
                } else {
                    shown.append(character)
                    column += DisplayWidth.of(character)
                }
            }
            return shown
        }
    }

    /// Bytes per hex row (4 to 16, a multiple of 4) that fit the width.
    static func hexBytesPerLine(width: Int) -> Int {
        max(4, min(16, (width - 7) / 4 / 4 * 4))
    }

    /// One hex row: offset, bytes, printable ASCII ("0000  7b 22 61 22  {"a"").
    static func hexLine(_ data: [UInt8], offset: Int, perLine: Int) -> String {
        let chunk = data[offset..<min(data.count, offset + perLine)]
        let digits = String(offset, radix: 16)
        var line = String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "  "
        line += chunk.map { byte -> String in
            let text = String(byte, radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined(separator: " ")
        line += String(repeating: " ", count: (perLine - chunk.count) * 3) + "  "
        line += String(chunk.map { $0 >= 0x20 && $0 < 0x7F ? Character(UnicodeScalar($0)) : "." })
        return line
    }

    /// The whole dump (tests; the renderer makes only the rows it shows).
    static func hexDump(_ data: [UInt8], width: Int) -> [String] {
        guard !data.isEmpty else { return ["(empty)"] }
        let perLine = hexBytesPerLine(width: width)
        return stride(from: 0, to: data.count, by: perLine).map { hexLine(data, offset: $0, perLine: perLine) }
    }
}

/// A JSON object or array re-indented by two spaces, its members in the order
/// the data has them and every number, string and escape exactly as written
/// (JSONSerialization would sort or shuffle keys and rewrite numbers: 1.0 → 1,
/// 2^64 → 1.8e+19). Also the validator: nil for anything that is not JSON.
struct JSONPretty {
    /// Deeper nesting is not shown pretty (and cannot exhaust the stack).
    static let maxDepth = 256

    private let bytes: [UInt8]
    private var position = 0
    private var lines: [String] = []
    private var line: [UInt8] = []

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    static func lines(_ data: [UInt8]) -> [String]? {
        var printer = JSONPretty(data)
        printer.skipSpace()
        guard printer.peek == UInt8(ascii: "{") || printer.peek == UInt8(ascii: "[") else { return nil }
        guard printer.value(depth: 0) else { return nil }
        printer.skipSpace()
        guard printer.position == data.count else { return nil }
        printer.lines.append(String(decoding: printer.line, as: UTF8.self))
        return printer.lines
    }

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    private mutating func newline(indent: Int) {
        lines.append(String(decoding: line, as: UTF8.self))
        line = Array(repeating: 0x20, count: 2 * indent)
    }

    /// Copies `count` bytes of the input to the line.
    private mutating func take(_ count: Int) {
        line.append(contentsOf: bytes[position..<(position + count)])
        position += count
    }

    private mutating func value(depth: Int) -> Bool {
        skipSpace()
        guard let byte = peek else { return false }
        switch byte {
        case UInt8(ascii: "{"): return container(close: UInt8(ascii: "}"), members: true, depth: depth)
        case UInt8(ascii: "["): return container(close: UInt8(ascii: "]"), members: false, depth: depth)
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return false
        }
    }

    private mutating func container(close: UInt8, members: Bool, depth: Int) -> Bool {
        guard depth < Self.maxDepth else { return false }
        take(1)
        skipSpace()
        if peek == close {
            take(1)
            return true
        }
        while true {
            newline(indent: depth + 1)
            if members {
                skipSpace()
                guard peek == UInt8(ascii: "\""), string() else { return false }
                skipSpace()
                guard peek == UInt8(ascii: ":") else { return false }
                position += 1
                line += Array(": ".utf8)
            }
            guard value(depth: depth + 1) else { return false }
            skipSpace()
            if peek == UInt8(ascii: ",") {
                take(1)
                continue
            }
            guard peek == close else { return false }
            newline(indent: depth)
            take(1)
            return true
        }
    }

    private mutating func string() -> Bool {
        var end = position + 1
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") {
                take(end + 1 - position)
                return true
            }
            guard byte >= 0x20 else { return false }
            if byte == UInt8(ascii: "\\") {
                guard end + 1 < bytes.count else { return false }
                let escaped = bytes[end + 1]
                if escaped == UInt8(ascii: "u") {
                    guard end + 5 < bytes.count, bytes[(end + 2)...(end + 5)].allSatisfy(Self.isHexDigit) else { return false }
                    end += 6
                    continue
                }
                guard Array(#""\/bfnrt"#.utf8).contains(escaped) else { return false }
                end += 2
                continue
            }
            end += 1
        }
        return false
    }

    private mutating func number() -> Bool {
        var end = position
        func digits() -> Int {
            let start = end
            while end < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
            return end - start
        }
        if bytes[end] == UInt8(ascii: "-") { end += 1 }
        guard end < bytes.count else { return false }
        if bytes[end] == UInt8(ascii: "0") {
            end += 1
        } else if digits() == 0 {
            return false
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: ".") {
            end += 1
            guard digits() > 0 else { return false }
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "e") || bytes[end] == UInt8(ascii: "E") {
            end += 1
            if end < bytes.count, bytes[end] == UInt8(ascii: "+") || bytes[end] == UInt8(ascii: "-") { end += 1 }
            guard digits() > 0 else { return false }
        }
        take(end - position)
        return true
    }

    private mutating func literal(_ word: String) -> Bool {
        let expected = Array(word.utf8)
        guard position + expected.count <= bytes.count, Array(bytes[position..<(position + expected.count)]) == expected else { return false }
        take(expected.count)
        return true
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
