import DashboardUI
import ServerTestSupport

/// Collects what a `TreeExecutor` publishes on `updates`.
actor UpdatesCollector {
    private(set) var inputs: [TreeInput] = []
    private var task: Task<Void, Never>?

    init(_ stream: AsyncStream<TreeInput>) {
        task = nil
        Task { await self.start(stream) }
    }

    private func start(_ stream: AsyncStream<TreeInput>) {
        task = Task {
            for await input in stream { self.append(input) }
        }
    }

    private func append(_ input: TreeInput) { inputs.append(input) }

    func stop() { task?.cancel() }

    /// Waits until an input satisfies `condition`.
    func wait(seconds: Double = 10, _ what: String, until condition: @escaping @Sendable (TreeInput) -> Bool) async throws -> TreeInput {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if let found = inputs.first(where: condition) { return found }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("no update \(what) within \(seconds) s; got \(inputs)")
    }
}
