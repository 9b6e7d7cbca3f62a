import DashboardUI
import Foundation

/// The themes `t` cycles through and the one `--theme` picks.
struct MonitorThemes {
    var themes: [Theme]
    var index: Int
    /// Why `--theme` was not used (shown in the dashboard's message line).
    var problem: String?

    /// `--theme NAME|PATH`; nil picks the first theme.
    static func load(_ request: String?) -> MonitorThemes {
        let all = [FallbackTheme.dark, FallbackTheme.light]
        guard let request else { return MonitorThemes(themes: all, index: 0, problem: nil) }
        if let found = all.firstIndex(where: { $0.name == request }) {
            return MonitorThemes(themes: all, index: found, problem: nil)
        }
        return MonitorThemes(themes: all, index: 0,
                             problem: "theme \(request): not found (themes: \(all.map(\.name).joined(separator: ", "))); using \(all[0].name)")
    }
}

/// Built-in themes used until the theme catalog provides them.
enum FallbackTheme {
    static let dark = make(name: "dark", text: .terminalDefault, accent: .basic(6))
    static let light = make(name: "light", text: .basic(0), accent: .basic(4))

    static func make(name: String, text: ThemeColor, accent: ThemeColor) -> Theme {
        var styles: [StyleRole: ThemeStyle] = [:]
        for role in StyleRole.allCases { styles[role] = ThemeStyle(foreground: text) }
        styles[.dim] = ThemeStyle(foreground: .basic(8), dim: true)
        styles[.title] = ThemeStyle(foreground: accent, bold: true)
        styles[.header] = ThemeStyle(foreground: text, bold: true, underline: true)
        styles[.border] = ThemeStyle(foreground: .basic(8))
        styles[.banner] = ThemeStyle(foreground: .basic(15), background: .basic(1), bold: true)
        styles[.selected] = ThemeStyle(foreground: text, reverse: true)
        styles[.highlight] = ThemeStyle(foreground: .basic(11), bold: true)
        styles[.changed] = ThemeStyle(foreground: .basic(11))
        styles[.match] = ThemeStyle(foreground: .basic(0), background: .basic(11))
        styles[.ok] = ThemeStyle(foreground: .basic(2))
        styles[.warning] = ThemeStyle(foreground: .basic(3), bold: true)
        styles[.error] = ThemeStyle(foreground: .basic(1), bold: true)
        styles[.tabActive] = ThemeStyle(foreground: accent, bold: true, reverse: true)
        styles[.tabInactive] = ThemeStyle(foreground: text)
        styles[.key] = ThemeStyle(foreground: accent, bold: true)
        styles[.footer] = ThemeStyle(foreground: .basic(8))
        styles[.sparkline] = ThemeStyle(foreground: accent)
        styles[.lagBar] = ThemeStyle(foreground: .basic(3))
        styles[.leading] = ThemeStyle(foreground: .basic(10), bold: true)
        styles[.following] = ThemeStyle(foreground: .basic(2))
        styles[.observing] = ThemeStyle(foreground: .basic(6))
        styles[.looking] = ThemeStyle(foreground: .basic(3), bold: true)
        styles[.standalone] = ThemeStyle(foreground: .basic(4), bold: true)
        styles[.down] = ThemeStyle(foreground: .basic(1), bold: true, reverse: true)
        styles[.notServing] = ThemeStyle(foreground: .basic(3))
        styles[.refused] = ThemeStyle(foreground: .basic(5))
        styles[.unknown] = ThemeStyle(foreground: .basic(8))
        styles[.ephemeral] = ThemeStyle(foreground: .basic(5))
        styles[.sequential] = ThemeStyle(foreground: .basic(6))
        styles[.container] = ThemeStyle(foreground: .basic(4))
        return Theme(name: name, styles: styles)
    }
}
