import Foundation
import ServerTestSupport

/// Apache ZooKeeper 3.8 (the Debian package) as a child process on a free
/// loopback port. Always `stop()` it; it kills the JVM if it does not exit.
final class ApacheZooKeeper: Sendable {
    static let jar = "/usr/share/java/zookeeper.jar"
    static let classpath = "\(jar):/usr/share/java/slf4j-simple.jar"
    static var isInstalled: Bool { FileManager.default.fileExists(atPath: jar) }

    let port: Int
    let dataDir: String
    private let process: Process

    private init(port: Int, dataDir: String, process: Process) {
        self.port = port
        self.dataDir = dataDir
        self.process = process
    }

    var connectString: String { "127.0.0.1:\(port)" }

    /// Starts the JVM and waits until `ruok` answers `imok`; a JVM that exits
    /// at once (its port taken in the meantime) is retried on another port.
    static func start(timeoutSeconds: Double = 40) async throws -> ApacheZooKeeper {
        var lastError: (any Error)?
        for _ in 0..<3 {
            do { return try await startOnce(timeoutSeconds: timeoutSeconds) } catch let error as EarlyExit {
                lastError = error
            }
        }
        throw lastError ?? TestFailure("Apache ZooKeeper did not start")
    }

    struct EarlyExit: Error, CustomStringConvertible {
        var description: String
    }

    private static func startOnce(timeoutSeconds: Double) async throws -> ApacheZooKeeper {
        let dataDir = NSTemporaryDirectory() + "zkdash-apache-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let port = FreePort.next()
        let config = """
            tickTime=2000
            dataDir=\(dataDir)
            clientPort=\(port)
            clientPortAddress=127.0.0.1
            4lw.commands.whitelist=ruok

            """
        try config.write(toFile: dataDir + "/zoo.cfg", atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: dataDir + "/server.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: dataDir + "/server.log"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/java")
        process.arguments = [
            "-Xmx256m", "-XX:+UseSerialGC", "-Dzookeeper.admin.enableServer=false", "-Djava.net.preferIPv4Stack=true",
            "-cp", classpath, "org.apache.zookeeper.server.ZooKeeperServerMain", dataDir + "/zoo.cfg",
        ]
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let apache = ApacheZooKeeper(port: port, dataDir: dataDir, process: process)
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .milliseconds(Int(timeoutSeconds * 1000)) {
            if !process.isRunning { break }
            if (try? FourLetterWord.ask("ruok", port: port)) == "imok" { return apache }
            try await Task.sleep(for: .milliseconds(100))
        }
        let output = (try? String(contentsOfFile: dataDir + "/server.log", encoding: .utf8)) ?? ""
        let exitedEarly = !process.isRunning
        apache.stop()
        if exitedEarly { throw EarlyExit(description: "Apache ZooKeeper exited at start:\n\(output.suffix(2000))") }
        throw TestFailure("Apache ZooKeeper did not answer ruok within \(timeoutSeconds) s:\n\(output.suffix(2000))")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dataDir)
    }
}

enum FourLetterWord {
    /// Sends a four-letter word to 127.0.0.1:port and returns the whole answer.
    static func ask(_ word: String, port: Int) throws -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket: errno \(errno)") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect: errno \(errno)") }
        let bytes = Array(word.utf8)
        guard bytes.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            throw TestFailure("send: errno \(errno)")
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            answer += buffer[0..<count]
        }
        return String(decoding: answer, as: UTF8.self)
    }
}
