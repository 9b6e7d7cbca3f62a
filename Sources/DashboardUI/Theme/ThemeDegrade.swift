extension ThemeColor {
    /// This colour as the terminal can show it (`.terminalDefault` when it has no colour):
    /// - 256 colours: rgb → nearest palette index (16-255); basic and indexed unchanged.
    /// - 16 colours: rgb → nearest index → nearest basic colour; index → nearest basic colour.
    /// - 8 colours: as 16, then a bright colour (8-15) → its base colour (0-7);
    ///   `ThemeStyle.degraded(to:)` adds bold to a foreground that lost its brightness.
    /// - none: `.terminalDefault`.
    public func degraded(to capability: ColorCapability) -> ThemeColor {
        switch capability {
        case .none:
            return .terminalDefault
        case .palette256:
            switch self {
            case .terminalDefault: return self
            case .basic(let n): return .basic(max(0, min(15, n)))
            case .indexed(let i): return .indexed(XtermPalette.clamp(i))
            case .rgb(let r, let g, let b): return .indexed(XtermPalette.nearestIndex((r, g, b)))
            }
        case .sixteen, .eight:
            let basic: Int
            switch self {
            case .terminalDefault: return self
            case .basic(let n): basic = max(0, min(15, n))
            case .indexed(let i): basic = XtermPalette.nearestBasic(index: i)
            case .rgb(let r, let g, let b): basic = XtermPalette.nearestBasic(index: XtermPalette.nearestIndex((r, g, b)))
            }
            return .basic(capability == .eight ? basic % 8 : basic)
        }
    }

    /// True for bright-black … bright-white and palette colours whose nearest basic colour is bright.
    var isBright: Bool {
        switch self {
        case .terminalDefault: return false
        case .basic(let n): return n >= 8
        case .indexed(let i): return XtermPalette.nearestBasic(index: i) >= 8
        case .rgb(let r, let g, let b): return XtermPalette.nearestBasic(index: XtermPalette.nearestIndex((r, g, b))) >= 8
        }
    }
}

extension ThemeStyle {
    /// The attributes alone (colours at the terminal default).
    public var attributesOnly: ThemeStyle {
        ThemeStyle(bold: bold, underline: underline, reverse: reverse, dim: dim)
    }

    /// This style as a terminal with `capability` shows it. Colours degrade as
    /// `ThemeColor.degraded(to:)` says; on 8 colours a bright foreground becomes
    /// its base colour plus bold; with no colour the colours are dropped and the
    /// attributes kept. A foreground that would land on its own background gets
    /// black or white instead, whichever stands out.
    public func degraded(to capability: ColorCapability) -> ThemeStyle {
        guard capability != .none else { return attributesOnly }
        var result = self
        result.foreground = foreground.degraded(to: capability)
        result.background = background.degraded(to: capability)
        if capability == .eight && foreground.isBright { result.bold = true }
        if result.foreground != .terminalDefault, result.foreground == result.background, foreground != background {
            result.bold = bold  // the stand-in is not a bright colour
            if case .basic(let n) = result.background, [2, 3, 6, 7, 10, 11, 14, 15].contains(n) {
                result.foreground = .basic(0)
            } else {
                result.foreground = .basic(7)
            }
        }
        return result
    }
}

extension Theme {
    /// Every role degraded to `capability` (see `ThemeStyle.degraded(to:)`), plus two
    /// rules that keep the screen readable when colours are lost:
    /// - with no colour, a role that differed from `normal` only by colour, or
    ///   by a background of its own (a bar: banner, tabs, footer, selection), takes
    ///   the mono theme's style for that role;
    /// - if the nine node-state roles are no longer pairwise distinct, they all take
    ///   the mono theme's attributes (keeping their degraded colours).
    public func degraded(to capability: ColorCapability) -> Theme {
        var result = Theme(name: name, styles: [:])
        let mono = ThemeCatalog.monoStyles
        let normalBefore = style(for: .normal)
        let normalAfter = normalBefore.degraded(to: capability)
        for role in StyleRole.allCases {
            let before = style(for: role)
            var after = before.degraded(to: capability)
            let lostLook = after == normalAfter || before.background != normalBefore.background
            if capability == .none, role != .normal, before != normalBefore, lostLook, let monoStyle = mono[role] {
                after = monoStyle.attributesOnly
            }
            result.styles[role] = after
        }
        if !Theme.statesDistinct(result.styles) {
            for role in StyleRole.nodeStates {
                guard let monoStyle = mono[role] else { continue }
                var style = result.styles[role] ?? normalAfter
                style.bold = monoStyle.bold
                style.underline = monoStyle.underline
                style.reverse = monoStyle.reverse
                style.dim = monoStyle.dim
                result.styles[role] = style
            }
        }
        return result
    }

    static func statesDistinct(_ styles: [StyleRole: ThemeStyle]) -> Bool {
        let states = StyleRole.nodeStates.map { styles[$0] ?? styles[.normal] ?? ThemeStyle() }
        return Set(states).count == states.count
    }
}
