/// The answers every four-letter word can give instead of its report.
public enum FourLetterReply {
    /// Apache's text for a node in election or without a quorum.
    public static let notServingText = "This ZooKeeper instance is not currently serving requests"

    /// The word named by Apache's refusal
    /// "`mntr` is not executed because it is not in the whitelist.", else nil.
    public static func refusedWord(in text: some StringProtocol) -> String? {
        // Both fixed answers are one short line; a report never is (and
        // scanning a 25 KB mntr answer by Character twice a word was costly).
        guard text.utf8.count < 160 else { return nil }
        let trimmed = text.trimmingWhitespace()
        let marker = " is not executed because it is not in the whitelist."
        guard trimmed.hasSuffix(marker) else { return nil }
        let word = trimmed.dropLast(marker.count)
        guard !word.isEmpty, word.count <= 8, !word.contains(" ") else { return nil }
        return String(word)
    }

    public static func isNotServing(_ text: some StringProtocol) -> Bool {
        text.utf8.count < 160 && text.trimmingWhitespace().hasPrefix(notServingText)
    }

    /// `key<separator>value` lines, each part trimmed; lines without the
    /// separator are skipped. Works on UTF-8 bytes: answers are ASCII, and
    /// Character-by-Character splitting was most of a round's parse time.
    static func pairs(_ text: String, separator: Character) -> [(key: Substring, value: Substring)] {
        var result: [(Substring, Substring)] = []
        forEachPair(text, separator: separator) { result.append(($0, $1)) }
        return result
    }

    /// `pairs` without collecting them (mntr: ~550 lines, ~27 kept).
    static func forEachPair(_ text: String, separator: Character, _ body: (Substring, Substring) -> Void) {
        guard let separatorByte = separator.asciiValue else { return }
        let bytes = text.utf8
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            let lineEnd = bytes[lineStart...].firstIndex { $0 == 0x0A || $0 == 0x0D } ?? bytes.endIndex
            if let split = bytes[lineStart..<lineEnd].firstIndex(of: separatorByte) {
                body(Substring(trimmed(bytes[lineStart..<split])), Substring(trimmed(bytes[bytes.index(after: split)..<lineEnd])))
            }
            lineStart = lineEnd == bytes.endIndex ? lineEnd : bytes.index(after: lineEnd)
        }
    }

    private static func trimmed(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return slice
    }
}

/// What a word's answer turned out to be, before word-specific parsing.
public enum ReplyClass<Report: Sendable & Equatable>: Sendable, Equatable {
    case report(Report)
    /// The word is not in `4lw.commands.whitelist`.
    case refused(word: String)
    case notServing
    /// Not an answer this word gives; the raw text is kept for the user.
    case unreadable(raw: String)

    public var report: Report? {
        if case .report(let report) = self { return report }
        return nil
    }

    /// Common classification; `parse` reads the word's own format.
    static func classify(_ text: String, parse: (String) -> Report?) -> ReplyClass {
        if let word = FourLetterReply.refusedWord(in: text) { return .refused(word: word) }
        if FourLetterReply.isNotServing(text) { return .notServing }
        if let report = parse(text) { return .report(report) }
        return .unreadable(raw: text)
    }
}
