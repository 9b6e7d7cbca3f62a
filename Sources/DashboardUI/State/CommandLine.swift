/// `:` — k9s's command line: a command typed at the bottom, Tab completes its
/// name, ↑ ↓ go through the ones run before. Parsing and completion are pure.
public enum DashboardCommand: Sendable, Equatable {
    case quit
    /// `:goto /path`: the Tree view at that node.
    case goto(String)
    /// `:theme NAME`
    case theme(String)
    /// `:ensemble`, `:tree`, `:election`, `:events`
    case view(DashboardView)
    /// `:4lw WORD [sid]`: the raw answer of the selected node (or node `sid`) in a box.
    case fourLetterWord(String, sid: Int?)
    /// `:export FILE`: the Tree view's selected subtree as `zkdash export` writes it.
    case export(String)
    /// `:import FILE [--apply]`: the plan (or, with --apply, the changes) for the selected path.
    case importFrom(String, apply: Bool)
    /// `:diff FILE`: the selected subtree against an export file.
    case diff(String)
    /// `:ctx NAME`: watch the ensemble of that context instead; `:ctx` lists them.
    case context(String?)

    /// Command names, for completion and the error message.
    public static let names = ["4lw", "clients", "ctx", "diff", "election", "ensemble", "events", "export", "goto", "import", "q", "quit",
                               "theme", "tree"]

    /// The four-letter words `:4lw` sends (Apache 3.8's; whitelisting is the server's).
    public static let words: Set<String> = ["conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "isro", "mntr",
                                            "ruok", "srst", "srvr", "stat", "wchc", "wchp", "wchs"]

    public static func parse(_ text: String) -> Result<DashboardCommand, CommandError> {
        let words = text.split(separator: " ").map(String.init)
        guard let name = words.first else { return .failure(CommandError("type a command (Tab completes): \(names.joined(separator: " "))")) }
        let arguments = Array(words.dropFirst())
        switch name {
        case "q", "quit":
            return .success(.quit)
        case "goto":
            guard arguments.count == 1, arguments[0].hasPrefix("/") else { return .failure(CommandError(":goto /full/path")) }
            return .success(.goto(arguments[0]))
        case "theme":
            guard arguments.count == 1 else { return .failure(CommandError(":theme NAME")) }
            return .success(.theme(arguments[0]))
        case "ctx":
            guard arguments.count <= 1 else { return .failure(CommandError(":ctx NAME (a context of the config file; :ctx alone lists them)")) }
            return .success(.context(arguments.first))
        case "ensemble": return .success(.view(.ensemble))
        case "tree": return .success(.view(.tree))
        case "election": return .success(.view(.election))
        case "events": return .success(.view(.events))
        case "clients": return .success(.view(.clients))
        case "export", "diff":
            guard arguments.count == 1 else { return .failure(CommandError(":\(name) FILE (the Tree view's selected subtree)")) }
            return .success(name == "export" ? .export(arguments[0]) : .diff(arguments[0]))
        case "import":
            let apply = arguments.contains("--apply")
            let files = arguments.filter { $0 != "--apply" }
            guard files.count == 1 else { return .failure(CommandError(":import FILE [--apply] (into the Tree view's selected path)")) }
            return .success(.importFrom(files[0], apply: apply))
        case "4lw":
            guard (1...2).contains(arguments.count), Self.words.contains(arguments[0]) else {
                return .failure(CommandError(":4lw WORD [sid], WORD one of \(Self.words.sorted().joined(separator: " "))"))
            }
            var sid: Int?
            if arguments.count == 2 {
                guard let number = Int(arguments[1].hasPrefix("s") ? String(arguments[1].dropFirst()) : arguments[1]) else {
                    return .failure(CommandError(":4lw \(arguments[0]) SID: \(arguments[1]) is not a server id"))
                }
                sid = number
            }
            return .success(.fourLetterWord(arguments[0], sid: sid))
        default:
            return .failure(CommandError("unknown command :\(name) (Tab completes: \(names.joined(separator: " ")))"))
        }
    }

    /// Tab: the command name completed to its only match (with a space), or to
    /// the longest prefix its matches share; after `ctx `, a context name, and
    /// after `theme `, a theme name, the same way. Nil when nothing matches or
    /// the word is already typed.
    public static func complete(_ text: String, contextNames: [String] = [], themeNames: [String] = []) -> String? {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        if words.count == 2, words[0] == "ctx" || words[0] == "theme" {
            let candidates = words[0] == "ctx" ? contextNames : themeNames
            return completeWord(String(words[1]), from: candidates).map { "\(words[0]) " + $0 }
        }
        guard words.count == 1 else { return nil }
        return completeWord(text, from: names)
    }

    private static func completeWord(_ text: String, from candidates: [String]) -> String? {
        let matches = candidates.filter { $0.hasPrefix(text) }
        guard let first = matches.first else { return nil }
        if matches.count == 1 { return first == text ? nil : first + " " }
        var prefix = first
        for match in matches.dropFirst() {
            while !match.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix.count > text.count ? prefix : nil
    }
}

public struct CommandError: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// Text shown in a box over the view until a key is pressed (`:4lw`'s answer).
public struct TextOverlay: Sendable, Equatable {
    public var title: String
    public var lines: [String]
    /// Lines scrolled past (↑ ↓ PgUp PgDn); any other key closes.
    public var scroll = 0

    public init(title: String, text: String) {
        self.title = title
        lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
    }
}
