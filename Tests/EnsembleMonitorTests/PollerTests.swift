import Foundation
import Testing
@testable import EnsembleMonitor
@testable import EnsembleModel

#if canImport(Glibc)
import Glibc
#endif

/// The poller on real loopback sockets: a silent node, a refusing port, a
/// garbage answer and a name that cannot resolve, polled together.
@Suite(.serialized) struct PollerTests {
    /// A loopback listener that accepts and then either stays silent or
    /// answers fixed bytes and closes.
    final class Listener: @unchecked Sendable {
        let fd: Int32
        let port: Int
        private var accepted: [Int32] = []
        private let lock = NSLock()

        init(answer: [UInt8]?) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            self.fd = fd
            port = Int(UInt16(bigEndian: address.sin_port))
            let listenFD = fd
            Thread.detachNewThread { [self] in
                while true {
                    let client = accept(listenFD, nil, nil)
                    if client < 0 { return }
                    if let answer {
                        _ = answer.withUnsafeBytes { send(client, $0.baseAddress, $0.count, 0) }
                        close(client)
                    } else {
                        lock.lock(); accepted.append(client); lock.unlock()
                    }
                }
            }
        }

        func stop() {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
            lock.lock(); accepted.forEach { close($0) }; lock.unlock()
        }
    }

    /// A port that was free a moment ago: connecting to it is refused.
    static func closedPort() throws -> Int {
        let listener = try Listener(answer: [])
        listener.stop()
        return listener.port
    }

    @Test func everyFailureGetsItsOwnRowWithinOneTimeout() async throws {
        let silent = try Listener(answer: nil)
        let garbage = try Listener(answer: Array("hello\n".utf8))
        let refusedPort = try Self.closedPort()
        defer { silent.stop(); garbage.stop() }

        let members = [
            NodeAddress(host: "127.0.0.1", clientPort: silent.port),
            NodeAddress(host: "127.0.0.1", clientPort: refusedPort),
            NodeAddress(host: "no-such-node.invalid", clientPort: 2181),
            NodeAddress(host: "127.0.0.1", clientPort: garbage.port),
        ].map { Member(address: $0) }
        let timeoutMs = 400
        let monitor = EnsembleMonitor(
            members: members, settings: MonitorSettings(askAdmin: false),
            pollerSettings: PollerSettings(timeoutMs: timeoutMs, defaultAdminPort: nil))
        let started = Date()
        await monitor.pollRound()
        let elapsed = Date().timeIntervalSince(started)
        let nodes = await monitor.model.nodes

        #expect(nodes.map(\.state) == [.down, .down, .down, .unknown])
        #expect(nodes[0].reason == "no answer within 0.4 s")
        #expect(nodes[1].reason == "connection refused")
        #expect(nodes[2].reason?.contains("does not resolve") == true)
        #expect(nodes[3].raw == "hello\n")
        // Bounded by the per-node deadline, not left hanging on the silent node
        // (generous: shared CI machines stall; the structure, not the speed, is tested).
        #expect(elapsed < 15)
        #expect(await monitor.model.summary.hasQuorum == false)
    }

    @Test func aSilentAdminServerDoesNotHoldTheRoundBeyondTheTimeout() async throws {
        let node = try Listener(answer: Array("Zookeeper version: 3.8.0\nZxid: 0x5\nMode: standalone\nNode count: 4\n".utf8))
        let silentAdmin = try Listener(answer: nil)
        defer { node.stop(); silentAdmin.stop() }
        let monitor = EnsembleMonitor(
            members: [Member(address: NodeAddress(host: "127.0.0.1", clientPort: node.port, adminPort: silentAdmin.port))],
            settings: MonitorSettings(), pollerSettings: PollerSettings(timeoutMs: 300))
        let started = Date()
        await monitor.pollRound()
        #expect(Date().timeIntervalSince(started) < 15)
        let status = await monitor.model.nodes[0]
        #expect(status.state == .standalone && status.zxid == Zxid(rawValue: 5) && status.znodes == 4)
        #expect(!status.adminAnswered)
        #expect(await monitor.model.summary.hasQuorum)
    }
}
