/// Why a theme could not be used: names the file and, where there is one, the
/// key (`role.key`) or the line and column of a TOML syntax error.
public struct ThemeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file as it was named (`themes/bad.toml`), or `themes/<name>.toml` for a built-in.
    public var file: String
    /// The offending key, dotted (`leading.fg`), or nil for file-level problems.
    public var key: String?
    /// Where a TOML syntax error was found (1-based), if it was one.
    public var line: Int?
    public var column: Int?
    /// What is wrong, without the file and key.
    public var message: String

    public init(file: String, key: String? = nil, line: Int? = nil, column: Int? = nil, message: String) {
        self.file = file
        self.key = key
        self.line = line
        self.column = column
        self.message = message
    }

    /// `themes/bad.toml: key 'leading.fg': unknown colour 'grene'`, or
    /// `themes/bad.toml: line 3, column 7: <syntax error>`.
    public var description: String {
        var text = file
        if let line {
            text += ": line \(line)"
            if let column { text += ", column \(column)" }
        }
        if let key { text += ": key '\(key)'" }
        return text + ": " + message
    }
}
