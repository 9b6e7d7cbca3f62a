import DashboardIO
import DashboardUI
import EnsembleMonitor
import Logging
import NIOCore
import ZooKeeperClient

/// How the Tree view's client connects: TLS and the identities it adds.
struct TreeConnection: Sendable {
    var credentials: [ZooKeeperClient.AuthCredential] = []
    var channelSetup: (@Sendable (any Channel, _ host: String) throws -> Void)?
    /// --sasl: logs in on every new connection of the Tree view's session.
    var login: (@Sendable (ZooKeeperClient) async throws -> Void)?
}

/// The tree view's I/O: commands run in tasks off the terminal thread, and
/// their answers and the executor's live updates go back through the inbox.
/// The executor connects on the first command (opening the Tree view).
final class MonitorTree: Sendable {
    private let executor: TreeExecutor
    private let inbox: Inbox
    private let updates: Task<Void, Never>

    init(members: [Member], connection: TreeConnection = TreeConnection(), inbox: Inbox) {
        let connectString = members.map { member in
            let host = member.address.host
            return host.contains(":") ? "[\(host)]:\(member.address.clientPort)" : "\(host):\(member.address.clientPort)"
        }.joined(separator: ",")
        // Nothing may write to the terminal while curses owns it: the client's logs are dropped.
        let executor = TreeExecutor(
            connectString: connectString, credentials: connection.credentials, channelSetup: connection.channelSetup,
            login: connection.login, logger: Logger(label: "zkdash.tree") { _ in SwiftLogNoOpLogHandler() })
        self.executor = executor
        self.inbox = inbox
        updates = Task.detached {
            for await input in executor.updates { inbox.post(.tree(input)) }
        }
    }

    func perform(_ command: TreeCommand) {
        let executor = executor
        let inbox = inbox
        Task.detached {
            let inputs = await executor.perform(command)
            inbox.post(contentsOf: inputs.map { .tree($0) })
        }
    }

    func close() async {
        await executor.close()
        updates.cancel()
    }
}
