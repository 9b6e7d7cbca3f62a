import Foundation
import Logging
import ZooKeeperServer

/// zkdash's own server, in process, on a free loopback port with a temporary
/// data directory that is removed on stop.
final class EmbeddedServer: Sendable {
    let server: StandaloneServer
    let dataDir: String
    let port: Int

    static let logger: Logger = {
        var logger = Logger(label: "test.client.server")
        logger.logLevel = .critical
        return logger
    }()

    private init(server: StandaloneServer, dataDir: String, port: Int) {
        self.server = server
        self.dataDir = dataDir
        self.port = port
    }

    /// `tickTimeMilliseconds` bounds session timeouts to [2, 20] ticks.
    static func start(tickTimeMilliseconds: Int = 500) throws -> EmbeddedServer {
        let dataDir = NSTemporaryDirectory() + "zkdash-clienttest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let config = "tickTime=\(tickTimeMilliseconds)\ndataDir=\(dataDir)\nclientPort=\(FreePort.next())\nclientPortAddress=127.0.0.1\n"
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
    /// A loopback port nothing listens on right now (zoo.cfg has no "any port").
    /// Taken from 21000-23999, below the kernel's ephemeral range, so the
    /// outgoing connections of tests running in parallel cannot grab it
    /// between this check and the server's bind (the interop suites use 24000+).
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
