import ZooKeeperProtocol

/// Bytes on the quorum and election ports. Quorum packets follow Apache's
/// QuorumPacket record (int type, long zxid, buffer data, vector<Id> auth);
/// election messages follow FLE's notification layout (int state, long
/// leader, long zxid, long round, long peer epoch, int version). Every frame
/// is length-prefixed like client frames. Pure: bytes in, messages out, with
/// golden bytes and round trips in `QuorumWireTests`; the peer's NIO handlers
/// only cut frames and call it.
public enum QuorumWire {
    /// Snapshots travel in one frame: allow far more than a client frame.
    public static let maxQuorumFrameBytes = 1 << 30
    /// A notification carries the sender's membership text (a few hundred
    /// bytes per dozen servers); Apache allows 512 KB.
    public static let maxElectionFrameBytes = 64 * 1024
    /// First frame on an election connection: Apache's protocol marker, then the sender's sid.
    public static let electionProtocolMarker: Int64 = -65536
    public static let learnerProtocolVersion: Int32 = 0x10000

    public struct DecodeError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    // MARK: Quorum packets

    public static func encode(_ message: QuorumMessage) -> [UInt8] {
        var writer = JuteWriter(capacity: 64)
        writer.writeInt(0)
        writer.writeInt(message.typeCode)
        let (zxid, data) = fields(message)
        writer.writeLong(zxid)
        writer.writeBuffer(data)
        writer.writeInt(-1)
        writer.patchInt(Int32(writer.bytes.count - 4), at: 0)
        return writer.bytes
    }

    private static func fields(_ message: QuorumMessage) -> (Int64, [UInt8]?) {
        switch message {
        case .learnerInfo(let sid, let acceptedEpoch, _):
            var data = JuteWriter(capacity: 20)
            data.writeLong(Int64(sid))
            data.writeInt(learnerProtocolVersion)
            data.writeLong(0)
            return (Zxid.make(epoch: acceptedEpoch, counter: 0), data.bytes)
        case .leaderInfo(let epoch):
            var data = JuteWriter(capacity: 4)
            data.writeInt(learnerProtocolVersion)
            return (Zxid.make(epoch: epoch, counter: 0), data.bytes)
        case .ackEpoch(let currentEpoch, let lastZxid):
            var data = JuteWriter(capacity: 4)
            data.writeInt(Int32(truncatingIfNeeded: currentEpoch))
            return (lastZxid, data.bytes)
        case .diff(let zxid), .trunc(let zxid), .commit(let zxid), .ack(let zxid):
            return (zxid, nil)
        case .newLeader(let zxid, let config):
            return (zxid, config.isEmpty ? nil : config)
        case .snap(let zxid, let snapshot):
            return (zxid, snapshot)
        case .proposal(let txn), .inform(let txn):
            return (txn.zxid, txn.payload)
        case .upToDate:
            return (0, nil)
        case .ping(let payload), .request(let payload), .syncAnswer(let payload):
            return (0, payload)
        }
    }

    public static func decodeQuorum(_ frame: [UInt8]) throws -> QuorumMessage {
        var reader = JuteReader(frame, maxBufferBytes: maxQuorumFrameBytes)
        let type = try reader.readInt()
        let zxid = try reader.readLong()
        let data = try reader.readBuffer() ?? []
        switch type {
        case 11, 16:
            var info = JuteReader(data)
            let sid = try info.readLong()
            guard sid > 0, sid <= Int64(Int32.max) else { throw DecodeError(description: "learner info with sid \(sid)") }
            return .learnerInfo(sid: Int(sid), acceptedEpoch: Zxid.epoch(zxid), isObserver: type == 16)
        case 17: return .leaderInfo(newEpoch: Zxid.epoch(zxid))
        case 18:
            var epochData = JuteReader(data)
            return .ackEpoch(currentEpoch: Int64(try epochData.readInt()), lastZxid: zxid)
        case 13: return .diff(zxid: zxid)
        case 14: return .trunc(zxid: zxid)
        case 15: return .snap(zxid: zxid, snapshot: data)
        case 2: return .proposal(ZabTxn(zxid: zxid, payload: data))
        case 8: return .inform(ZabTxn(zxid: zxid, payload: data))
        case 4: return .commit(zxid: zxid)
        case 10: return .newLeader(zxid: zxid, config: data)
        case 3: return .ack(zxid: zxid)
        case 12: return .upToDate
        case 5: return .ping(payload: data)
        case 1: return .request(payload: data)
        case 7: return .syncAnswer(payload: data)
        default: throw DecodeError(description: "unknown quorum packet type \(type)")
        }
    }

    // MARK: Election

    /// What the first frame on an election connection says: the sender's sid
    /// and, from zkdash 0.17 on, the address its election port listens on
    /// (Apache's protocol version 1 layout). A server that is not yet a
    /// member of our configuration (a voter joining by reconfig) is answered
    /// at that address: we have no server line for it.
    public struct ElectionHello: Equatable, Sendable {
        public var sid: Int
        public var electionAddress: HostPort?

        public init(sid: Int, electionAddress: HostPort?) {
            self.sid = sid
            self.electionAddress = electionAddress
        }
    }

    public static func electionHello(sid: Int, electionAddress: HostPort? = nil) -> [UInt8] {
        var writer = JuteWriter(capacity: 64)
        writer.writeInt(0)
        writer.writeLong(electionProtocolMarker)
        writer.writeLong(Int64(sid))
        if let address = electionAddress {
            // Apache's text form: an IPv6 literal in brackets.
            let host = address.host.contains(":") ? "[\(address.host)]" : address.host
            writer.writeBuffer(Array("\(host):\(address.port)".utf8))
        }
        writer.patchInt(Int32(writer.bytes.count - 4), at: 0)
        return writer.bytes
    }

    public static func decodeElectionHello(_ frame: [UInt8]) throws -> ElectionHello {
        var reader = JuteReader(frame)
        guard try reader.readLong() == electionProtocolMarker else { throw DecodeError(description: "not an election connection") }
        let sid = try reader.readLong()
        guard sid > 0, sid <= Int64(Int32.max) else { throw DecodeError(description: "election hello with sid \(sid)") }
        guard !reader.isAtEnd else { return ElectionHello(sid: Int(sid), electionAddress: nil) }
        guard let bytes = try reader.readBuffer(), bytes.count <= 300,
              let address = try? HostPort.parse(Substring(decoding: bytes, as: UTF8.self), defaultPort: 0), address.port > 0 else {
            throw DecodeError(description: "election hello from s\(sid) with an unreadable address")
        }
        return ElectionHello(sid: Int(sid), electionAddress: address)
    }

    public static func stateCode(_ state: PeerState) -> Int32 {
        switch state {
        case .looking: 0
        case .following: 1
        case .leading: 2
        case .observing: 3
        }
    }

    public static func encode(_ notification: Notification) -> [UInt8] {
        var writer = JuteWriter(capacity: 48)
        writer.writeInt(0)
        writer.writeInt(stateCode(notification.state))
        writer.writeLong(Int64(notification.vote.leader))
        writer.writeLong(Int64(bitPattern: notification.vote.zxid))
        writer.writeLong(Int64(bitPattern: notification.round))
        writer.writeLong(Int64(bitPattern: notification.vote.peerEpoch))
        writer.writeInt(2)
        if !notification.config.isEmpty { writer.writeBuffer(notification.config) }
        writer.patchInt(Int32(writer.bytes.count - 4), at: 0)
        return writer.bytes
    }

    public static func decodeNotification(_ frame: [UInt8], from sid: Int) throws -> Notification {
        var reader = JuteReader(frame)
        let code = try reader.readInt()
        guard let state = PeerState.allCases.first(where: { stateCode($0) == code }) else {
            throw DecodeError(description: "unknown peer state \(code)")
        }
        let leader = try reader.readLong()
        let zxid = try reader.readLong()
        let round = try reader.readLong()
        let epoch = try reader.readLong()
        let vote = Vote(leader: Int(truncatingIfNeeded: leader), zxid: UInt64(bitPattern: zxid), peerEpoch: UInt64(bitPattern: epoch))
        var config: [UInt8] = []
        // Version 2 and later: then the sender's membership text.
        if !reader.isAtEnd, try reader.readInt() >= 2, !reader.isAtEnd { config = try reader.readBuffer() ?? [] }
        return Notification(from: sid, vote: vote, round: UInt64(bitPattern: round), state: state, config: config)
    }
}
