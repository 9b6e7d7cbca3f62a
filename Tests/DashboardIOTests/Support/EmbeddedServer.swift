import Foundation
import Logging
import ZooKeeperServer

/// zkdash's own server, in process, on a free loopback port with a temporary
/// data directory that is removed on stop (as in ZooKeeperClientTests).
final class EmbeddedServer: Sendable {
    let server: StandaloneServer
    let dataDir: String
    let port: Int

    static let logger: Logger = {
        var logger = Logger(label: "test.dashboardio.server")
        logger.logLevel = .critical
        return logger
    }()

    private init(server: StandaloneServer, dataDir: String, port: Int) {
        self.server = server
        self.dataDir = dataDir
        self.port = port
    }

    /// `extraConfig`: more zoo.cfg lines (e.g. `4lw.commands.whitelist=*`).
    /// `port`: a given client port (a restart on the same address), else a free one.
    static func start(tickTimeMilliseconds: Int = 500, port: Int? = nil, extraConfig: String = "") throws -> EmbeddedServer {
        let dataDir = NSTemporaryDirectory() + "zkdash-dashboardio-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let config = "tickTime=\(tickTimeMilliseconds)\ndataDir=\(dataDir)\nclientPort=\(port ?? FreePort.next())\nclientPortAddress=127.0.0.1\n" + extraConfig
        try config.write(toFile: dataDir + "/zoo.cfg", atomically: true, encoding: .utf8)
        let server = try StandaloneServer.start(configPath: dataDir + "/zoo.cfg", logger: logger)
        guard let port = server.localPort else {
            server.stop()
            throw TestFailure("embedded server has no local port")
        }
        return EmbeddedServer(server: server, dataDir: dataDir, port: port)
    }

    var connectString: String { "127.0.0.1:\(port)" }

    func stop() {
        server.stop()
        try? FileManager.default.removeItem(atPath: dataDir)
    }
}

enum FreePort {
    /// A loopback port nothing listens on now, from 21000-23999 (below the
    /// kernel's ephemeral range; see ZooKeeperClientTests' FreePort).
    static func next() -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 21000...23999)
            if isFree(port) { return port }
        }
        return 23999
    }

    static func isFree(_ port: Int) -> Bool {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, length) == 0 }
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, failing if it takes longer than `seconds`.
func withTimeout<T: Sendable>(_ seconds: Double = 10, _ what: String = "operation", _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            throw TestFailure("\(what) did not finish within \(seconds) s")
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw TestFailure("\(what): no result") }
        return first
    }
}
