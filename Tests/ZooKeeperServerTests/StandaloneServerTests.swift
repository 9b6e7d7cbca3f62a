import Foundation
import Logging
import Testing
import ZooKeeperAdmin
import ZooKeeperProtocol
@testable import ZooKeeperServer

/// The shell end to end, in process: a real listening socket, the log on disk,
/// and a restart on the same data directory.
@Suite(.serialized) struct StandaloneServerTests {
    static let logger: Logger = {
        var logger = Logger(label: "test.server")
        logger.logLevel = .critical
        return logger
    }()

    private func withServer<T>(dataDir: String, _ body: (Int) throws -> T) throws -> T {
        let configPath = dataDir + "/zoo.cfg"
        try "tickTime=500\ndataDir=\(dataDir)\nclientPort=\(TestSocket.freePort())\nclientPortAddress=127.0.0.1\n4lw.commands.whitelist=ruok,srvr\n"
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let server = try StandaloneServer.start(configPath: configPath, logger: Self.logger)
        defer { server.stop() }
        return try body(try #require(server.localPort))
    }

    private func makeDataDir() throws -> String {
        let path = NSTemporaryDirectory() + "zkdash-servertest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The demo's slow disk answers only on a server started with
    /// `--demo-control`; anywhere else `slow` is no word at all.
    @Test func theSlowDiskWordExistsOnlyWithTheDemoControl() throws {
        let plain = FourLetterWordService(whitelist: .default, context: try Self.context(), demoControl: nil)
        #expect(!plain.isKnownWord("slow") && !plain.isKnownWord("fast"))
        let control = DemoControl()
        let demo = FourLetterWordService(whitelist: .default, context: try Self.context(), demoControl: control)
        #expect(demo.isKnownWord("slow") && demo.isKnownWord("fast") && demo.isKnownWord("srvr"))
        #expect(control.apply("slow") == "slow disk: every fsync takes 200 ms more\n" && control.fsyncDelayMs == 200)
        #expect(control.apply("fast") == "disk at full speed\n" && control.fsyncDelayMs == 0)
    }

    static func context() throws -> ServerContext {
        var config = ServerConfig()
        config.dataDir = "/tmp"
        return ServerContext(config: config, startedAtMs: 0, clientPort: 2181, snapshotDirectory: "/tmp", logDirectory: "/tmp",
                             startupSnapshotLoadMs: 0, startupTxnsLoadMs: 0, startupTxnsLoaded: 0)
    }

    @Test func ioThreadsDefaultToOneAndABadValueNamesTheVariable() throws {
        #expect(try StandaloneServer.ioThreadCount(environment: [:]) == 1)
        #expect(try StandaloneServer.ioThreadCount(environment: ["ZKDASH_IO_THREADS": "4"]) == 4)
        for bad in ["0", "65", "two", ""] {
            let error = #expect(throws: ServerStartError.self) {
                try StandaloneServer.ioThreadCount(environment: ["ZKDASH_IO_THREADS": bad])
            }
            #expect(error?.description.contains("ZKDASH_IO_THREADS=\(bad)") == true)
        }
    }

    @Test func answersFourLetterWordsAndRefusesOthers() throws {
        let dataDir = try makeDataDir()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        try withServer(dataDir: dataDir) { port in
            let ruok = try TestSocket.fourLetterWord("ruok", port: port)
            let srvr = try TestSocket.fourLetterWord("srvr", port: port)
            let dump = try TestSocket.fourLetterWord("dump", port: port)
            #expect(ruok == "imok")
            #expect(srvr.contains("Mode: standalone"))
            #expect(dump == "dump is not executed because it is not in the whitelist.\n")
        }
    }

    @Test func acknowledgedWriteSurvivesRestart() throws {
        let dataDir = try makeDataDir()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        try withServer(dataDir: dataDir) { port in
            let client = try TestSocket(port: port)
            let session = try client.handshake()
            #expect(session.sessionId != 0)
            let reply = try client.call(xid: 1, .create(CreateRequest(path: "/kept", data: Array("v".utf8), acl: ACL.openUnsafe, flags: 0)))
            #expect(reply.header.err == 0)
        }
        try withServer(dataDir: dataDir) { port in
            let client = try TestSocket(port: port)
            _ = try client.handshake()
            let reply = try client.call(xid: 1, .getData(GetDataRequest(path: "/kept", watch: false)))
            #expect(reply.header.err == 0)
            var body = JuteReader(reply.body)
            let data = try GetDataResponse(from: &body)
            #expect(data.data == Array("v".utf8))
        }
    }

    @Test func garbageClosesOnlyThatConnection() throws {
        let dataDir = try makeDataDir()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        try withServer(dataDir: dataDir) { port in
            let healthy = try TestSocket(port: port)
            _ = try healthy.handshake()
            let hostile = try TestSocket(port: port)
            try hostile.send([0x7f, 0xff, 0xff, 0xff, 1, 2, 3])
            let answer = try hostile.receiveUntilClosed()
            #expect(answer.isEmpty)
            let reply = try healthy.call(xid: 7, .exists(ExistsRequest(path: "/", watch: false)))
            #expect(reply.header.xid == 7 && reply.header.err == 0)
        }
    }
}

/// A blocking loopback socket speaking just enough of the protocol for tests.
final class TestSocket {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw TestSocketError.io("connect: errno \(errno)") }
    }

    deinit { close(descriptor) }

    /// A loopback port nothing listens on right now (zoo.cfg has no "any port").
    static func freePort() -> Int {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(probe, pointer, length) == 0 ? getsockname(probe, pointer, &length) : -1
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func fourLetterWord(_ word: String, port: Int) throws -> String {
        let socket = try TestSocket(port: port)
        try socket.send(Array(word.utf8))
        return String(decoding: try socket.receiveUntilClosed(), as: UTF8.self)
    }

    func send(_ bytes: [UInt8]) throws {
        let written = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard written == bytes.count else { throw TestSocketError.io("send: errno \(errno)") }
    }

    func receive(exactly count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + filled, count - filled, 0) }
            guard got > 0 else { throw TestSocketError.io("recv: \(got), errno \(errno)") }
            filled += got
        }
        return bytes
    }

    func receiveUntilClosed() throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if got == 0 { return result }
            guard got > 0 else { throw TestSocketError.io("recv: errno \(errno)") }
            result += buffer[0..<got]
        }
    }

    func receiveFrame() throws -> [UInt8] {
        var header = JuteReader(try receive(exactly: 4))
        return try receive(exactly: Int(try header.readInt()))
    }

    func handshake() throws -> ConnectResponse {
        try send(FrameDecoder.frame(ConnectRequest(timeOut: 4000).juteBytes()))
        return try ConnectResponse(juteBytes: try receiveFrame())
    }

    func call(xid: Int32, _ request: ClientRequest) throws -> (header: ReplyHeader, body: [UInt8]) {
        var writer = JuteWriter()
        request.encode(xid: xid, to: &writer)
        try send(FrameDecoder.frame(writer.bytes))
        while true {
            var reader = JuteReader(try receiveFrame())
            let header = try ReplyHeader(from: &reader)
            if header.xid == SpecialXid.notification { continue }
            return (header, Array(reader.readRest()))
        }
    }
}

enum TestSocketError: Error { case io(String) }
