import Crypto
import Foundation

/// RFC 2831 (SASL DIGEST-MD5) pieces both sides compute: the field syntax,
/// the string encoding rule and the response digest. MD5 is the mechanism's
/// own (swift-crypto's `Insecure.MD5`).
enum DigestMD5 {
    /// Apache ZooKeeper's service for DIGEST-MD5: protocol "zookeeper", server name "zk-sasl-md5".
    static let realm = "zk-sasl-md5"
    static let digestURI = "zookeeper/zk-sasl-md5"

    /// The hex digest of RFC 2831 2.1.2.1 with qop=auth and md5-sess:
    /// `a2` is "AUTHENTICATE:<digest-uri>" for the client's `response` and
    /// ":<digest-uri>" for the server's `rspauth`.
    static func digest(username: String, realm: String, password: String, nonce: String, cnonce: String,
                       authzid: String?, nc: String, a2: String, utf8: Bool) -> String {
        // A1 = H(user:realm:password) ":" nonce ":" cnonce [":" authzid]
        let colon = Array(":".utf8)
        let userHash = md5(bytes(username, utf8) + colon + bytes(realm, utf8) + colon + bytes(password, utf8))
        var a1 = userHash + Array(":\(nonce):\(cnonce)".utf8)
        if let authzid { a1 += colon + Array(authzid.utf8) }
        let ha1 = hex(md5(a1))
        let ha2 = hex(md5(Array(a2.utf8)))
        return hex(md5(Array("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)".utf8)))
    }

    /// `key=value` or `key="quoted, value"` pairs separated by commas.
    static func parse(_ text: String) throws(SASLError) -> [String: String] {
        var fields: [String: String] = [:]
        var chars = Array(text)[...]
        while !chars.isEmpty {
            while let first = chars.first, first == "," || first == " " { chars.removeFirst() }
            guard !chars.isEmpty else { break }
            guard let equals = chars.firstIndex(of: "=") else { throw SASLError("SASL: malformed challenge: \(text)") }
            let key = String(chars[chars.startIndex..<equals]).trimmedSpaces().lowercased()
            chars = chars[(equals + 1)...]
            var value = ""
            if chars.first == "\"" {
                chars.removeFirst()
                var closed = false
                while let c = chars.popFirst() {
                    if c == "\\", let next = chars.popFirst() { value.append(next); continue }
                    if c == "\"" { closed = true; break }
                    value.append(c)
                }
                guard closed else { throw SASLError("SASL: malformed challenge (unclosed quote): \(text)") }
            } else {
                while let c = chars.first, c != "," { value.append(c); chars.removeFirst() }
                value = value.trimmedSpaces()
            }
            // RFC 2831 allows several realms; the first one is used.
            if fields[key] == nil { fields[key] = value }
        }
        return fields
    }

    /// With charset=utf-8, a string whose characters all fit ISO 8859-1 is
    /// hashed in ISO 8859-1 (RFC 2831 2.1.2.1); otherwise in UTF-8.
    static func bytes(_ text: String, _ utf8: Bool) -> [UInt8] {
        guard utf8 else { return text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }
        if text.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) { return text.unicodeScalars.map { UInt8($0.value) } }
        return Array(text.utf8)
    }

    static func md5(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: bytes)) }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func randomNonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
