import ConnectionSecurity
import EnsembleModel
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A promise that takes the first of several racing outcomes (answer, error,
/// deadline) and ignores the rest: a node's answer and its timeout can arrive
/// together, and neither may complete the promise twice.
final class OnceResult<Value: Sendable>: Sendable {
    private let promise: EventLoopPromise<Value>
    private let completed = NIOLockedValueBox(false)

    init(on eventLoop: any EventLoop) {
        promise = eventLoop.makePromise(of: Value.self)
    }

    var futureResult: EventLoopFuture<Value> { promise.futureResult }

    func succeed(_ value: Value) {
        if claim() { promise.succeed(value) }
    }

    func fail(_ error: any Error) {
        if claim() { promise.fail(error) }
    }

    private func claim() -> Bool {
        completed.withLockedValue { done in
            if done { return false }
            done = true
            return true
        }
    }
}

extension PollFailure {
    /// Socket errors in the words a user understands.
    static func from(_ error: any Error, timeoutMs: Int) -> PollFailure {
        if let failure = error as? PollFailure { return failure }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return .timedOut(afterMs: timeoutMs)
        }
        if let ioError = error as? IOError {
            return ioError.errnoCode == ECONNREFUSED_VALUE ? .connectionRefused : .io(Self.describe(ioError))
        }
        if TLSFailure.isTLS(error) { return .io(TLSFailure.describe(error)) }
        if let connectionError = error as? NIOConnectionError {
            if let first = connectionError.connectionErrors.first { return from(first.error, timeoutMs: timeoutMs) }
            if let dns = connectionError.dnsAAAAError ?? connectionError.dnsAError { return .io("lookup failed: \(dns)") }
        }
        return .io("\(error)")
    }

    private static func describe(_ error: IOError) -> String {
        String(cString: strerror(error.errnoCode)).lowercased()
    }
}

#if canImport(Glibc)
import Glibc
let ECONNREFUSED_VALUE = ECONNREFUSED
#elseif canImport(Darwin)
import Darwin
let ECONNREFUSED_VALUE = ECONNREFUSED
#endif
