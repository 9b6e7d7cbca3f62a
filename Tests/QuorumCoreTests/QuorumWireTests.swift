import Foundation
import Testing
import ZooKeeperProtocol
@testable import QuorumCore

/// The quorum and election wire codec: golden bytes for Apache's QuorumPacket
/// layout, round trips for every message, and refusals of bad frames.
struct QuorumWireTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    /// Frames without their 4-byte length prefix (what the frame handler hands over).
    static func body(_ frame: [UInt8]) -> [UInt8] { Array(frame.dropFirst(4)) }

    @Test func commitGoldenBytes() {
        // length 20 | type 4 (COMMIT) | zxid 0x100000003 | data null (-1) | auth null (-1)
        #expect(Self.hex(QuorumWire.encode(.commit(zxid: 0x1_0000_0003)))
            == "00000014000000040000000100000003ffffffffffffffff")
    }

    @Test func proposalGoldenBytes() {
        // length 23 | type 2 (PROPOSAL) | zxid | data of 3 bytes | auth null
        #expect(Self.hex(QuorumWire.encode(.proposal(ZabTxn(zxid: 0x2_0000_0001, payload: [0xca, 0xfe, 0x01]))))
            == "0000001700000002000000020000000100000003cafe01ffffffff")
    }

    @Test func learnerInfoGoldenBytes() {
        // FOLLOWERINFO (11): zxid carries the accepted epoch; data = sid, protocol version 0x10000, config version 0.
        #expect(Self.hex(QuorumWire.encode(.learnerInfo(sid: 3, acceptedEpoch: 2, isObserver: false)))
            == "000000280000000b0000000200000000000000140000000000000003000100000000000000000000ffffffff")
    }

    @Test func notificationGoldenBytes() throws {
        // length 40 | state 1 (FOLLOWING) | leader 3 | zxid | round 7 | peer epoch 2 | version 2
        let notification = Notification(from: 1, vote: Vote(leader: 3, zxid: 0x2_0000_0005, peerEpoch: 2), round: 7, state: .following)
        #expect(Self.hex(QuorumWire.encode(notification))
            == "0000002800000001000000000000000300000002000000050000000000000007000000000000000200000002")
        #expect(try QuorumWire.decodeNotification(Self.body(QuorumWire.encode(notification)), from: 1) == notification)
    }

    /// Apache's version-2 notification: then the sender's membership text,
    /// whose `version=` line the election compares.
    @Test func aNotificationCarriesTheSendersMembership() throws {
        let text = Array("server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181\nversion=100000004".utf8)
        let notification = Notification(from: 1, vote: Vote(leader: 3, zxid: 0x1_0000_0005, peerEpoch: 1), round: 2, state: .leading, config: text)
        let bytes = QuorumWire.encode(notification)
        #expect(Self.hex(Array(bytes[40..<48])) == "00000002\(String(format: "%08x", text.count))")
        #expect(try QuorumWire.decodeNotification(Self.body(bytes), from: 1) == notification)
        #expect(ConfigVersion.of(text) == 0x1_0000_0004)
        #expect(ConfigVersion.of(Array("server.1=x".utf8)) == nil)
    }

    @Test func electionHelloGoldenBytes() throws {
        #expect(Self.hex(QuorumWire.electionHello(sid: 5)) == "00000010ffffffffffff00000000000000000005")
        #expect(try QuorumWire.decodeElectionHello(Self.body(QuorumWire.electionHello(sid: 5))).sid == 5)
        // Apache's protocol version 1: then the election address as a length-prefixed "host:port".
        let joiner = HostPort(host: "127.0.0.4", port: 3888)
        #expect(Self.hex(QuorumWire.electionHello(sid: 5, electionAddress: joiner))
            == "00000022ffffffffffff000000000000000000050000000e3132372e302e302e343a33383838")
        #expect(try QuorumWire.decodeElectionHello(Self.body(QuorumWire.electionHello(sid: 5, electionAddress: joiner)))
            == .init(sid: 5, electionAddress: joiner))
        let v6 = HostPort(host: "::1", port: 3888)
        #expect(try QuorumWire.decodeElectionHello(Self.body(QuorumWire.electionHello(sid: 5, electionAddress: v6))).electionAddress == v6)
    }

    static let everyMessage: [QuorumMessage] = [
        .learnerInfo(sid: 2, acceptedEpoch: 4, isObserver: false),
        .learnerInfo(sid: 9, acceptedEpoch: 0, isObserver: true),
        .leaderInfo(newEpoch: 5),
        .ackEpoch(currentEpoch: 4, lastZxid: 0x4_0000_0010),
        .diff(zxid: 0x4_0000_0010),
        .trunc(zxid: 0x3_0000_0002),
        .snap(zxid: 0x4_0000_0010, snapshot: Array(repeating: 7, count: 1000)),
        .proposal(ZabTxn(zxid: 0x5_0000_0001, payload: [1, 2, 3])),
        .commit(zxid: 0x5_0000_0001),
        .inform(ZabTxn(zxid: 0x5_0000_0002, payload: [])),
        .newLeader(zxid: 0x5_0000_0000),
        .newLeader(zxid: 0x5_0000_0000, config: Array("server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181\nversion=500000000".utf8)),
        .ack(zxid: 0x5_0000_0001),
        .upToDate,
        .ping(payload: [9, 9]),
        .request(payload: [4]),
        .syncAnswer(payload: [5, 6]),
    ]

    @Test(arguments: everyMessage)
    func roundTrips(_ message: QuorumMessage) throws {
        let frame = QuorumWire.encode(message)
        #expect(Int(frame[0]) << 24 | Int(frame[1]) << 16 | Int(frame[2]) << 8 | Int(frame[3]) == frame.count - 4)
        let decoded = try QuorumWire.decodeQuorum(Self.body(frame))
        // An empty payload and no payload read back alike.
        if case .inform(let txn) = message { #expect(decoded == .inform(ZabTxn(zxid: txn.zxid, payload: []))) } else {
            #expect(decoded == message)
        }
    }

    @Test func badFramesAreRefusedNotMisread() {
        // An unknown packet type.
        #expect(throws: QuorumWire.DecodeError(description: "unknown quorum packet type 99")) {
            try QuorumWire.decodeQuorum(Self.bytes("000000630000000000000000ffffffffffffffff"))
        }
        // Cut anywhere, a frame throws instead of decoding garbage.
        let frame = Self.body(QuorumWire.encode(.proposal(ZabTxn(zxid: 1, payload: [1, 2, 3, 4]))))
        for length in 0..<(frame.count - 4) {
            #expect(throws: (any Error).self) { try QuorumWire.decodeQuorum(Array(frame.prefix(length))) }
        }
        // A learner that claims sid 0.
        let zeroSid = Self.body(QuorumWire.encode(.learnerInfo(sid: 1, acceptedEpoch: 0, isObserver: false)))
        var patched = zeroSid
        patched[23] = 0  // the sid (a long at offset 16, after type, zxid and the buffer's length): now 0
        #expect(throws: (any Error).self) { try QuorumWire.decodeQuorum(patched) }
        // A buffer length far beyond the frame.
        #expect(throws: (any Error).self) {
            try QuorumWire.decodeQuorum(Self.bytes("0000000200000000000000017fffffff"))
        }
        // An election connection that does not start with the marker, and a bad state.
        #expect(throws: (any Error).self) { try QuorumWire.decodeElectionHello(Self.bytes("00000000000000010000000000000002")) }
        #expect(throws: (any Error).self) {
            try QuorumWire.decodeNotification(Self.bytes("00000009" + String(repeating: "0", count: 72)), from: 1)
        }
    }
}
