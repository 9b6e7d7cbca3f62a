/// File names of the form `<prefix>.<zxid in lowercase hex, no padding>` (Apache's
/// `log.1a`, `snapshot.1a`), so existing tooling and habits carry over.
struct ZxidFileName: Comparable {
    let zxid: Int64
    let name: String

    static func make(prefix: String, zxid: Int64) -> String {
        "\(prefix).\(hex(zxid))"
    }

    /// Parses exactly `<prefix>.<lowercase hex>`; anything else (`.tmp`, `.orphaned`, other files) is nil.
    static func parse(_ name: String, prefix: String) -> ZxidFileName? {
        let lead = prefix + "."
        guard name.hasPrefix(lead) else { return nil }
        let digits = name.dropFirst(lead.count)
        guard !digits.isEmpty, digits.count <= 16,
              digits.allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }),
              let zxid = Int64(digits, radix: 16)
        else { return nil }
        return ZxidFileName(zxid: zxid, name: name)
    }

    /// All matching files in `directory`, oldest zxid first.
    static func list(_ directory: String, prefix: String) throws -> [ZxidFileName] {
        try FileIO.listDirectory(directory)
            .compactMap { parse($0, prefix: prefix) }
            .sorted()
    }

    static func < (lhs: ZxidFileName, rhs: ZxidFileName) -> Bool {
        lhs.zxid != rhs.zxid ? lhs.zxid < rhs.zxid : lhs.name < rhs.name
    }
}
