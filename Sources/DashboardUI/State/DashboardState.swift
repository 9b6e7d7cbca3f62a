import EnsembleModel

/// The four views, switched with 1-4.
/// The Ensemble table sorted by one column (an index into its columns).
public struct EnsembleSort: Sendable, Equatable {
    public var column: Int
    public var descending: Bool
}

public enum DashboardView: Int, CaseIterable, Sendable {
    case ensemble = 1, tree, election, events, clients

    public var title: String {
        switch self {
        case .ensemble: "Ensemble"
        case .tree: "Tree"
        case .election: "Election"
        case .events: "Events"
        case .clients: "Clients"
        }
    }
}

/// Everything the screen shows, as plain values: `reduce` changes it,
/// `render` draws it, and neither touches a terminal or a socket.
public struct DashboardState: Sendable {
    public var view: DashboardView = .ensemble
    public var size: ScreenSize
    public var cluster: ClusterModel
    /// The newest poll's wall time (ms since 1970), 0 before the first.
    public var lastPollMs: Int64 = 0
    public var nowMs: Int64 = 0
    /// Local time zone offset for clocks on screen (the shell sets it).
    public var timeZoneOffsetSeconds = 0
    /// Selected row of the Ensemble view (index into `cluster.rows`: one row a
    /// node, aliases folded in).
    public var ensembleSelection = 0
    /// Events view: lines scrolled up from the newest.
    public var eventsScroll = 0
    /// Election view: lines scrolled down from the top.
    public var electionScroll = 0
    public var tree: TreeState
    public var showHelp = false
    public var readOnly: Bool
    /// Position in the theme list and the list's length (`t` cycles).
    public var themeIndex = 0
    public var themeCount = 1
    public var themeName = "dark"
    /// One line at the bottom (errors, confirmations), cleared by the next key.
    public var message: String?
    public var quitRequested = false
    /// Text that names what is monitored ("3 servers from zoo.cfg").
    public var targetDescription: String
    /// Under `zkdash demo`: the nodes it started (`K`, `R`, `P` act on them) and the write load.
    public var demo: DemoStatus?
    /// `K` asked "kill s2 (pid 1234) with SIGKILL? y/n" about this node; the next key answers.
    public var killAwaitingConfirmation: DemoNode?
    /// Event log lines from the shell (the demo's actions and clients), newest last;
    /// the Events view shows them among the monitor's events, by time.
    public var shellEvents = RingBuffer<DemoEvent>(capacity: 1000)
    /// The Tree view's session problem last logged to Events (not repeated).
    public var lastTreeProblem: String?
    /// Milliseconds between poll rounds (`+` / `-` step through `pollIntervalSteps`).
    public var pollIntervalMs = 1000
    /// Space: the screen keeps what it showed; polls go on and the newest
    /// result is held (`heldCluster`) until space again.
    public var frozen = false
    public var heldCluster: ClusterModel?
    public var heldEvents: [MonitorEvent] = []

    /// Events view: which kinds show (`f` cycles), the kept search (`/`), and
    /// the search being typed (non-nil while the prompt is open).
    public var eventsFilter = EventsFilter.all
    public var eventsQuery = ""
    public var eventsSearch: LineEditor?

    /// `:`: the command being typed (nil when the line is closed), the ones
    /// run before (newest last, at most `commandHistoryLimit`) and where ↑ is.
    public var commandLine: LineEditor?
    public var commandHistory: [String] = []
    public var commandHistoryPosition: Int?
    public static let commandHistoryLimit = 100
    /// `:4lw`'s answer (or another text) in a box until a key closes it.
    public var overlay: TextOverlay?
    /// The themes `:theme NAME` can pick, in `t`'s order (the shell sets it).
    public var themeNames: [String] = []
    /// The config file's contexts (`:ctx`), the one being watched, and the file.
    public var contextNames: [String] = []
    public var contextName: String?
    public var contextFile: String?

    /// The Ensemble table's sort (`<` / `>` pick the column, `!` reverses);
    /// nil: sid order.
    public var ensembleSort: EnsembleSort?

    /// The Ensemble table's rows, member indices in display order.
    public var ensembleRows: [Int] { EnsembleView.sortedRows(cluster, by: ensembleSort) }

    /// Lines of the Clients view scrolled past.
    public var clientsScroll = 0
    /// The session `o` jumped to from an ephemeral in the Tree view: its
    /// connection is highlighted in the Clients view.
    public var clientsSession: UInt64?

    /// What `+` and `-` step through, in milliseconds.
    public static let pollIntervalSteps = [100, 250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000]

    public init(size: ScreenSize, cluster: ClusterModel, readOnly: Bool = false, targetDescription: String = "") {
        self.size = size
        self.cluster = cluster
        self.readOnly = readOnly
        self.targetDescription = targetDescription
        tree = TreeState()
        tree.viewportRows = TreeLayout.treeRows(for: size)
    }

    /// The node on the Ensemble view's selected row (index into `cluster.nodes`).
    public var selectedNodeIndex: Int? {
        let rows = ensembleRows
        return rows.indices.contains(ensembleSelection) ? rows[ensembleSelection] : nil
    }

    /// Smallest screen the layout works in; below it a message replaces the views.
    public static let minimumSize = ScreenSize(columns: 60, rows: 12)
}
