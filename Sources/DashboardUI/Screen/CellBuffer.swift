/// Terminal size in character cells.
public struct ScreenSize: Hashable, Sendable, CustomStringConvertible {
    public var columns: Int
    public var rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    public var description: String { "\(columns)×\(rows)" }
}

/// A rectangle of the screen, in cells.
public struct Rect: Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
}

/// One screen cell: a character and the semantic role that picks its colours
/// (the theme maps roles to colours; rendering never names a colour).
public struct Cell: Equatable, Sendable {
    public var character: Character
    public var role: StyleRole
    /// The right half of a double-width character: the terminal draws nothing here.
    public var isContinuation: Bool

    public init(_ character: Character = " ", role: StyleRole = .normal, isContinuation: Bool = false) {
        self.character = character
        self.role = role
        self.isContinuation = isContinuation
    }

    public static let blank = Cell()
}

/// The whole screen as rendering produces it. The terminal layer writes only
/// the cells that differ from the previous frame.
public struct CellBuffer: Equatable, Sendable {
    public let size: ScreenSize
    public private(set) var cells: [Cell]

    public init(size: ScreenSize) {
        self.size = size
        cells = Array(repeating: .blank, count: max(0, size.columns) * max(0, size.rows))
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.columns + x] }
        set { cells[y * size.columns + x] = newValue }
    }

    /// Writes `text` from (x, y), clipped to `maxWidth` columns and the screen
    /// edge; a clipped text ends with "…". Returns the columns used.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, role: StyleRole = .normal, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < size.rows, x < size.columns else { return 0 }
        let limit = min(maxWidth ?? Int.max, size.columns - max(x, 0))
        guard limit > 0 else { return 0 }
        let needed = DisplayWidth.of(text)
        var column = x
        var used = 0
        for character in text {
            let width = DisplayWidth.of(character)
            if width == 0 { continue }
            let isLastColumnForEllipsis = needed > limit && used + width > limit - 1
            if isLastColumnForEllipsis {
                if column >= 0, used < limit { self[column, y] = Cell("…", role: role) }
                return min(limit, used + 1)
            }
            if column >= 0 {
                self[column, y] = Cell(character, role: role)
                if width == 2, column + 1 < size.columns { self[column + 1, y] = Cell(" ", role: role, isContinuation: true) }
            }
            column += width
            used += width
        }
        return used
    }

    /// Paints the role over a span without changing characters (selection bars).
    public mutating func paint(_ role: StyleRole, x: Int, y: Int, width: Int) {
        guard y >= 0, y < size.rows else { return }
        for column in max(0, x)..<min(size.columns, x + width) { self[column, y].role = role }
    }

    /// Fills a rectangle with blanks of one role.
    public mutating func fill(_ rect: Rect, role: StyleRole = .normal) {
        for row in max(0, rect.y)..<min(size.rows, rect.maxY) {
            for column in max(0, rect.x)..<min(size.columns, rect.maxX) { self[column, row] = Cell(" ", role: role) }
        }
    }

    /// One row as text (continuation cells skipped), trailing blanks trimmed.
    public func row(_ y: Int) -> String {
        var line = ""
        for x in 0..<size.columns where !self[x, y].isContinuation { line.append(self[x, y].character) }
        while line.last == " " { line.removeLast() }
        return line
    }

    /// The screen as text: what golden tests compare and `capture-pane` shows.
    public func text() -> String {
        (0..<size.rows).map(row).joined(separator: "\n")
    }
}

/// Display width of characters in a terminal: 2 for East Asian wide and
/// emoji, 0 for combining marks and controls, else 1 (a small wcwidth).
public enum DisplayWidth {
    public static func of(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark { return 0 }
        if isWide(value) { return 2 }
        return 1
    }

    public static func of(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            true
        default:
            false
        }
    }
}
