import Logging
import NIOConcurrencyHelpers
import ZooKeeperClient
import ServerTestSupport

/// Collects a client's session events as they come.
final class EventRecorder: Sendable {
    private let recorded = NIOLockedValueBox<[SessionEvent]>([])
    private let task: Task<Void, Never>

    init(_ stream: AsyncStream<SessionEvent>) {
        let recorded = self.recorded
        task = Task {
            for await event in stream { recorded.withLockedValue { $0.append(event) } }
        }
    }

    deinit { task.cancel() }

    var events: [SessionEvent] { recorded.withLockedValue { $0 } }

    /// Waits until the events so far satisfy `condition`.
    @discardableResult
    func wait(for what: String, seconds: Double = 10, until condition: @escaping @Sendable ([SessionEvent]) -> Bool) async throws -> [SessionEvent] {
        try await withTimeout(seconds, "waiting for \(what)") { [recorded] in
            while true {
                let events = recorded.withLockedValue { $0 }
                if condition(events) { return events }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }
}

enum TestClients {
    static let logger: Logger = {
        var logger = Logger(label: "test.client")
        logger.logLevel = .critical
        return logger
    }()

    static func connect(
        _ connectString: String, sessionTimeout: Duration = .seconds(6), credentials: [ZooKeeperClient.AuthCredential] = [],
        configure: (inout ZooKeeperClient.Configuration) -> Void = { _ in }
    ) async throws -> ZooKeeperClient {
        var configuration = ZooKeeperClient.Configuration(
            connectString: connectString, sessionTimeout: sessionTimeout, credentials: credentials, logger: logger)
        configure(&configuration)
        return try await withTimeout(15, "connect to \(connectString)") { [configuration] in
            try await ZooKeeperClient.connect(configuration)
        }
    }
}

extension OneShotWatch {
    /// The event, failing the test if none comes within `seconds`.
    func expectEvent(within seconds: Double = 10) async throws -> WatchedEvent? {
        try await withTimeout(seconds, "watch on \(path)") { try await self.event() }
    }
}

/// Consumes a persistent watch in the background and records what it yields
/// and how it ended.
final class WatchCollector: Sendable {
    enum Ending: Sendable, Equatable {
        case finished
        case failed(ZooKeeperError?)
    }

    private let state = NIOLockedValueBox<(events: [WatchedEvent], ending: Ending?)>(([], nil))
    private let task: Task<Void, Never>

    init(_ watch: PersistentWatch) {
        let state = self.state
        task = Task {
            do {
                for try await event in watch { state.withLockedValue { $0.events.append(event) } }
                state.withLockedValue { $0.ending = .finished }
            } catch {
                state.withLockedValue { $0.ending = .failed(error as? ZooKeeperError) }
            }
        }
    }

    /// Stops consuming (cancels the task iterating the watch).
    func cancel() { task.cancel() }

    var events: [WatchedEvent] { state.withLockedValue { $0.events } }

    @discardableResult
    func waitForEvents(_ count: Int, seconds: Double = 10) async throws -> [WatchedEvent] {
        try await withTimeout(seconds, "\(count) watch events") { [state] in
            while true {
                let events = state.withLockedValue { $0.events }
                if events.count >= count { return events }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    func waitForEnding(seconds: Double = 10) async throws -> Ending {
        try await withTimeout(seconds, "end of watch") { [state] in
            while true {
                if let ending = state.withLockedValue({ $0.ending }) { return ending }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }
}
