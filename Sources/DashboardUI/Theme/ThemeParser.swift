/// Parses theme files (format: themes/README.md) with `TOMLReader` and resolves
/// `inherits` and missing roles into a `Theme` that has a style for every role.
enum ThemeParser {
    static let styleKeys = ["fg", "bg", "bold", "underline", "reverse", "dim"]
    static let topLevelKeys = ["name", "inherits", "description"]
    static let colourNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// One role's table as written: nil where a key was left out.
    struct RoleSpec {
        var foreground: ThemeColor?
        var background: ThemeColor?
        var bold: Bool?
        var underline: Bool?
        var reverse: Bool?
        var dim: Bool?

        func applied(over base: ThemeStyle) -> ThemeStyle {
            ThemeStyle(foreground: foreground ?? base.foreground, background: background ?? base.background,
                       bold: bold ?? base.bold, underline: underline ?? base.underline,
                       reverse: reverse ?? base.reverse, dim: dim ?? base.dim)
        }
    }

    /// A theme file as written.
    struct Document {
        var name: String?
        var inherits: String?
        var roles: [StyleRole: RoleSpec] = [:]
    }

    /// Where parent themes are looked up: a built-in's text by name, a file's text by path.
    struct Source: Sendable {
        var builtInText: @Sendable (String) -> String?
        var readFile: @Sendable (String) throws -> String
    }

    // MARK: Parsing

    static func parse(_ text: String, file: String) throws(ThemeError) -> Document {
        let table: [String: TOMLReader.Value]
        do {
            table = try TOMLReader.parse(text)
        } catch {
            throw ThemeError(file: file, line: error.line, column: error.column, message: "not valid TOML: \(error.message)")
        }
        var document = Document()
        for key in table.keys.sorted() {
            guard let value = table[key] else { continue }
            switch key {
            case "name", "inherits", "description":
                guard case .string(let string) = value else {
                    throw ThemeError(file: file, key: key, message: "expected a string, found \(value.typeName)")
                }
                if key == "name" {
                    guard !string.isEmpty else { throw ThemeError(file: file, key: key, message: "empty name") }
                    document.name = string
                }
                if key == "inherits" { document.inherits = string }
            default:
                guard let role = StyleRole(rawValue: key) else {
                    throw ThemeError(file: file, key: key, message: "unknown role '\(key)' (roles: \(StyleRole.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                guard case .table(let roleTable) = value else {
                    throw ThemeError(file: file, key: key, message: "expected a table ([\(key)] with fg, bg, bold, …), found \(value.typeName)")
                }
                document.roles[role] = try parseRole(roleTable, role: key, file: file)
            }
        }
        return document
    }

    static func parseRole(_ table: [String: TOMLReader.Value], role: String, file: String) throws(ThemeError) -> RoleSpec {
        var spec = RoleSpec()
        for key in table.keys.sorted() {
            guard let value = table[key] else { continue }
            let dotted = "\(role).\(key)"
            switch key {
            case "fg": spec.foreground = try parseColour(value, key: dotted, file: file)
            case "bg": spec.background = try parseColour(value, key: dotted, file: file)
            case "bold", "underline", "reverse", "dim":
                guard case .bool(let flag) = value else {
                    throw ThemeError(file: file, key: dotted, message: "expected true or false, found \(value.typeName)")
                }
                switch key {
                case "bold": spec.bold = flag
                case "underline": spec.underline = flag
                case "reverse": spec.reverse = flag
                default: spec.dim = flag
                }
            default:
                throw ThemeError(file: file, key: dotted, message: "unknown key '\(key)' (keys: \(styleKeys.joined(separator: ", ")))")
            }
        }
        return spec
    }

    static func parseColour(_ value: TOMLReader.Value, key: String, file: String) throws(ThemeError) -> ThemeColor {
        if case .integer(let index) = value {
            guard (0...255).contains(index) else {
                throw ThemeError(file: file, key: key, message: "palette index \(index) out of range 0-255")
            }
            return .indexed(index)
        }
        guard case .string(let string) = value else {
            throw ThemeError(file: file, key: key,
                             message: "expected a colour name, \"#rrggbb\" or a palette index 0-255, found \(value.typeName)")
        }
        guard let colour = colour(named: string) else {
            throw ThemeError(file: file, key: key, message: "unknown colour '\(string)' (use default, \(colourNames.joined(separator: ", ")), bright-<name>, 0-255 or \"#rrggbb\")")
        }
        return colour
    }

    /// `default`, a basic name, `bright-<name>` or `#rrggbb` (case-insensitive).
    static func colour(named text: String) -> ThemeColor? {
        let name = text.lowercased()
        if name == "default" { return .terminalDefault }
        if let index = colourNames.firstIndex(of: name) { return .basic(index) }
        if name.hasPrefix("bright-"), let index = colourNames.firstIndex(of: String(name.dropFirst(7))) {
            return .basic(index + 8)
        }
        if name.hasPrefix("#"), name.count == 7 {
            let hex = Array(name.dropFirst())
            guard hex.allSatisfy(\.isHexDigit) else { return nil }
            func component(_ at: Int) -> Int? { Int(String(hex[at..<(at + 2)]), radix: 16) }
            guard let r = component(0), let g = component(2), let b = component(4) else { return nil }
            return .rgb(red: r, green: g, blue: b)
        }
        return nil
    }

    /// A TOML type as the error messages name it.
    // MARK: Resolving

    /// `text` (read from `file`) as a complete theme. `chain` holds the files
    /// already being resolved, to report an `inherits` cycle.
    static func theme(text: String, file: String, defaultName: String, source: Source, chain: [String] = []) throws(ThemeError) -> Theme {
        let document = try parse(text, file: file)
        var parent: Theme?
        if let inherits = document.inherits {
            let parentFile: String
            let parentText: String
            if let builtIn = source.builtInText(inherits) {
                parentFile = "themes/\(inherits).toml"
                parentText = builtIn
            } else {
                parentFile = resolve(path: inherits, relativeTo: file)
                do {
                    parentText = try source.readFile(parentFile)
                } catch {
                    throw ThemeError(file: file, key: "inherits",
                                     message: "'\(inherits)' is neither a built-in theme (\(ThemeCatalog.builtInNames.joined(separator: ", "))) nor a readable file: \(error.message)")
                }
            }
            let newChain = chain + [file]
            if newChain.contains(parentFile) {
                throw ThemeError(file: file, key: "inherits",
                                 message: "inheritance cycle: \((newChain + [parentFile]).joined(separator: " → "))")
            }
            parent = try theme(text: parentText, file: parentFile, defaultName: inherits, source: source, chain: newChain)
        }
        let name = document.name ?? defaultName
        var styles: [StyleRole: ThemeStyle] = [:]
        let normalBase = parent?.style(for: .normal) ?? ThemeStyle()
        let normal = document.roles[.normal]?.applied(over: normalBase) ?? normalBase
        styles[.normal] = normal
        // The banner before its parts: they start from it, not from `normal`.
        let others = [StyleRole.banner] + StyleRole.allCases.filter { $0 != .normal && $0 != .banner }
        for role in others {
            let spec = document.roles[role]
            let base = StyleRole.bannerParts.contains(role) ? styles[.banner] ?? normal : normal
            if let parent {
                // Keys left out keep the parent's value for this role.
                styles[role] = spec?.applied(over: parent.style(for: role)) ?? parent.style(for: role)
            } else if let spec {
                // Keys left out: colours from the base (`normal`, or `banner` for its parts), attributes off.
                styles[role] = spec.applied(over: ThemeStyle(foreground: base.foreground, background: base.background))
            } else {
                styles[role] = base
            }
        }
        return Theme(name: name, styles: styles)
    }

    /// `path` as given when absolute, else beside `file`.
    static func resolve(path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let slash = file.lastIndex(of: "/") else { return path }
        return String(file[...slash]) + path
    }
}

/// A read failure with its message.
struct ThemeReadError: Error {
    var message: String
}

extension Error {
    fileprivate var message: String { (self as? ThemeReadError)?.message ?? "\(self)" }
}
