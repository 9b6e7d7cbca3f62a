/// What a cell shows, not how it looks: themes map each role to colours and
/// attributes (themes/README.md), and monochrome terminals to attributes only.
public enum StyleRole: String, CaseIterable, Sendable, Codable {
    case normal, dim, title, header, border, banner
    // Parts of the banner, drawn on its background: the leader's name, QUORUM OK,
    // no leader / NO QUORUM, secondary text.
    case bannerLeader, bannerOk, bannerAlarm, bannerDim
    case selected, highlight, changed, match
    case ok, warning, error
    case tabActive, tabInactive, key, footer
    case sparkline, lagBar
    // Node states, one role each (LEADING, FOLLOWING, …).
    case leading, following, observing, looking, standalone, down, notServing, refused, unknown
    // Tree view.
    case ephemeral, sequential, container
}
