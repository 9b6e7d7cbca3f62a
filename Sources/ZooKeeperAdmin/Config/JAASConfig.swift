/// A JAAS login configuration file, the one Apache names with
/// `-Djava.security.auth.login.config=FILE`: sections of login modules with
/// options. zkdash reads the `Server` section's DigestLoginModule users
/// (`user_NAME="password"`) for SASL DIGEST-MD5. Errors name the line.
///
///     Server {
///         org.apache.zookeeper.server.auth.DigestLoginModule required
///         user_alice="alice-secret";
///     };
public struct JAASConfig: Sendable, Equatable {
    public struct LoginModule: Sendable, Equatable {
        public var className: String
        /// required, requisite, sufficient or optional.
        public var flag: String
        public var options: [String: String]
    }

    public var sections: [String: [LoginModule]]

    /// Apache's DigestLoginModule, which the server's DIGEST-MD5 users come from.
    public static let digestLoginModule = "org.apache.zookeeper.server.auth.DigestLoginModule"

    public static func parse(_ text: String, fileName: String) throws(JAASConfigError) -> JAASConfig {
        var tokens = try JAASTokenizer(text: text, fileName: fileName).tokens()[...]
        var sections: [String: [LoginModule]] = [:]
        func fail(_ line: Int, _ message: String) -> JAASConfigError {
            JAASConfigError(file: fileName, line: line, message: message)
        }
        func next(_ what: String, after line: Int) throws(JAASConfigError) -> JAASTokenizer.Token {
            guard let token = tokens.popFirst() else { throw fail(line, "unexpected end of file: expected \(what)") }
            return token
        }
        while let name = tokens.popFirst() {
            guard name.kind == .word else { throw fail(name.line, "expected a section name, found '\(name.text)'") }
            let open = try next("'{'", after: name.line)
            guard open.text == "{" else { throw fail(open.line, "expected '{' after \(name.text), found '\(open.text)'") }
            var modules: [LoginModule] = []
            while true {
                let first = try next("a login module or '}'", after: open.line)
                if first.text == "}" {
                    let semicolon = try next("';' after '}'", after: first.line)
                    guard semicolon.text == ";" else { throw fail(semicolon.line, "expected ';' after '}' of \(name.text)") }
                    break
                }
                guard first.kind == .word else { throw fail(first.line, "expected a login module class, found '\(first.text)'") }
                let flag = try next("a control flag", after: first.line)
                guard ["required", "requisite", "sufficient", "optional"].contains(flag.text.lowercased()) else {
                    throw fail(flag.line, "\(first.text): control flag must be required, requisite, sufficient or optional, not '\(flag.text)'")
                }
                var options: [String: String] = [:]
                while true {
                    let key = try next("an option or ';'", after: flag.line)
                    if key.text == ";" && key.kind == .symbol { break }
                    guard key.kind == .word else { throw fail(key.line, "expected an option name, found '\(key.text)'") }
                    let equals = try next("'=' after \(key.text)", after: key.line)
                    guard equals.text == "=" && equals.kind == .symbol else { throw fail(equals.line, "expected '=' after \(key.text)") }
                    let value = try next("a value for \(key.text)", after: equals.line)
                    guard value.kind != .symbol else { throw fail(value.line, "expected a value for \(key.text), found '\(value.text)'") }
                    options[key.text] = value.text
                }
                modules.append(LoginModule(className: first.text, flag: flag.text.lowercased(), options: options))
            }
            guard sections[name.text] == nil else { throw fail(name.line, "section \(name.text) appears twice") }
            sections[name.text] = modules
        }
        return JAASConfig(sections: sections)
    }

    /// DIGEST-MD5 users of `section` (Apache: "Server"): user → password.
    public func digestUsers(section: String = "Server") -> [String: String]? {
        guard let modules = sections[section] else { return nil }
        var users: [String: String] = [:]
        for module in modules where module.className == Self.digestLoginModule {
            for (key, value) in module.options where key.hasPrefix("user_") {
                users[String(key.dropFirst("user_".count))] = value
            }
        }
        return users
    }
}

/// Words, quoted strings and the symbols `{ } ; =`, with `//` and `/* */` comments.
struct JAASTokenizer {
    struct Token: Equatable {
        enum Kind { case word, quoted, symbol }
        var kind: Kind
        var text: String
        var line: Int
    }

    let text: String
    let fileName: String

    func tokens() throws(JAASConfigError) -> [Token] {
        var tokens: [Token] = []
        let chars = Array(text)
        var index = 0, line = 1
        while index < chars.count {
            let c = chars[index]
            if c == "\n" { line += 1; index += 1; continue }
            if c.isWhitespace { index += 1; continue }
            if c == "/" && index + 1 < chars.count && chars[index + 1] == "/" {
                while index < chars.count && chars[index] != "\n" { index += 1 }
                continue
            }
            if c == "/" && index + 1 < chars.count && chars[index + 1] == "*" {
                let start = line
                index += 2
                while index + 1 < chars.count && !(chars[index] == "*" && chars[index + 1] == "/") {
                    if chars[index] == "\n" { line += 1 }
                    index += 1
                }
                guard index + 1 < chars.count else { throw JAASConfigError(file: fileName, line: start, message: "unclosed comment") }
                index += 2
                continue
            }
            if "{};=".contains(c) {
                tokens.append(Token(kind: .symbol, text: String(c), line: line))
                index += 1
                continue
            }
            if c == "\"" {
                let start = line
                var value = ""
                index += 1
                while index < chars.count && chars[index] != "\"" {
                    if chars[index] == "\\" && index + 1 < chars.count { index += 1 }
                    if chars[index] == "\n" { line += 1 }
                    value.append(chars[index])
                    index += 1
                }
                guard index < chars.count else { throw JAASConfigError(file: fileName, line: start, message: "unclosed quote") }
                index += 1
                tokens.append(Token(kind: .quoted, text: value, line: start))
                continue
            }
            var word = ""
            while index < chars.count, !chars[index].isWhitespace, !"{};=\"".contains(chars[index]) {
                word.append(chars[index])
                index += 1
            }
            tokens.append(Token(kind: .word, text: word, line: line))
        }
        return tokens
    }
}

/// A JAAS file that does not parse: `FILE line N: what`.
public struct JAASConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file) line \(line): \(message)" }
}
