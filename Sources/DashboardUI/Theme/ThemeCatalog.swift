/// The built-in themes, in the order `t` cycles through them.
public enum ThemeCatalog {
    /// `dark` (the default), `light`, `solarized`, `mono`.
    public static let builtInNames: [String] = ["dark", "light", "solarized", "mono"]

    /// The name of the default theme.
    public static let defaultName = "dark"

    /// A built-in theme by name, or nil if there is none of that name.
    public static func builtIn(_ name: String) -> Theme? {
        builtIns[name]
    }

    /// The default (dark) theme.
    public static var defaultTheme: Theme {
        builtIns[defaultName] ?? Theme(name: defaultName, styles: [:])
    }

    /// The built-in themes in `builtInNames` order.
    public static var allBuiltIns: [Theme] {
        builtInNames.compactMap { builtIns[$0] }
    }

    /// Parsed once. A built-in that fails to parse is left out (the tests make sure none does).
    static let builtIns: [String: Theme] = {
        var themes: [String: Theme] = [:]
        for name in builtInNames {
            if case .success(let theme) = parseBuiltIn(name) { themes[name] = theme }
        }
        return themes
    }()

    /// Mono's styles: the attributes other themes fall back to without colour.
    static let monoStyles: [StyleRole: ThemeStyle] = builtIns["mono"]?.styles ?? [:]

    static func parseBuiltIn(_ name: String) -> Result<Theme, ThemeError> {
        let file = "themes/\(name).toml"
        guard let text = builtInTexts[name] else {
            return .failure(ThemeError(file: file, message: "no built-in theme '\(name)'"))
        }
        do {
            return .success(try ThemeParser.theme(text: text, file: file, defaultName: name, source: ThemeLoader.source))
        } catch {
            return .failure(error)
        }
    }
}
