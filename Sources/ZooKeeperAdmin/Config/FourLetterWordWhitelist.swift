/// `4lw.commands.whitelist` as Apache 3.8 `FourLetterCommands.isEnabled`
/// interprets it:
///
/// - comma separated, each item trimmed, empty items skipped;
/// - an item `*` enables every known word (items after it are not read);
/// - unknown words are accepted silently by Apache and simply never match;
///   we keep them out of `words` and report them as warnings instead;
/// - `srvr` is always enabled, whitelisted or not (zkServer.sh status needs it);
/// - key absent: only `srvr`.
///
/// (Apache also force-enables `isro` when the JVM property
/// `readonlymode.enabled=true`; zkdash has no read-only mode, so not here.)
public struct FourLetterWordWhitelist: Sendable, Equatable {
    /// Words enabled explicitly or via `*`; `srvr` is added implicitly.
    public private(set) var words: Set<FourLetterWord>
    /// True when the list contained `*`.
    public private(set) var allowsAll: Bool
    /// Items that are not Apache four-letter words (kept for warnings).
    public private(set) var unknownWords: [String]

    /// Apache's default: nothing but `srvr`.
    public static let `default` = FourLetterWordWhitelist(parsing: "")

    public init(parsing value: String) {
        var words: Set<FourLetterWord> = [.srvr]
        var allowsAll = false
        var unknown: [String] = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            let word = item.trimmingJavaWhitespace()
            if word == "*" {
                allowsAll = true
                words = Set(FourLetterWord.allCases)
                break
            }
            if word.isEmpty { continue }
            if let known = FourLetterWord(rawValue: word) {
                words.insert(known)
            } else {
                unknown.append(word)
            }
        }
        self.words = words
        self.allowsAll = allowsAll
        self.unknownWords = unknown
    }

    /// Whether Apache would execute `word` (case-sensitive, like Apache).
    public func allows(_ word: FourLetterWord) -> Bool {
        words.contains(word)
    }

    public func allows(_ word: String) -> Bool {
        FourLetterWord(rawValue: word).map(allows) ?? false
    }
}

extension StringProtocol {
    /// `String.trim()` in Java: strips every character <= U+0020 at both ends
    /// (spaces, tabs, CR/LF and other control characters), nothing else.
    func trimmingJavaWhitespace() -> String {
        let scalars = Array(unicodeScalars)
        var start = 0
        var end = scalars.count
        while start < end, scalars[start].value <= 0x20 { start += 1 }
        while end > start, scalars[end - 1].value <= 0x20 { end -= 1 }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }
}
