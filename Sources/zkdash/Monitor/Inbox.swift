import DashboardUI
import Foundation

/// Inputs from async tasks (poll rounds, tree answers) to the thread that owns
/// the terminal, which drains it between key reads. Bounded: `InputQueue`
/// coalesces poll rounds and says what it drops when that thread falls behind.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var queue = InputQueue()

    func post(_ input: DashboardInput) {
        lock.lock()
        queue.post(input)
        lock.unlock()
    }

    func post(contentsOf inputs: [DashboardInput]) {
        lock.lock()
        for input in inputs { queue.post(input) }
        lock.unlock()
    }

    func drain() -> [DashboardInput] {
        lock.lock()
        defer { lock.unlock() }
        return queue.drain()
    }
}
