import DashboardUI
import Foundation

/// Inputs from async tasks (poll rounds, tree answers) to the thread that owns
/// the terminal, which drains it between key reads.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [DashboardInput] = []

    func post(_ input: DashboardInput) {
        lock.lock()
        pending.append(input)
        lock.unlock()
    }

    func post(contentsOf inputs: [DashboardInput]) {
        lock.lock()
        pending.append(contentsOf: inputs)
        lock.unlock()
    }

    func drain() -> [DashboardInput] {
        lock.lock()
        defer { lock.unlock() }
        let inputs = pending
        pending.removeAll(keepingCapacity: true)
        return inputs
    }
}
