import NIOSSL
import SwiftASN1
import X509

/// A certificate's subject as Java's `X500Principal.getName()` prints it
/// (RFC 2253): most specific RDN first, the keywords Java knows, any other
/// attribute as its OID and `#` + hex DER. Apache's X509AuthenticationProvider
/// uses exactly this as a TLS session's `x509` id, so an ACL written for an
/// Apache ensemble grants the same session on zkdash.
public enum CertificateSubject {
    public static func rfc2253(_ certificate: NIOSSLCertificate) -> String? {
        guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else { return nil }
        return rfc2253(parsed.subject)
    }

    /// Who a certificate was issued to, for a banner: its common name, else the whole subject.
    public static func commonName(_ certificate: NIOSSLCertificate) -> String? {
        guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else { return nil }
        for rdn in parsed.subject.reversed() {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                if let text = String(attribute.value) { return text }
            }
        }
        return rfc2253(parsed.subject)
    }

    static func rfc2253(_ name: DistinguishedName) -> String {
        name.reversed().map { rdn in rdn.map(attribute).joined(separator: "+") }.joined(separator: ",")
    }

    /// Java's RFC 2253 keywords, by OID.
    static let keywords: [String: String] = [
        "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O", "2.5.4.11": "OU",
        "2.5.4.9": "STREET", "0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID",
    ]

    private static func attribute(_ attribute: RelativeDistinguishedName.Attribute) -> String {
        let oid = String(describing: attribute.type)
        if let keyword = keywords[oid], let text = String(attribute.value) {
            return keyword + "=" + escaped(text)
        }
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(ASN1Any(attribute.value))) != nil else { return oid + "=" }
        return oid + "=#" + serializer.serializedBytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// RFC 2253 2.4: `,+"\<>;` escaped, and a leading `#` or space and a trailing space.
    static func escaped(_ value: String) -> String {
        var out = ""
        let characters = Array(value)
        for (index, character) in characters.enumerated() {
            let special = ",+\"\\<>;".contains(character)
                || (index == 0 && (character == "#" || character == " "))
                || (index == characters.count - 1 && character == " ")
            if special { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
