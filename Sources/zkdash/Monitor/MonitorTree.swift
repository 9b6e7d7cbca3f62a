import DashboardUI
import EnsembleMonitor

/// The tree view's I/O: commands run off the terminal thread and their answers
/// go back through the inbox. Until DashboardIO's TreeExecutor is wired in,
/// commands are dropped and the Tree view shows its placeholder.
final class MonitorTree: Sendable {
    private let inbox: Inbox

    init(members: [Member], inbox: Inbox) {
        self.inbox = inbox
    }

    func perform(_ command: TreeCommand) {
        _ = inbox
    }

    func close() async {}
}
