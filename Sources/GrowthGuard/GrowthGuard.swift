import Foundation
/// Measures how the cost of one operation changes as a test drives more of
/// them (and so makes the code under test hold more): the complexity guards
/// of `swift test` (docs/benchmarks.md, "cost growth guards"). Test support,
/// not part of any product.
///
/// Timing, not instruction counts: these guards compare a machine with
/// itself within one run, and the bugs they catch (a buffer copied whole per
/// operation, a scan of every session per tick) are 10–1000× by the end, far
/// above the noise of a shared machine.
public struct GrowthGuard: Sendable {
    /// Operations timed together; a window's fastest chunk stands for it
    /// (interference from other processes only ever adds time).
    public var chunk: Int
    /// Operations per window compared (the first window with the last).
    public var window: Int
    /// Past this ratio (× `abortFactor`) the run stops early: the answer is
    /// clear, and a quadratic loop would otherwise run for minutes.
    public var allowedGrowth: Double
    public var abortFactor = 10.0

    public init(chunk: Int, window: Int, allowedGrowth: Double = 3.0) {
        precondition(chunk > 0 && window % chunk == 0, "a window is a whole number of chunks")
        self.chunk = chunk
        self.window = window
        self.allowedGrowth = allowedGrowth
    }

    public struct Result: CustomStringConvertible, Sendable {
        /// Seconds per operation in the first and the last window (fastest chunk).
        public var firstSecondsPerOp: Double
        public var lastSecondsPerOp: Double
        public var operations: Int
        /// True when the run stopped early because growth was far past the bound.
        public var abortedEarly: Bool
        public var growth: Double { lastSecondsPerOp / firstSecondsPerOp }

        public var description: String {
            let first = (firstSecondsPerOp * 1e9).rounded()
            let last = (lastSecondsPerOp * 1e9).rounded()
            return "\(first) ns/op in the first window, \(last) ns/op at \(operations) ops: \(growth)×"
                + (abortedEarly ? " (stopped early)" : "")
        }
    }

    /// Runs `step(1...total)`; `between` runs untimed after each window (to
    /// grow what the code under test holds).
    public func measure(total: Int, between: () -> Void = {}, _ step: (Int) -> Void) -> Result {
        precondition(total >= window && total % window == 0, "the run is a whole number of windows")
        let clock = ContinuousClock()
        var first: Double?
        var chunkSeconds: [Double] = []
        var counter = 0
        var last = 0.0
        while counter < total {
            let started = clock.now
            for _ in 0..<chunk {
                counter += 1
                step(counter)
            }
            let elapsed = clock.now - started
            chunkSeconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            guard chunkSeconds.count * chunk == window else { continue }
            last = chunkSeconds.min()! / Double(chunk)
            chunkSeconds = []
            let base = first ?? last
            first = base
            if last > base * allowedGrowth * abortFactor {
                return Result(firstSecondsPerOp: base, lastSecondsPerOp: last, operations: counter, abortedEarly: true)
            }
            between()
        }
        return Result(firstSecondsPerOp: first ?? last, lastSecondsPerOp: last, operations: counter, abortedEarly: false)
    }
}

extension GrowthGuard {
    /// Runs `body` on a thread of its own and awaits its result. A guard is
    /// seconds of CPU-bound work: run on Swift's cooperative pool (two threads
    /// on a 2-core machine) it starves every async test beside it, whose
    /// deadlines then expire.
    /// Runs `body` off the cooperative pool up to `attempts` times, until
    /// `growth(value)` is within `allowedGrowth` (or gives no figure): a
    /// transient load on the shared machine passes on a later attempt, while
    /// per-operation work that really grows fails every one (the bugs these
    /// guards catch are far past the bound on each run).
    public static func offCooperativePool<Value>(
        attempts: Int, allowedGrowth: Double, growth: @escaping (Value) -> Double?, _ body: @escaping () -> Value
    ) async -> Value {
        var value = await offCooperativePool(body)
        for _ in 1..<max(1, attempts) {
            guard let measured = growth(value), measured > allowedGrowth else { break }
            value = await offCooperativePool(body)
        }
        return value
    }

    public static func offCooperativePool<Value>(_ body: @escaping () -> Value) async -> Value {
        let work = UncheckedBox(body)
        return await withCheckedContinuation { (continuation: CheckedContinuation<UncheckedBox<Value>, Never>) in
            let thread = Thread {
                continuation.resume(returning: UncheckedBox(work.value()))
            }
            thread.name = "growth-guard"
            thread.start()
        }.value
    }
}

/// Hands a value across threads that never touch it at the same time.
public final class UncheckedBox<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
