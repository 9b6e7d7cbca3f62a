// The built-in themes: copies of themes/*.toml. A test checks that each text equals
// its file byte for byte; after editing a .toml file, update its copy here.

extension ThemeCatalog {
    /// The built-in themes' TOML texts, by name (the binary has no resource bundle).
    static let builtInTexts: [String: String] = [
        "dark": darkText,
        "light": lightText,
        "solarized": solarizedText,
        "mono": monoText,
    ]

    static let darkText = #"""
    # zkdash theme "dark": the default. Assumes a black or dark terminal background.
    # Format: themes/README.md.
    name = "dark"

    [normal]
    fg = "default"
    bg = "default"

    [dim]
    dim = true

    [title]
    fg = "bright-white"
    bold = true

    [header]
    fg = "cyan"
    bold = true

    [border]
    fg = "blue"

    [banner]
    fg = "black"
    bg = "cyan"

    # Parts of the banner: on its background.
    [bannerLeader]
    fg = "black"
    bg = "cyan"
    bold = true

    [bannerOk]
    fg = "blue"
    bg = "cyan"
    bold = true

    [bannerAlarm]
    fg = "red"
    bg = "cyan"
    bold = true

    [bannerDim]
    fg = "black"
    bg = "cyan"
    dim = true

    [selected]
    reverse = true

    [highlight]
    fg = "bright-yellow"
    bold = true

    [changed]
    fg = "yellow"
    bold = true

    [match]
    fg = "black"
    bg = "yellow"

    [ok]
    fg = "green"

    [warning]
    fg = "yellow"
    bold = true

    [error]
    fg = "bright-red"
    bold = true

    [tabActive]
    fg = "black"
    bg = "cyan"
    bold = true

    [tabInactive]
    fg = "white"
    bg = "blue"

    [key]
    fg = "cyan"
    bold = true

    [footer]
    fg = "black"
    bg = "white"

    [sparkline]
    fg = "cyan"

    [lagBar]
    fg = "blue"

    # Node states.
    [leading]
    fg = "green"
    bold = true

    [following]
    fg = "cyan"

    [observing]
    fg = "bright-blue"

    [looking]
    fg = "yellow"
    bold = true

    [standalone]
    fg = "magenta"

    [down]
    fg = "red"
    bold = true

    [notServing]
    fg = "yellow"

    [refused]
    fg = "red"

    [unknown]
    dim = true

    # Tree view.
    [ephemeral]
    fg = "magenta"

    [sequential]
    fg = "cyan"

    [container]
    fg = "bright-blue"
    bold = true

    """#

    static let lightText = #"""
    # zkdash theme "light": for white or light terminal backgrounds. Darker
    # palette colours (256-colour indices) where the basic ones are too pale on white.
    # Format: themes/README.md.
    name = "light"

    [normal]
    fg = "default"
    bg = "default"

    [dim]
    fg = 244
    dim = true

    [title]
    fg = 18
    bold = true

    [header]
    fg = "blue"
    bold = true

    [border]
    fg = 245

    [banner]
    fg = "bright-white"
    bg = "blue"

    # Parts of the banner: on its background.
    [bannerLeader]
    fg = "bright-white"
    bg = "blue"
    bold = true

    [bannerOk]
    fg = "bright-green"
    bg = "blue"
    bold = true

    [bannerAlarm]
    fg = "bright-yellow"
    bg = "blue"
    bold = true
    underline = true

    [bannerDim]
    fg = 252
    bg = "blue"

    [selected]
    reverse = true

    [highlight]
    fg = 90
    bold = true

    [changed]
    fg = 130
    bold = true

    [match]
    fg = "black"
    bg = 229

    [ok]
    fg = 28

    [warning]
    fg = 130
    bold = true

    [error]
    fg = 160
    bold = true

    [tabActive]
    fg = "bright-white"
    bg = "blue"
    bold = true

    [tabInactive]
    fg = "black"
    bg = 252

    [key]
    fg = "blue"
    bold = true

    [footer]
    fg = "black"
    bg = 252

    [sparkline]
    fg = 25

    [lagBar]
    fg = 25

    # Node states.
    [leading]
    fg = 28
    bold = true

    [following]
    fg = 30

    [observing]
    fg = 25

    [looking]
    fg = 136
    bold = true

    [standalone]
    fg = 127

    [down]
    fg = 160
    bold = true

    [notServing]
    fg = 136

    [refused]
    fg = 124

    [unknown]
    fg = 244
    dim = true

    # Tree view.
    [ephemeral]
    fg = 127

    [sequential]
    fg = 30

    [container]
    fg = 25
    bold = true

    """#

    static let solarizedText = #"""
    # zkdash theme "solarized": Ethan Schoonover's Solarized (dark) palette. The
    # base tones are 24-bit colours (shown as the nearest palette colours: #002b36 →
    # 234, …); the accents are Solarized's own 256-colour values, because the nearest
    # palette colour to Solarized red is orange. Base03 #002b36 is painted as the
    # background of every role.
    # Format: themes/README.md.
    name = "solarized"

    [normal]
    fg = "#839496"
    bg = "#002b36"

    [dim]
    fg = "#586e75"

    [title]
    fg = "#93a1a1"
    bold = true

    [header]
    fg = 33  # blue #268bd2
    bold = true

    [border]
    fg = "#586e75"

    [banner]
    fg = "#fdf6e3"
    bg = "#073642"
    bold = true

    # Parts of the banner: on its background.
    [bannerLeader]
    fg = 64  # green #859900
    bg = "#073642"
    bold = true

    [bannerOk]
    fg = 64  # green #859900
    bg = "#073642"
    bold = true

    [bannerAlarm]
    fg = 160  # red #dc322f
    bg = "#073642"
    bold = true

    [bannerDim]
    fg = "#586e75"
    bg = "#073642"

    [selected]
    fg = "#eee8d5"
    bg = "#073642"
    bold = true

    [highlight]
    fg = 166  # orange #cb4b16
    bold = true

    [changed]
    fg = 136  # yellow #b58900
    bold = true

    [match]
    fg = "#002b36"
    bg = 136  # yellow #b58900

    [ok]
    fg = 64  # green #859900

    [warning]
    fg = 166  # orange #cb4b16
    bold = true

    [error]
    fg = 160  # red #dc322f
    bold = true

    [tabActive]
    fg = "#fdf6e3"
    bg = 33  # blue #268bd2
    bold = true

    [tabInactive]
    fg = "#93a1a1"
    bg = "#073642"

    [key]
    fg = 37  # cyan #2aa198
    bold = true

    [footer]
    fg = "#93a1a1"
    bg = "#073642"

    [sparkline]
    fg = 37  # cyan #2aa198

    [lagBar]
    fg = 61  # violet #6c71c4

    # Node states.
    [leading]
    fg = 64  # green #859900
    bold = true

    [following]
    fg = 37  # cyan #2aa198

    [observing]
    fg = 33  # blue #268bd2

    [looking]
    fg = 136  # yellow #b58900
    bold = true

    [standalone]
    fg = 125  # magenta #d33682

    [down]
    fg = 160  # red #dc322f
    bold = true

    [notServing]
    fg = 166  # orange #cb4b16

    [refused]
    fg = 160  # red #dc322f

    [unknown]
    fg = "#586e75"
    dim = true

    # Tree view.
    [ephemeral]
    fg = 125  # magenta #d33682

    [sequential]
    fg = 37  # cyan #2aa198

    [container]
    fg = 33  # blue #268bd2
    bold = true

    """#

    static let monoText = #"""
    # zkdash theme "mono": high contrast with attributes only (bold, underline,
    # reverse, dim) in the terminal's own colours. Every node state has its own
    # combination of attributes. Also the source of the attributes other themes
    # fall back to where a terminal has no colour (themes/README.md).
    name = "mono"

    [normal]
    fg = "default"
    bg = "default"

    [dim]
    dim = true

    [title]
    bold = true

    [header]
    bold = true
    underline = true

    [border]
    dim = true

    [banner]
    bold = true
    reverse = true

    # Parts of the banner: reversed like it.
    [bannerLeader]
    bold = true
    reverse = true

    [bannerOk]
    bold = true
    reverse = true

    [bannerAlarm]
    bold = true
    reverse = true
    underline = true

    [bannerDim]
    reverse = true
    dim = true

    [selected]
    reverse = true

    [highlight]
    bold = true

    [changed]
    bold = true
    underline = true

    [match]
    reverse = true
    underline = true

    [ok]

    [warning]
    bold = true

    [error]
    bold = true
    reverse = true

    [tabActive]
    bold = true
    reverse = true

    [tabInactive]
    underline = true

    [key]
    bold = true

    [footer]
    reverse = true

    [sparkline]

    [lagBar]

    # Node states: nine distinct combinations.
    [leading]
    bold = true
    reverse = true

    [following]
    bold = true

    [observing]

    [looking]
    bold = true
    underline = true

    [standalone]
    reverse = true

    [down]
    reverse = true
    underline = true

    [notServing]
    underline = true

    [refused]
    underline = true
    dim = true

    [unknown]
    dim = true

    # Tree view.
    [ephemeral]
    underline = true

    [sequential]
    dim = true

    [container]
    bold = true

    """#
}
