// Apache's PathUtils.validatePath, applied before a request leaves the client,
// so a malformed path is a clear local error instead of a server round trip
// (and so a chroot cannot smuggle in "." or ".." segments).

enum PathValidation {
    /// Why `path` is not a valid znode path, in Apache's words, or nil if it is.
    /// A sequential create may end in "/" (the server appends the counter),
    /// which Apache checks by validating `path + "1"`.
    static func problem(in path: String, isSequential: Bool = false) -> String? {
        let checked = isSequential ? path + "1" : path
        let scalars = Array(checked.unicodeScalars)
        if scalars.isEmpty { return "Path length must be > 0" }
        if scalars[0] != "/" { return "Path must start with / character" }
        if scalars.count == 1 { return nil }
        if scalars[scalars.count - 1] == "/" { return "Path must not end with / character" }
        for index in 1..<scalars.count {
            let scalar = scalars[index]
            let previous = scalars[index - 1]
            let endsSegment = index + 1 == scalars.count || scalars[index + 1] == "/"
            if scalar.value == 0 {
                return "null character not allowed @\(index)"
            } else if scalar == "/" && previous == "/" {
                return "empty node name specified @\(index)"
            } else if scalar == "." && previous == "." && scalars[index - 2] == "/" && endsSegment {
                return "relative paths not allowed @\(index)"
            } else if scalar == "." && previous == "/" && endsSegment {
                return "relative paths not allowed @\(index)"
            } else if isForbidden(scalar) {
                return "invalid character @\(index)"
            }
        }
        return nil
    }

    /// Control characters and the ranges Apache refuses (UTF-16 surrogates
    /// cannot occur in Swift scalars; the private use area and specials can).
    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (0x01...0x1f).contains(value) || (0x7f...0x9f).contains(value)
            || (0xd800...0xf8ff).contains(value) || (0xfff0...0xffff).contains(value)
    }
}
