/// One line of text being typed in the tree's status line, with a cursor, edited
/// as readline edits: ← → Home End (Ctrl-B Ctrl-F Ctrl-A Ctrl-E) move, Backspace
/// and Delete remove around the cursor, Ctrl-U removes everything before it,
/// Ctrl-K everything after it, Ctrl-W the word before it. Pure.
public struct LineEditor: Sendable, Equatable {
    public private(set) var characters: [Character]
    /// Where the next character goes: 0...characters.count.
    public private(set) var cursor: Int

    /// The cursor starts at the end, after the text (a prefilled value is appended to).
    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }

    /// The same field with every character after the first `separator` shown
    /// as "•" (a password being typed), the cursor where it was.
    public func masked(after separator: Character) -> LineEditor {
        guard let index = characters.firstIndex(of: separator) else { return self }
        var copy = self
        for position in (index + 1)..<characters.count { copy.characters[position] = "•" }
        return copy
    }

    /// Applies an editing key; false for a key that does not edit (Enter, Esc, ↑, …).
    public mutating func apply(_ key: Key) -> Bool {
        switch key {
        case .character(let character):
            characters.insert(character, at: cursor)
            cursor += 1
        case .left, .control("b"): cursor = max(0, cursor - 1)
        case .right, .control("f"): cursor = min(characters.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = characters.count
        case .backspace:
            guard cursor > 0 else { return true }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .control("d"):
            if cursor < characters.count { characters.remove(at: cursor) }
        case .control("u"):
            characters.removeSubrange(0..<cursor)
            cursor = 0
        case .control("k"):
            characters.removeSubrange(cursor...)
        case .control("w"):
            // readline's unix-word-rubout: blanks, then the word before them.
            var start = cursor
            while start > 0, characters[start - 1] == " " { start -= 1 }
            while start > 0, characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        default:
            return false
        }
        return true
    }

    static let cursorMark: Character = "▏"
    static let cutLeft: Character = "«"
    static let cutRight: Character = "»"

    /// What a field `width` columns wide shows: the text with the cursor as "▏",
    /// and when the text does not fit, the part around the cursor with "«" / "»"
    /// where it is cut. The window moves by half a field when the cursor leaves
    /// it (readline's horizontal-scroll-mode), so it stays put while the cursor
    /// moves inside it. Costs the columns shown, not the length of the text.
    public func window(width: Int) -> String {
        guard width > 2 else { return String(Self.cursorMark) }
        if characters.count < width {
            let used = characters.reduce(1) { $0 + Self.columns($1) }
            if used <= width { return Self.shown(characters[..<cursor]) + String(Self.cursorMark) + Self.shown(characters[cursor...]) }
        }
        // Cut: without a left marker the cursor may go up to column width-2;
        // with both markers the text between them has `room` columns.
        let room = width - 2
        let step = max(1, room / 2)
        // Near the end the window ends with the text, so that it is full.
        let tail = max(0, characters.count - room)
        var start = 0
        if cursor > width - 2 {
            start = cursor > tail ? tail : min(cursor, (cursor - room + 1 + step - 1) / step * step)
        }
        // Wide characters: move on until the cursor fits.
        func available(_ start: Int) -> Int { width - (start > 0 ? 1 : 0) - (start >= tail ? 0 : 1) }
        var used = characters[start..<cursor].reduce(1) { $0 + Self.columns($1) }
        while used > available(start), start < cursor {
            used -= Self.columns(characters[start])
            start += 1
        }
        var line = start > 0 ? String(Self.cutLeft) : ""
        line += Self.shown(characters[start..<cursor]) + String(Self.cursorMark)
        used += start > 0 ? 1 : 0
        var end = cursor
        while end < characters.count {
            let next = Self.columns(characters[end])
            let reserve = end == characters.count - 1 ? 0 : 1
            if used + next + reserve > width { break }
            used += next
            end += 1
        }
        line += Self.shown(characters[cursor..<end])
        if end < characters.count { line.append(Self.cutRight) }
        return line
    }

    /// Control characters (a tab in edited data) take a column, shown as "·".
    static func columns(_ character: Character) -> Int {
        max(1, DisplayWidth.of(character))
    }

    static func shown(_ characters: ArraySlice<Character>) -> String {
        String(characters.map { DisplayWidth.of($0) == 0 ? "·" : $0 })
    }
}
