import Foundation

/// Loads the theme `--theme NAME|PATH` asks for.
public enum ThemeLoader {
    /// A built-in theme's name (`dark`, `light`, `solarized`, `mono`), or the path
    /// of a `.toml` theme file. On any problem (missing file, bad TOML, unknown
    /// role or key, bad colour, wrong type) returns the default (dark) theme and a
    /// `ThemeError` naming the file and the key.
    public static func load(_ nameOrPath: String) -> (theme: Theme, problem: ThemeError?) {
        if let theme = ThemeCatalog.builtIn(nameOrPath) { return (theme, nil) }
        if ThemeCatalog.builtInTexts[nameOrPath] != nil, case .failure(let error) = ThemeCatalog.parseBuiltIn(nameOrPath) {
            return (ThemeCatalog.defaultTheme, error)
        }
        let text: String
        do {
            text = try readFile(nameOrPath)
        } catch {
            let looksLikeName = !nameOrPath.contains("/") && !nameOrPath.hasSuffix(".toml")
            let message = looksLikeName
                ? "no built-in theme of that name (\(ThemeCatalog.builtInNames.joined(separator: ", "))) and \(error.message)"
                : error.message
            return (ThemeCatalog.defaultTheme, ThemeError(file: nameOrPath, message: message + "; using \(ThemeCatalog.defaultName)"))
        }
        do {
            let theme = try ThemeParser.theme(text: text, file: nameOrPath, defaultName: stem(of: nameOrPath), source: source)
            return (theme, nil)
        } catch {
            return (ThemeCatalog.defaultTheme, error)
        }
    }

    /// The themes `t` cycles through: the built-ins, plus the `--theme` file (last)
    /// when one was loaded; `index` is the one to start with. With a problem, starts
    /// on the default theme.
    public static func themeList(selecting nameOrPath: String?) -> ThemeList {
        var themes = ThemeCatalog.allBuiltIns
        if themes.isEmpty { themes = [ThemeCatalog.defaultTheme] }
        guard let nameOrPath else { return ThemeList(themes: themes, index: 0, problem: nil) }
        if let index = ThemeCatalog.builtInNames.firstIndex(of: nameOrPath), index < themes.count {
            return ThemeList(themes: themes, index: index, problem: nil)
        }
        let (theme, problem) = load(nameOrPath)
        if let problem { return ThemeList(themes: themes, index: 0, problem: problem) }
        themes.append(theme)
        return ThemeList(themes: themes, index: themes.count - 1, problem: nil)
    }

    static let source = ThemeParser.Source(
        builtInText: { ThemeCatalog.builtInTexts[$0] },
        readFile: { try readFile($0) }
    )

    static func readFile(_ path: String) throws(ThemeReadError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw ThemeReadError(message: isDirectory.boolValue ? "is a directory, not a theme file" : "cannot read the file")
            }
            throw ThemeReadError(message: "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThemeReadError(message: "not UTF-8 text")
        }
        return text
    }

    static func stem(of path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".toml") ? String(file.dropLast(5)) : file
    }
}

/// The themes `t` cycles through and where to start.
public struct ThemeList: Sendable, Equatable {
    public var themes: [Theme]
    public var index: Int
    /// Why `--theme` was not used, if it was not (show it in the message line).
    public var problem: ThemeError?

    public init(themes: [Theme], index: Int, problem: ThemeError?) {
        self.themes = themes
        self.index = index
        self.problem = problem
    }

    /// The theme at `index`, wrapping around.
    public func theme(at index: Int) -> Theme {
        guard !themes.isEmpty else { return ThemeCatalog.defaultTheme }
        return themes[((index % themes.count) + themes.count) % themes.count]
    }
}
