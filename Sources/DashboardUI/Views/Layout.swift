/// Where everything goes: row 0 tabs, row 1 the ensemble banner, the body,
/// and the last row for key hints or a message.
public enum Layout {
    public static let tabRow = 0
    public static let bannerRow = 1
    public static let bodyTop = 2
    /// The Ensemble table: header on the body's first row, nodes below.
    public static let ensembleFirstRowY = bodyTop + 1

    public static func footerRow(_ size: ScreenSize) -> Int { size.rows - 1 }

    public static func body(_ size: ScreenSize) -> Rect {
        Rect(x: 0, y: bodyTop, width: size.columns, height: size.rows - bodyTop - 1)
    }

    public static func bodyRows(_ size: ScreenSize) -> Int { body(size).height }

    /// Node rows that fit in the Ensemble table (the rest of the body shows the selected node).
    public static func ensembleTableRows(_ size: ScreenSize) -> Int { max(1, bodyRows(size) - 1) }

    static func tabTitles() -> [(DashboardView, String)] {
        DashboardView.allCases.map { ($0, " \($0.rawValue) \($0.title) ") }
    }

    /// The tab under a column of the tab row.
    public static func tab(atColumn column: Int, size: ScreenSize) -> DashboardView? {
        var x = 0
        for (view, title) in tabTitles() {
            let width = DisplayWidth.of(title)
            if column >= x, column < x + width { return view }
            x += width
        }
        return nil
    }
}
