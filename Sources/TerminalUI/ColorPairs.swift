import DashboardUI

/// Attribute bits of a cell (values match CNcursesShim's ZK_ATTR_*).
public struct CellAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let bold = CellAttributes(rawValue: 1)
    public static let underline = CellAttributes(rawValue: 2)
    public static let reverse = CellAttributes(rawValue: 4)
    public static let dim = CellAttributes(rawValue: 8)
}

/// How curses draws one role: a colour pair (0 = the terminal's default colours) and attributes.
public struct CursesStyle: Hashable, Sendable {
    public var pair: Int32
    public var attributes: CellAttributes

    public init(pair: Int32, attributes: CellAttributes) {
        self.pair = pair
        self.attributes = attributes
    }
}

/// A curses colour pair's colours; -1 is the terminal's default colour.
public struct PairColors: Hashable, Sendable {
    public var foreground: Int32
    public var background: Int32

    public init(foreground: Int32, background: Int32) {
        self.foreground = foreground
        self.background = background
    }
}

/// A theme as curses colour pairs, built once per theme and capability. Pure:
/// the shell defines `pairs` with `init_pair` and draws with `style(for:)`.
public struct ColorPairs: Sendable, Equatable {
    /// Pair number → (foreground, background) curses colours; -1 is the default colour.
    public private(set) var pairs: [Int32: PairColors] = [:]
    public private(set) var styles: [StyleRole: CursesStyle] = [:]
    public let capability: ColorCapability

    /// `maxPairs`: COLOR_PAIRS; roles beyond it fall back to pair 0.
    public init(theme: Theme, capability: ColorCapability, maxPairs: Int = 256) {
        self.capability = capability
        var numbers: [ColorKey: Int32] = [:]
        for role in StyleRole.allCases {
            let style = theme.style(for: role)
            var attributes = CellAttributes()
            if style.bold { attributes.insert(.bold) }
            if style.underline { attributes.insert(.underline) }
            if style.reverse { attributes.insert(.reverse) }
            if style.dim { attributes.insert(.dim) }
            guard capability != .none else {
                styles[role] = CursesStyle(pair: 0, attributes: attributes)
                continue
            }
            let foreground = Self.cursesColor(style.foreground, capability: capability)
            let background = Self.cursesColor(style.background, capability: capability)
            // On 8-colour terminals a bright foreground becomes bold.
            if foreground.bright { attributes.insert(.bold) }
            let key = ColorKey(foreground: foreground.number, background: background.number)
            var pair: Int32 = 0
            if key.foreground != -1 || key.background != -1 {
                if let existing = numbers[key] {
                    pair = existing
                } else if numbers.count + 1 < maxPairs {
                    pair = Int32(numbers.count + 1)
                    numbers[key] = pair
                    pairs[pair] = PairColors(foreground: key.foreground, background: key.background)
                }
            }
            styles[role] = CursesStyle(pair: pair, attributes: attributes)
        }
    }

    public func style(for role: StyleRole) -> CursesStyle {
        styles[role] ?? CursesStyle(pair: 0, attributes: [])
    }

    struct ColorKey: Hashable { var foreground: Int32; var background: Int32 }

    /// A theme colour as a curses colour number the terminal has; `bright` when an
    /// 8-colour terminal lost the bright half of a basic colour.
    public static func cursesColor(_ color: ThemeColor, capability: ColorCapability) -> (number: Int32, bright: Bool) {
        switch color {
        case .terminalDefault:
            return (-1, false)
        case .basic(let n):
            let n = max(0, min(15, n))
            if capability >= .sixteen { return (Int32(n), false) }
            return (Int32(n % 8), n >= 8)
        case .indexed(let i):
            let i = max(0, min(255, i))
            if capability >= .palette256 || i < 8 || (i < 16 && capability >= .sixteen) { return (Int32(i), false) }
            return cursesColor(.basic(nearestBasic(rgb: Palette.rgb(index: i), limit: 16)), capability: capability)
        case .rgb(let r, let g, let b):
            let rgb = (clamp(r), clamp(g), clamp(b))
            if capability >= .palette256 { return (Int32(Palette.nearest256(rgb)), false) }
            return cursesColor(.basic(nearestBasic(rgb: rgb, limit: 16)), capability: capability)
        }
    }

    static func clamp(_ v: Int) -> Int { max(0, min(255, v)) }

    static func nearestBasic(rgb: (Int, Int, Int), limit: Int) -> Int {
        var best = 0
        var bestDistance = Int.max
        for i in 0..<limit {
            let d = Palette.distance(rgb, Palette.rgb(index: i))
            if d < bestDistance { best = i; bestDistance = d }
        }
        return best
    }
}

/// The xterm 256-colour palette.
enum Palette {
    static let basic: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    static let cubeLevels = [0, 95, 135, 175, 215, 255]

    static func rgb(index: Int) -> (Int, Int, Int) {
        if index < 16 { return basic[index] }
        if index < 232 {
            let v = index - 16
            return (cubeLevels[v / 36], cubeLevels[(v / 6) % 6], cubeLevels[v % 6])
        }
        let level = 8 + (index - 232) * 10
        return (level, level, level)
    }

    static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return dr * dr * 3 + dg * dg * 4 + db * db * 2
    }

    /// Nearest of the 6×6×6 cube and the grey ramp (indices 16-255).
    static func nearest256(_ rgb: (Int, Int, Int)) -> Int {
        func level(_ v: Int) -> Int {
            var best = 0
            for (i, l) in cubeLevels.enumerated() where abs(l - v) < abs(cubeLevels[best] - v) { best = i }
            return best
        }
        let cube = 16 + 36 * level(rgb.0) + 6 * level(rgb.1) + level(rgb.2)
        let average = (rgb.0 + rgb.1 + rgb.2) / 3
        let grey = 232 + max(0, min(23, (average - 8 + 5) / 10))
        return distance(rgb, self.rgb(index: grey)) < distance(rgb, self.rgb(index: cube)) ? grey : cube
    }
}
