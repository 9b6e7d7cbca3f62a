/// A colour as a theme names it.
public enum ThemeColor: Hashable, Sendable {
    /// The terminal's own default colour.
    case terminalDefault
    /// The 16 basic colours: 0 black, 1 red, 2 green, 3 yellow, 4 blue,
    /// 5 magenta, 6 cyan, 7 white; 8-15 their bright forms.
    case basic(Int)
    /// xterm 256-colour palette index.
    case indexed(Int)
    /// 24-bit colour; shown as the nearest palette colour the terminal has.
    case rgb(red: Int, green: Int, blue: Int)
}

/// How one role looks.
public struct ThemeStyle: Hashable, Sendable {
    public var foreground: ThemeColor
    public var background: ThemeColor
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(foreground: ThemeColor = .terminalDefault, background: ThemeColor = .terminalDefault,
                bold: Bool = false, underline: Bool = false, reverse: Bool = false, dim: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }
}

/// What the terminal can show (from `NO_COLOR`, `COLORS` / terminfo).
public enum ColorCapability: Int, Comparable, Sendable {
    /// No colour at all: attributes only (NO_COLOR, or a monochrome terminal).
    case none = 0
    case eight = 8
    case sixteen = 16
    case palette256 = 256

    public static func < (a: ColorCapability, b: ColorCapability) -> Bool { a.rawValue < b.rawValue }
}

/// A named mapping from every `StyleRole` to a `ThemeStyle`.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var styles: [StyleRole: ThemeStyle]

    public init(name: String, styles: [StyleRole: ThemeStyle]) {
        self.name = name
        self.styles = styles
    }

    public func style(for role: StyleRole) -> ThemeStyle {
        styles[role] ?? styles[.normal] ?? ThemeStyle()
    }
}
