import Foundation
import Testing
@testable import ZooKeeperServer

@Suite struct BackgroundThreadTests {
    final class Recorder: @unchecked Sendable {
        let lock = NSLock()
        var order: [Int] = []
        var niceness: [Int32] = []
    }

    /// Jobs run in order on one thread at the lower priority; waiting for
    /// idle covers every job submitted before; after stop, jobs are dropped.
    @Test func runsJobsInOrderNicedAndDropsJobsAfterStop() {
        let thread = BackgroundThread(name: "test.background", niceness: 10)
        let recorder = Recorder()
        for index in 0..<20 {
            thread.async {
                Thread.sleep(forTimeInterval: index == 0 ? 0.05 : 0)
                recorder.lock.lock()
                recorder.order.append(index)
                #if os(Linux)
                recorder.niceness.append(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
                #endif
                recorder.lock.unlock()
            }
        }
        thread.waitUntilIdle()
        #expect(recorder.order == Array(0..<20))
        #if os(Linux)
        #expect(recorder.niceness.allSatisfy { $0 == 10 }, "niceness \(recorder.niceness)")
        #endif
        thread.stop()
        thread.async { recorder.order.append(99) }
        thread.waitUntilIdle()
        #expect(recorder.order.count == 20)
        #if os(Linux)
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == 0, "the caller keeps its priority")
        #endif
    }
}
