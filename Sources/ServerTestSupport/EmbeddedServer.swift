import Foundation
import Logging
import ZooKeeperServer

#if canImport(Glibc)
import Glibc
#endif

/// Test support shared by test targets (SwiftPM test targets cannot import
/// each other): zkdash's own server in process, loopback ports, timeouts.

/// The server on a free loopback port with a temporary data directory that is
/// removed on stop.
public final class EmbeddedServer: Sendable {
    public let server: StandaloneServer
    public let dataDir: String
    public let port: Int

    static let logger: Logger = {
        var logger = Logger(label: "test.embedded.server")
        logger.logLevel = .critical
        return logger
    }()

    private init(server: StandaloneServer, dataDir: String, port: Int) {
        self.server = server
        self.dataDir = dataDir
        self.port = port
    }

    /// `tickTimeMilliseconds` bounds session timeouts to [2, 20] ticks.
    /// `port`: a given client port (a restart on the same address), else a free one.
    /// `extraConfig`: more zoo.cfg lines (e.g. `4lw.commands.whitelist=*`).
    public static func start(tickTimeMilliseconds: Int = 500, port: Int? = nil, extraConfig: String = "") throws -> EmbeddedServer {
        let dataDir = NSTemporaryDirectory() + "zkdash-test-\(UUID().uuidString)"
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

    public var connectString: String { "127.0.0.1:\(port)" }

    public func stop() {
        server.stop()
        try? FileManager.default.removeItem(atPath: dataDir)
    }
}

public enum FreePort {
    /// A loopback port nothing listens on right now (zoo.cfg has no "any port").
    /// Taken from 21000-23999, below the kernel's ephemeral range, so the
    /// outgoing connections of tests running in parallel cannot grab it
    /// between this check and the server's bind (the interop suites use 24000+).
    public static func next() -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 21000...23999)
            if isFree(port) { return port }
        }
        return 23999
    }

    public static func isFree(_ port: Int) -> Bool {
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

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs `body`, failing if it takes longer than `seconds` (so a lost event
/// fails the test instead of hanging the run).
public func withTimeout<T: Sendable>(
    _ seconds: Double = 10, _ what: String = "operation", _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
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
