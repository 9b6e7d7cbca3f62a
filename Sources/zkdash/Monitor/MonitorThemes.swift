import DashboardUI

/// The themes `t` cycles through and the one `--theme` picks (ThemeLoader's list:
/// the built-ins plus a `--theme` file).
struct MonitorThemes: Sendable {
    var themes: [Theme]
    var index: Int
    /// Why `--theme` was not used (shown in the dashboard's message line).
    var problem: String?

    /// `--theme NAME|PATH`; nil picks the default theme.
    static func load(_ request: String?) -> MonitorThemes {
        let list = ThemeLoader.themeList(selecting: request)
        let themes = list.themes.isEmpty ? [ThemeCatalog.defaultTheme] : list.themes
        return MonitorThemes(themes: themes, index: min(max(0, list.index), themes.count - 1), problem: list.problem?.description)
    }
}
