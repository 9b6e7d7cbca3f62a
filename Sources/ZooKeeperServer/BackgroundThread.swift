import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One dedicated thread that runs jobs in order at a lower CPU priority
/// (Linux `nice`, which is per thread): snapshots. A snapshot of a large tree
/// is seconds of CPU on every member at once; at normal priority it took that
/// from the write path (a 3-node ensemble on 2 cores lost ~40 % of its write
/// throughput by 1M znodes). Niced, it uses the CPU the write path leaves
/// idle and never competes with fsyncs or client I/O; under a load that
/// leaves no CPU idle it still progresses (nice 10 is about a tenth of a
/// normal thread's share), and only later than it would have. The log holds
/// every txn meanwhile, so durability does not depend on it. A dedicated
/// thread, not a Dispatch queue: pool threads are shared, and a niced pool
/// thread could later run the log's fsyncs.
final class BackgroundThread: @unchecked Sendable {
    /// Linux nice value of the thread (0 normal, 19 lowest).
    let niceness: Int32
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [@Sendable () -> Void] = []
    private var running = false
    private var stopped = false

    init(name: String, niceness: Int32) {
        self.niceness = niceness
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    /// Queues `job`; jobs run one at a time in submission order. After
    /// `stop` a job is dropped (the server is shutting down).
    func async(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return }
        jobs.append(job)
        condition.broadcast()
    }

    /// Waits until every job submitted so far has finished.
    func waitUntilIdle() {
        condition.lock()
        while running || !jobs.isEmpty { condition.wait() }
        condition.unlock()
    }

    /// Finishes the queued jobs, then ends the thread.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func loop() {
        #if os(Linux)
        // Per thread on Linux; a failure only leaves the normal priority.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty && stopped {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            running = true
            condition.unlock()
            job()
            condition.lock()
            running = false
            condition.broadcast()
            condition.unlock()
        }
    }
}
