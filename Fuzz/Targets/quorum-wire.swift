import QuorumCore
import ZooKeeperProtocol

/// Quorum and election frames from a peer: decoded, and whatever decodes must
/// encode back to bytes that decode to the same message.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQuorumWire(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let message = try? QuorumWire.decodeQuorum(bytes) {
        let again = try? QuorumWire.decodeQuorum(Array(QuorumWire.encode(message).dropFirst(4)))
        precondition(again == message, "quorum message does not round-trip: \(message)")
    }
    if let notification = try? QuorumWire.decodeNotification(bytes, from: 1) {
        let again = try? QuorumWire.decodeNotification(Array(QuorumWire.encode(notification).dropFirst(4)), from: 1)
        precondition(again == notification, "notification does not round-trip")
    }
    _ = try? QuorumWire.decodeElectionHello(bytes)
    return 0
}
