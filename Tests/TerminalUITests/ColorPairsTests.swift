import DashboardUI
import Testing
@testable import TerminalUI

@Suite struct ColorPairsTests {
    static let theme = Theme(name: "t", styles: [
        .normal: ThemeStyle(),
        .leading: ThemeStyle(foreground: .basic(10), bold: true),
        .following: ThemeStyle(foreground: .basic(2)),
        .down: ThemeStyle(foreground: .basic(1), background: .basic(0), reverse: true),
        .error: ThemeStyle(foreground: .basic(1), background: .basic(0), underline: true),
        .sparkline: ThemeStyle(foreground: .rgb(red: 255, green: 135, blue: 0)),
        .lagBar: ThemeStyle(foreground: .indexed(208), dim: true),
    ])

    @Test func defaultColoursUsePairZero() {
        let pairs = ColorPairs(theme: Self.theme, capability: .palette256)
        #expect(pairs.style(for: .normal) == CursesStyle(pair: 0, attributes: []))
        // A role the theme leaves out falls back to .normal.
        #expect(pairs.style(for: .title) == CursesStyle(pair: 0, attributes: []))
    }

    @Test func identicalColoursShareAPair() {
        let pairs = ColorPairs(theme: Self.theme, capability: .palette256)
        let down = pairs.style(for: .down)
        let error = pairs.style(for: .error)
        #expect(down.pair != 0)
        #expect(down.pair == error.pair)
        #expect(down.attributes == [.reverse])
        #expect(error.attributes == [.underline])
        #expect(pairs.pairs[down.pair] == PairColors(foreground: 1, background: 0))
        // Pair numbers are 1...n without gaps.
        #expect(Set(pairs.pairs.keys) == Set(1...Int32(pairs.pairs.count)))
    }

    @Test func palette256KeepsIndexedAndMapsRGBToTheCube() {
        let pairs = ColorPairs(theme: Self.theme, capability: .palette256)
        #expect(pairs.pairs[pairs.style(for: .lagBar).pair] == PairColors(foreground: 208, background: -1))
        // (255, 135, 0) is cube entry 16 + 36·5 + 6·2 + 0 = 208.
        #expect(pairs.pairs[pairs.style(for: .sparkline).pair] == PairColors(foreground: 208, background: -1))
        #expect(pairs.style(for: .lagBar).attributes == [.dim])
    }

    @Test func sixteenColoursMapToTheNearestBasic() {
        let pairs = ColorPairs(theme: Self.theme, capability: .sixteen)
        #expect(pairs.pairs[pairs.style(for: .leading).pair] == PairColors(foreground: 10, background: -1))
        let orange = pairs.pairs[pairs.style(for: .sparkline).pair]!
        #expect((0...15).contains(orange.foreground))
        #expect([1, 3, 9, 11].contains(orange.foreground))
    }

    @Test func eightColoursTurnBrightIntoBold() {
        let pairs = ColorPairs(theme: Self.theme, capability: .eight)
        let leading = pairs.style(for: .leading)
        #expect(pairs.pairs[leading.pair] == PairColors(foreground: 2, background: -1))
        #expect(leading.attributes.contains(.bold))
        // Leading (bright green, bold) still differs from following (green).
        #expect(pairs.style(for: .following).attributes.isEmpty)
        for colours in pairs.pairs.values {
            #expect((-1...7).contains(colours.foreground))
            #expect((-1...7).contains(colours.background))
        }
    }

    @Test func noColourKeepsAttributesOnly() {
        let pairs = ColorPairs(theme: Self.theme, capability: .none)
        #expect(pairs.pairs.isEmpty)
        #expect(pairs.style(for: .leading) == CursesStyle(pair: 0, attributes: [.bold]))
        #expect(pairs.style(for: .down) == CursesStyle(pair: 0, attributes: [.reverse]))
    }

    @Test func pairLimitFallsBackToPairZero() {
        let pairs = ColorPairs(theme: Self.theme, capability: .palette256, maxPairs: 2)
        #expect(pairs.pairs.count == 1)
        let used = StyleRole.allCases.map { pairs.style(for: $0).pair }
        #expect(Set(used).isSubset(of: [0, 1]))
    }

    @Test func greysMapToTheGreyRamp() {
        #expect(ColorPairs.cursesColor(.rgb(red: 128, green: 128, blue: 128), capability: .palette256).number == 244)
        #expect(ColorPairs.cursesColor(.rgb(red: 0, green: 0, blue: 0), capability: .palette256).number == 16)
        #expect(ColorPairs.cursesColor(.indexed(196), capability: .sixteen).number == 9)
        #expect(ColorPairs.cursesColor(.indexed(196), capability: .eight) == (1, true))
        #expect(ColorPairs.cursesColor(.terminalDefault, capability: .eight) == (-1, false))
    }
}
