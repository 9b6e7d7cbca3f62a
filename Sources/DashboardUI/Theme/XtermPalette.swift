/// The xterm 256-colour palette and nearest-colour searches (the same weighted
/// distance the terminal layer uses, so both agree on a colour's stand-in).
enum XtermPalette {
    typealias RGB = (red: Int, green: Int, blue: Int)

    /// xterm's values for the 16 basic colours.
    static let basic: [RGB] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    static let cubeLevels = [0, 95, 135, 175, 215, 255]

    static func rgb(index: Int) -> RGB {
        let index = clamp(index)
        if index < 16 { return basic[index] }
        if index < 232 {
            let v = index - 16
            return (cubeLevels[v / 36], cubeLevels[(v / 6) % 6], cubeLevels[v % 6])
        }
        let level = 8 + (index - 232) * 10
        return (level, level, level)
    }

    static func clamp(_ value: Int) -> Int { max(0, min(255, value)) }

    static func distance(_ a: RGB, _ b: RGB) -> Int {
        let dr = a.red - b.red, dg = a.green - b.green, db = a.blue - b.blue
        return dr * dr * 3 + dg * dg * 4 + db * db * 2
    }

    /// Nearest palette index among 16-255 (the cube and the grey ramp; 0-15 are
    /// left out because terminals redefine them).
    static func nearestIndex(_ rgb: RGB) -> Int {
        let rgb = (clamp(rgb.red), clamp(rgb.green), clamp(rgb.blue))
        var best = 16
        var bestDistance = Int.max
        for index in 16...255 {
            let d = distance(rgb, self.rgb(index: index))
            if d < bestDistance { best = index; bestDistance = d }
        }
        return best
    }

    /// Nearest of the 16 basic colours to a palette index (0-15 map to themselves).
    static func nearestBasic(index: Int) -> Int {
        let index = clamp(index)
        if index < 16 { return index }
        let target = rgb(index: index)
        var best = 0
        var bestDistance = Int.max
        for candidate in 0..<16 {
            let d = distance(target, basic[candidate])
            if d < bestDistance { best = candidate; bestDistance = d }
        }
        return best
    }
}
