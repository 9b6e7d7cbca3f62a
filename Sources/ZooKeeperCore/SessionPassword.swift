/// Session passwords are a function of the session id and a fixed secret, as
/// in Apache (`new Random(sessionId ^ superSecret).nextBytes`), so any server
/// can validate a reconnect.
public enum SessionPassword {
    static let secret: [UInt8] = Array("zkdash-session-secret-B3415C00".utf8)

    public static func derive(_ sessionId: Int64) -> [UInt8] {
        var input = secret
        let raw = UInt64(bitPattern: sessionId)
        for shift in stride(from: 56, through: 0, by: -8) { input.append(UInt8(truncatingIfNeeded: raw >> UInt64(shift))) }
        return Array(SHA1.hash(input).prefix(16))
    }
}
