import DashboardIO
import DashboardUI
import EnsembleMonitor
import ArgumentParser
import Foundation
import Synchronization

/// The dashboard as `zkdash monitor` and `zkdash demo` run it: a polling task
/// on the cooperative pool, the Tree view's client, and the `zkdash-terminal`
/// thread running `MonitorLoop` until `q`. The demo passes its node actions
/// and posts its news to `inbox`.
struct DashboardSession {
    var members: [Member]
    var settings: MonitorSettings
    var pollerSettings: PollerSettings
    /// Seconds between poll rounds.
    var interval: Double
    /// How the Tree view's client connects (TLS, addAuth identities).
    var treeConnection = TreeConnection()
    var options: MonitorLoop.Options
    var inbox = Inbox()
    var performDemo: @Sendable (DemoAction) -> Void = { _ in }

    /// Both stdin and stdout must be terminals; otherwise a message and exit status 1.
    static func requireTerminal(_ commandName: String, otherwise hint: String) throws {
        guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
            FileHandle.standardError.write(Data("zkdash \(commandName): needs a terminal (stdin and stdout); \(hint)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// `:4lw WORD`: the node's raw answer, through the Tree view's TLS, in a box.
    static func ask(_ word: String, of members: [Member], _ index: Int, connection: TreeConnection, inbox: Inbox) {
        guard members.indices.contains(index) else { return }
        let address = members[index].address
        Task.detached {
            let title = "\(word) from \(address)"
            do {
                let answer = try await FourLetterWordClient.ask(word, host: address.host, port: address.clientPort, timeout: .seconds(3),
                                                                channelSetup: connection.channelSetup)
                inbox.post(.overlay(TextOverlay(title: title, text: answer.isEmpty ? "(empty answer: the server closed without one)" : answer)))
            } catch {
                inbox.post(.overlay(TextOverlay(title: title, text: "no answer: \(error)")))
            }
        }
    }

    enum Outcome {
        case quit
        /// Why the terminal loop failed.
        case failed(String)
        /// `:ctx NAME`: the caller starts watching that context.
        case switchContext(MonitorLoop.ContextSwitch)
    }

    /// Runs until `q` or Ctrl-C, a failure of the terminal loop, or `:ctx NAME`.
    func run() async -> Outcome {
        let monitor = EnsembleMonitor(members: members, settings: settings, pollerSettings: pollerSettings)
        let inbox = inbox
        // `+` / `-` in the dashboard change it between rounds.
        let interval = PollInterval(interval)
        let polling = Task.detached {
            while !Task.isCancelled {
                let started = Date()
                let events = await monitor.pollRound()
                let model = await monitor.model
                inbox.post(.cluster(model, newEvents: events))
                let remaining = interval.seconds - Date().timeIntervalSince(started)
                if remaining > 0 { try? await Task.sleep(nanoseconds: UInt64(remaining * 1e9)) }
            }
        }
        let tree = MonitorTree(members: members, connection: treeConnection, inbox: inbox)
        let options = options
        let performDemo = performDemo
        let outcome: Outcome = await withCheckedContinuation { continuation in
            let thread = Thread {
                let loop = MonitorLoop(options: options, inbox: inbox, performTree: { tree.perform($0) }, performDemo: performDemo,
                                       setPollInterval: { interval.seconds = $0 },
                                       askWord: { word, index in Self.ask(word, of: members, index, connection: treeConnection, inbox: inbox) },
                                       setConnectionDetail: { on in Task { await monitor.setWantsConnectionDetail(on) } })
                do {
                    let next = try loop.run()
                    continuation.resume(returning: next.map(Outcome.switchContext) ?? .quit)
                } catch {
                    continuation.resume(returning: .failed("\(error)"))
                }
            }
            thread.name = "zkdash-terminal"
            thread.stackSize = 8 << 20
            thread.start()
        }
        polling.cancel()
        await tree.close()
        return outcome
    }
}

/// Seconds between poll rounds, changed by the terminal thread (`+` / `-`),
/// read by the polling task before each sleep.
final class PollInterval: Sendable {
    private let value: Mutex<Double>

    init(_ seconds: Double) {
        value = Mutex(seconds)
    }

    var seconds: Double {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
