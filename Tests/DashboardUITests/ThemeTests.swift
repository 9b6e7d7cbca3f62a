import Foundation
import Testing
@testable import DashboardUI

/// The package root, found from this file's path (the theme files are read from the source tree).
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A scratch directory for theme files the tests write.
private func scratchDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("zkdash-theme-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private func write(_ text: String, named name: String, in directory: URL) throws -> String {
    let url = directory.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

private let allCapabilities: [ColorCapability] = [.none, .eight, .sixteen, .palette256]

private func attributes(_ style: ThemeStyle) -> [Bool] {
    [style.bold, style.underline, style.reverse, style.dim]
}

@Suite struct ThemeCatalogTests {
    @Test func builtInNames() {
        #expect(ThemeCatalog.builtInNames == ["dark", "light", "solarized", "mono"])
        #expect(ThemeCatalog.defaultTheme.name == "dark")
        #expect(ThemeCatalog.allBuiltIns.map(\.name) == ThemeCatalog.builtInNames)
        #expect(ThemeCatalog.builtIn("neon") == nil)
    }

    @Test(arguments: ["dark", "light", "solarized", "mono"])
    func builtInParsesAndCoversEveryRole(name: String) throws {
        let theme = try ThemeCatalog.parseBuiltIn(name).get()
        #expect(theme.name == name)
        #expect(Set(theme.styles.keys) == Set(StyleRole.allCases))
        #expect(ThemeCatalog.builtIn(name) == theme)
        // Every role is written out in the file, not only inherited from `normal`.
        let document = try ThemeParser.parse(ThemeCatalog.builtInTexts[name] ?? "", file: name)
        #expect(Set(document.roles.keys) == Set(StyleRole.allCases))
    }

    @Test(arguments: ["dark", "light", "solarized", "mono"])
    func embeddedTextEqualsFile(name: String) throws {
        let file = packageRoot.appendingPathComponent("themes/\(name).toml")
        let onDisk = try Data(contentsOf: file)
        let embedded = try #require(ThemeCatalog.builtInTexts[name])
        #expect(Data(embedded.utf8) == onDisk, "themes/\(name).toml differs from its copy in BuiltInThemeTexts.swift")
    }

    @Test func everyThemeFileIsBuiltIn() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("themes").path)
        let names = files.filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }
        #expect(Set(names) == Set(ThemeCatalog.builtInNames))
    }

    @Test func darkStateColours() throws {
        let dark = try #require(ThemeCatalog.builtIn("dark"))
        #expect(dark.style(for: .leading) == ThemeStyle(foreground: .basic(2), bold: true))
        #expect(dark.style(for: .following) == ThemeStyle(foreground: .basic(6)))
        #expect(dark.style(for: .looking) == ThemeStyle(foreground: .basic(3), bold: true))
        #expect(dark.style(for: .standalone) == ThemeStyle(foreground: .basic(5)))
        #expect(dark.style(for: .down) == ThemeStyle(foreground: .basic(1), bold: true))
        #expect(dark.style(for: .notServing) == ThemeStyle(foreground: .basic(3)))
        #expect(dark.style(for: .refused) == ThemeStyle(foreground: .basic(1)))
        #expect(dark.style(for: .unknown) == ThemeStyle(dim: true))
    }

    @Test func solarizedUsesTheSolarizedPalette() throws {
        let solarized = try #require(ThemeCatalog.builtIn("solarized"))
        #expect(solarized.style(for: .normal) == ThemeStyle(foreground: .rgb(red: 0x83, green: 0x94, blue: 0x96),
                                                           background: .rgb(red: 0x00, green: 0x2b, blue: 0x36)))
        // Keys left out take normal's colours: the background is painted everywhere.
        #expect(solarized.style(for: .leading).background == .rgb(red: 0x00, green: 0x2b, blue: 0x36))
        // On 256 colours the states keep their own colours and attributes.
        let palette = solarized.degraded(to: .palette256)
        #expect(palette.style(for: .normal) == ThemeStyle(foreground: .indexed(245), background: .indexed(234)))
        #expect(palette.style(for: .leading) == ThemeStyle(foreground: .indexed(64), background: .indexed(234), bold: true))
        #expect(palette.style(for: .down) == ThemeStyle(foreground: .indexed(160), background: .indexed(234), bold: true))
        #expect(palette.style(for: .refused) == ThemeStyle(foreground: .indexed(160), background: .indexed(234)))
        // On 8 colours grey text on black stays readable: white, not bold black.
        #expect(solarized.degraded(to: .eight).style(for: .normal) == ThemeStyle(foreground: .basic(7), background: .basic(0)))
    }

    @Test func monoHasNoColoursAndDistinctStates() throws {
        let mono = try #require(ThemeCatalog.builtIn("mono"))
        for role in StyleRole.allCases {
            #expect(mono.style(for: role).foreground == .terminalDefault, "\(role)")
            #expect(mono.style(for: role).background == .terminalDefault, "\(role)")
        }
        let states = StyleRole.nodeStates.map { attributes(mono.style(for: $0)) }
        #expect(Set(states).count == 9)
        #expect(mono.style(for: .leading) == ThemeStyle(bold: true, reverse: true))
        #expect(mono.style(for: .selected).reverse)
    }

    @Test(arguments: ["dark", "light", "solarized", "mono"])
    func statesStayDistinctAtEveryCapability(name: String) throws {
        let theme = try #require(ThemeCatalog.builtIn(name))
        for capability in allCapabilities {
            let degraded = theme.degraded(to: capability)
            let states = StyleRole.nodeStates.map { degraded.style(for: $0) }
            #expect(Set(states).count == 9, "\(name) at \(capability)")
            #expect(Set(degraded.styles.keys) == Set(StyleRole.allCases))
            if capability == .none {
                let stateAttributes = StyleRole.nodeStates.map { attributes(degraded.style(for: $0)) }
                #expect(Set(stateAttributes).count == 9, "\(name) without colour")
                for role in StyleRole.allCases {
                    #expect(degraded.style(for: role).foreground == .terminalDefault)
                    #expect(degraded.style(for: role).background == .terminalDefault)
                }
                // What stood out by colour alone still stands out.
                #expect(degraded.style(for: .selected) != degraded.style(for: .normal), "\(name)")
                #expect(degraded.style(for: .banner) != degraded.style(for: .normal), "\(name)")
                #expect(degraded.style(for: .tabActive) != degraded.style(for: .tabInactive), "\(name)")
            }
            if capability == .eight || capability == .sixteen {
                for role in StyleRole.allCases {
                    for colour in [degraded.style(for: role).foreground, degraded.style(for: role).background] {
                        switch colour {
                        case .terminalDefault: break
                        case .basic(let n): #expect(n < capability.rawValue, "\(name) \(role) at \(capability)")
                        default: Issue.record("\(name) \(role): \(colour) at \(capability)")
                        }
                    }
                }
            }
        }
    }
}

@Suite struct ThemeLoaderTests {
    @Test func builtInByName() {
        let (theme, problem) = ThemeLoader.load("solarized")
        #expect(theme.name == "solarized")
        #expect(problem == nil)
    }

    @Test func unknownNameFallsBackToDark() {
        let (theme, problem) = ThemeLoader.load("neon")
        #expect(theme == ThemeCatalog.defaultTheme)
        let description = try? #require(problem?.description)
        #expect(description?.hasPrefix("neon: no built-in theme of that name (dark, light, solarized, mono)") == true)
    }

    @Test func missingFileNamesTheFile() throws {
        let path = try scratchDirectory().appendingPathComponent("absent.toml").path
        let (theme, problem) = ThemeLoader.load(path)
        #expect(theme == ThemeCatalog.defaultTheme)
        #expect(problem?.file == path)
        #expect(problem?.description == "\(path): no such file; using dark")
    }

    @Test func directoryIsNotATheme() throws {
        let path = try scratchDirectory().path
        let (theme, problem) = ThemeLoader.load(path)
        #expect(theme.name == "dark")
        #expect(problem?.description.contains("is a directory") == true)
    }

    @Test func loadsAPath() throws {
        let directory = try scratchDirectory()
        let path = try write("""
            name = "ocean"
            [normal]
            fg = "#c0c5ce"
            bg = 17
            [leading]
            fg = "bright-green"
            bold = true
            [down]
            fg = "RED"
            underline = true
            """, named: "ocean.toml", in: directory)
        let (theme, problem) = ThemeLoader.load(path)
        #expect(problem == nil)
        #expect(theme.name == "ocean")
        let normal = ThemeStyle(foreground: .rgb(red: 0xc0, green: 0xc5, blue: 0xce), background: .indexed(17))
        #expect(theme.style(for: .normal) == normal)
        // A role with keys left out: normal's colours, attributes off.
        #expect(theme.style(for: .leading) == ThemeStyle(foreground: .basic(10), background: .indexed(17), bold: true))
        #expect(theme.style(for: .down) == ThemeStyle(foreground: .basic(1), background: .indexed(17), underline: true))
        // A role left out entirely: normal.
        #expect(theme.style(for: .following) == normal)
        #expect(Set(theme.styles.keys) == Set(StyleRole.allCases))
    }

    @Test func nameDefaultsToFileStem() throws {
        let path = try write("[leading]\nbold = true\n", named: "plain.toml", in: try scratchDirectory())
        let (theme, problem) = ThemeLoader.load(path)
        #expect(problem == nil)
        #expect(theme.name == "plain")
    }

    @Test func inheritsFromABuiltIn() throws {
        let path = try write("""
            name = "dark-underlined"
            inherits = "dark"
            [leading]
            underline = true
            [following]
            fg = 37
            """, named: "mine.toml", in: try scratchDirectory())
        let (theme, problem) = ThemeLoader.load(path)
        #expect(problem == nil)
        let dark = ThemeCatalog.defaultTheme
        #expect(theme.name == "dark-underlined")
        #expect(theme.style(for: .leading) == ThemeStyle(foreground: .basic(2), bold: true, underline: true))
        #expect(theme.style(for: .following) == ThemeStyle(foreground: .indexed(37)))
        for role in StyleRole.allCases where role != .leading && role != .following {
            #expect(theme.style(for: role) == dark.style(for: role), "\(role)")
        }
    }

    @Test func inheritsFromAFileBesideIt() throws {
        let directory = try scratchDirectory()
        _ = try write("name = \"base\"\n[normal]\nfg = \"white\"\n[leading]\nfg = \"green\"\n", named: "base.toml", in: directory)
        let path = try write("inherits = \"base.toml\"\n[leading]\nbold = true\n", named: "child.toml", in: directory)
        let (theme, problem) = ThemeLoader.load(path)
        #expect(problem == nil)
        #expect(theme.name == "child")
        #expect(theme.style(for: .leading) == ThemeStyle(foreground: .basic(2), bold: true))
        #expect(theme.style(for: .down) == ThemeStyle(foreground: .basic(7)))
    }

    @Test func inheritanceCycleIsAnError() throws {
        let directory = try scratchDirectory()
        let a = try write("inherits = \"b.toml\"\n", named: "a.toml", in: directory)
        _ = try write("inherits = \"a.toml\"\n", named: "b.toml", in: directory)
        let (theme, problem) = ThemeLoader.load(a)
        #expect(theme.name == "dark")
        #expect(problem?.key == "inherits")
        #expect(problem?.message.contains("inheritance cycle") == true)
    }

    @Test func missingParentIsAnError() throws {
        let path = try write("inherits = \"nowhere\"\n", named: "orphan.toml", in: try scratchDirectory())
        let (theme, problem) = ThemeLoader.load(path)
        #expect(theme.name == "dark")
        #expect(problem?.file == path)
        #expect(problem?.key == "inherits")
    }

    /// (file text, the key the error names, part of its message)
    static let malformed: [(String, String, String)] = [
        ("[leading]\nfg = \"grene\"\n", "leading.fg", "unknown colour 'grene'"),
        ("[leadin]\nfg = \"green\"\n", "leadin", "unknown role 'leadin'"),
        ("[leading]\ncolour = \"green\"\n", "leading.colour", "unknown key 'colour'"),
        ("[leading]\nbold = \"yes\"\n", "leading.bold", "expected true or false, found string"),
        ("[leading]\nfg = true\n", "leading.fg", "found boolean"),
        ("[leading]\nfg = 256\n", "leading.fg", "palette index 256 out of range 0-255"),
        ("[leading]\nfg = -1\n", "leading.fg", "palette index -1 out of range 0-255"),
        ("[leading]\nfg = \"#12345g\"\n", "leading.fg", "unknown colour '#12345g'"),
        ("[leading]\nfg = \"#1234\"\n", "leading.fg", "unknown colour '#1234'"),
        ("[leading]\nfg = 2.5\n", "leading.fg", "found floating-point number"),
        ("[leading.extra]\nfg = \"red\"\n", "leading.extra", "unknown key 'extra'"),
        ("leading = \"green\"\n", "leading", "expected a table"),
        ("name = 3\n", "name", "expected a string, found integer"),
        ("name = \"\"\n", "name", "empty name"),
        ("inherits = [\"dark\"]\n", "inherits", "expected a string, found array"),
    ]

    @Test(arguments: malformed)
    func malformedFileNamesFileAndKey(text: String, key: String, message: String) throws {
        let path = try write(text, named: "bad.toml", in: try scratchDirectory())
        let (theme, problem) = ThemeLoader.load(path)
        #expect(theme == ThemeCatalog.defaultTheme)
        let error = try #require(problem)
        #expect(error.file == path)
        #expect(error.key == key)
        #expect(error.description.hasPrefix("\(path): key '\(key)': "))
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func badColourDescriptionReadsAsInTheIssue() {
        let error = ThemeError(file: "themes/bad.toml", key: "leading.fg", message: "unknown colour 'grene'")
        #expect(error.description == "themes/bad.toml: key 'leading.fg': unknown colour 'grene'")
    }

    @Test(arguments: ["name = \n", "[leading\nfg = \"red\"\n", "[leading]\nfg = \"red\"\nfg = \"blue\"\n", "[leading]\nbold = yes\n"])
    func badTOMLSyntaxNamesFileAndLine(text: String) throws {
        let path = try write(text, named: "broken.toml", in: try scratchDirectory())
        let (theme, problem) = ThemeLoader.load(path)
        #expect(theme == ThemeCatalog.defaultTheme)
        let error = try #require(problem)
        #expect(error.file == path)
        #expect(error.line != nil)
        #expect(error.description.hasPrefix("\(path): line "))
        #expect(error.message.hasPrefix("not valid TOML"))
    }

    @Test func themeListCyclesBuiltInsAndAddsAFile() throws {
        let none = ThemeLoader.themeList(selecting: nil)
        #expect(none.themes.map(\.name) == ThemeCatalog.builtInNames)
        #expect(none.index == 0)
        #expect(none.problem == nil)
        #expect(ThemeLoader.themeList(selecting: "mono").index == 3)

        let path = try write("name = \"mine\"\n", named: "mine.toml", in: try scratchDirectory())
        let withFile = ThemeLoader.themeList(selecting: path)
        #expect(withFile.themes.map(\.name) == ThemeCatalog.builtInNames + ["mine"])
        #expect(withFile.index == 4)
        #expect(withFile.theme(at: 5).name == "dark")
        #expect(withFile.theme(at: -1).name == "mine")

        let bad = ThemeLoader.themeList(selecting: "neon")
        #expect(bad.index == 0)
        #expect(bad.themes.count == 4)
        #expect(bad.problem != nil)
    }
}

@Suite struct ThemeDegradeTests {
    @Test func rgbToNearestPaletteIndex() {
        #expect(ThemeColor.rgb(red: 255, green: 135, blue: 0).degraded(to: .palette256) == .indexed(208))
        #expect(ThemeColor.rgb(red: 0, green: 0x2b, blue: 0x36).degraded(to: .palette256) == .indexed(234))
        #expect(ThemeColor.rgb(red: 0xd7, green: 0, blue: 0).degraded(to: .palette256) == .indexed(160))
        #expect(ThemeColor.rgb(red: 128, green: 128, blue: 128).degraded(to: .palette256) == .indexed(244))
        #expect(ThemeColor.indexed(33).degraded(to: .palette256) == .indexed(33))
        #expect(ThemeColor.basic(9).degraded(to: .palette256) == .basic(9))
        #expect(ThemeColor.terminalDefault.degraded(to: .palette256) == .terminalDefault)
    }

    @Test func toSixteenColours() {
        #expect(ThemeColor.indexed(196).degraded(to: .sixteen) == .basic(9))
        #expect(ThemeColor.indexed(4).degraded(to: .sixteen) == .basic(4))
        #expect(ThemeColor.indexed(28).degraded(to: .sixteen) == .basic(2))
        #expect(ThemeColor.indexed(232).degraded(to: .sixteen) == .basic(0))
        #expect(ThemeColor.indexed(255).degraded(to: .sixteen) == .basic(7))
        #expect(ThemeColor.indexed(231).degraded(to: .sixteen) == .basic(15))
        #expect(ThemeColor.rgb(red: 0, green: 0, blue: 0xee).degraded(to: .sixteen) == .basic(4))
        #expect(ThemeColor.rgb(red: 0xdc, green: 0x32, blue: 0x2f).degraded(to: .sixteen) == .basic(1))
        #expect(ThemeColor.basic(12).degraded(to: .sixteen) == .basic(12))
    }

    @Test func brightBecomesBoldOnEightColours() {
        let bright = ThemeStyle(foreground: .basic(9), background: .basic(12), underline: true)
        #expect(bright.degraded(to: .eight) == ThemeStyle(foreground: .basic(1), background: .basic(4), bold: true, underline: true))
        #expect(ThemeStyle(foreground: .indexed(196)).degraded(to: .eight) == ThemeStyle(foreground: .basic(1), bold: true))
        #expect(ThemeStyle(foreground: .basic(2)).degraded(to: .eight) == ThemeStyle(foreground: .basic(2)))
        // Bright background alone: base colour, no bold.
        #expect(ThemeStyle(background: .basic(11)).degraded(to: .eight) == ThemeStyle(background: .basic(3)))
        #expect(ThemeStyle(foreground: .basic(9)).degraded(to: .sixteen) == ThemeStyle(foreground: .basic(9)))
    }

    @Test func noColourKeepsAttributes() {
        let style = ThemeStyle(foreground: .rgb(red: 1, green: 2, blue: 3), background: .basic(4),
                               bold: true, underline: true, reverse: false, dim: true)
        #expect(style.degraded(to: .none) == ThemeStyle(bold: true, underline: true, dim: true))
    }

    @Test func foregroundNeverLandsOnItsBackground() {
        // Bright black on black: on 8 colours both would be black.
        let style = ThemeStyle(foreground: .basic(8), background: .basic(0))
        let degraded = style.degraded(to: .eight)
        #expect(degraded.foreground != degraded.background)
        #expect(degraded == ThemeStyle(foreground: .basic(7), background: .basic(0)))
        let onYellow = ThemeStyle(foreground: .basic(11), background: .basic(3)).degraded(to: .eight)
        #expect(onYellow == ThemeStyle(foreground: .basic(0), background: .basic(3)))
    }

    @Test func darkWithoutColourFallsBackToMonoAttributes() throws {
        let dark = ThemeCatalog.defaultTheme.degraded(to: .none)
        let mono = try #require(ThemeCatalog.builtIn("mono"))
        for role in StyleRole.nodeStates {
            #expect(dark.style(for: role) == mono.style(for: role), "\(role)")
        }
        // Bars set apart by a background of their own take mono's look: the
        // banner and its parts, the active tab (not bold alone, issue 13).
        #expect(dark.style(for: .banner) == mono.style(for: .banner))
        for role in StyleRole.bannerParts { #expect(dark.style(for: role) == mono.style(for: role), "\(role)") }
        #expect(dark.style(for: .tabActive) == mono.style(for: .tabActive))
        #expect(dark.style(for: .tabInactive) == mono.style(for: .tabInactive))
        // Attributes the dark theme has survive.
        #expect(dark.style(for: .selected) == ThemeStyle(reverse: true))
        #expect(dark.name == "dark")
    }

    @Test func statesKeepTheirColoursWhenColoursSuffice() throws {
        let dark = ThemeCatalog.defaultTheme
        #expect(dark.degraded(to: .palette256) == dark)
        #expect(dark.degraded(to: .sixteen) == dark)
        let eight = dark.degraded(to: .eight)
        #expect(eight.style(for: .observing) == ThemeStyle(foreground: .basic(4), bold: true))
        #expect(eight.style(for: .leading) == dark.style(for: .leading))
    }
}

@Suite struct ColorCapabilityDetectorTests {
    @Test(arguments: [(-1, ColorCapability.none), (0, .none), (2, .none), (7, .none), (8, .eight), (15, .eight),
                      (16, .sixteen), (88, .sixteen), (255, .sixteen), (256, .palette256), (16_777_216, .palette256)])
    func byTerminalColours(colors: Int, expected: ColorCapability) {
        #expect(ColorCapabilityDetector.detect(environment: [:], terminalColors: colors) == expected)
    }

    @Test func noColorWins() {
        #expect(ColorCapabilityDetector.detect(environment: ["NO_COLOR": "1"], terminalColors: 256) == .none)
        #expect(ColorCapabilityDetector.detect(environment: ["NO_COLOR": "0"], terminalColors: 8) == .none)
        // Set but empty: ignored (no-color.org).
        #expect(ColorCapabilityDetector.detect(environment: ["NO_COLOR": ""], terminalColors: 256) == .palette256)
        #expect(ColorCapabilityDetector.detect(environment: ["TERM": "xterm"], terminalColors: 256) == .palette256)
    }
}
