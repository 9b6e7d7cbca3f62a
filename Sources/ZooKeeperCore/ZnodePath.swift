/// Path rules exactly as Apache's `PathUtils.validatePath`: absolute, no trailing
/// slash (except the root), no empty segments, no "." or ".." segments, no
/// control characters or the ranges Apache refuses.
public enum ZnodePath {
    public static func isValid(_ path: String) -> Bool {
        validationFailure(path) == nil
    }

    /// Why `path` is invalid, or nil when it is valid.
    public static func validationFailure(_ path: String) -> String? {
        // Apache iterates UTF-16 code units (Java chars); so do we.
        let units = Array(path.utf16)
        if units.isEmpty { return "Path length must be > 0" }
        if units[0] != slash { return "Path must start with / character" }
        if units.count == 1 { return nil }
        if units[units.count - 1] == slash { return "Path must not end with / character" }
        var last: UInt16 = slash
        var index = 1
        while index < units.count {
            let unit = units[index]
            defer { last = unit; index += 1 }
            if unit == 0 { return "null character not allowed @\(index)" }
            if unit == slash && last == slash { return "empty node name specified @\(index)" }
            if unit == dot && last == dot {
                if units[index - 2] == slash && (index + 1 == units.count || units[index + 1] == slash) {
                    return "relative paths not allowed @\(index)"
                }
            } else if unit == dot {
                if units[index - 1] == slash && (index + 1 == units.count || units[index + 1] == slash) {
                    return "relative paths not allowed @\(index)"
                }
            } else if (unit > 0 && unit <= 0x1f) || (unit >= 0x7f && unit <= 0x9f)
                || (unit >= 0xd800 && unit <= 0xf8ff) || (unit >= 0xfff0) {
                return "invalid character @\(index)"
            }
        }
        return nil
    }

    /// The parent of an absolute path ("/" for top-level nodes), and the last segment.
    /// Runs on every write: it scans UTF-8 bytes ('/' never occurs inside a
    /// multi-byte sequence), not Characters, which cost a grapheme break
    /// check per character.
    public static func split(_ path: String) -> (parent: String, name: String) {
        let bytes = path.utf8
        guard let slashIndex = bytes.lastIndex(of: UInt8(ascii: "/")) else { return ("", path) }
        let parent = slashIndex == bytes.startIndex ? "/" : String(path[..<slashIndex])
        return (parent, String(path[bytes.index(after: slashIndex)...]))
    }

    public static func child(_ parent: String, _ name: String) -> String {
        parent == "/" ? "/" + name : parent + "/" + name
    }

    /// Every proper ancestor from the parent up to the root.
    public static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var current = path
        while current != "/" && !current.isEmpty {
            current = split(current).parent
            result.append(current)
        }
        return result
    }

    private static let slash = UInt16(UInt8(ascii: "/"))
    private static let dot = UInt16(UInt8(ascii: "."))
}
