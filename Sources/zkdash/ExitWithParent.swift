import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `zkdash server --exit-with-parent` (the demo's children): the kernel sends
/// SIGKILL when the parent dies, whatever way it dies, and a parent that died
/// before the request was made is noticed at once.
enum ExitWithParent {
    /// The demo puts its pid here, so a child can tell its own parent from a reaper.
    static let parentPidVariable = "ZKDASH_DEMO_PARENT_PID"

    private typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
    /// PR_SET_PDEATHSIG from <linux/prctl.h>.
    private static let setParentDeathSignal: Int32 = 1

    /// Asks for SIGKILL on the parent's death; false when the parent is already
    /// gone (the child was adopted: its parent is no longer the one that started it).
    static func arm() -> Bool {
        #if os(Linux)
        // prctl is variadic in C, so Swift cannot call it directly: looked up once.
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") {
            let prctl = unsafeBitCast(symbol, to: Prctl.self)
            _ = prctl(setParentDeathSignal, UInt(SIGKILL), 0, 0, 0)
        }
        #endif
        let parent = getppid()
        if let expected = ProcessInfo.processInfo.environment[parentPidVariable].flatMap(Int32.init) {
            return parent == expected
        }
        return parent != 1
    }
}
