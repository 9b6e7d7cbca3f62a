import DashboardUI
import Foundation
import Synchronization

/// `--context NAME`: the flags of a named ensemble from the config file
/// (`$ZKDASH_CONFIG`, else `$XDG_CONFIG_HOME/zkdash/config.toml`, else
/// `~/.config/zkdash/config.toml`), put in front of the command's own, which
/// win. Done on the arguments before they are parsed, so every command takes
/// a context the same way and a flag given on the command line always wins.
///
///     [contexts.prod]
///     servers = "zk1:2281,zk2:2281,zk3:2281"
///     tls-ca = "/etc/zk/ca.pem"
///     auth-file = "/home/ops/.zk-auth"
///     theme = "light"
enum Contexts {
    /// Context keys, the flags they become, and the commands that take them.
    static let keys: [String: Set<String>] = {
        let connecting: Set<String> = ["status", "monitor", "get", "ls", "export", "import", "reconfig"]
        return [
            "servers": connecting,
            "tls-ca": connecting.union(["diff"]), "tls-cert": connecting.union(["diff"]), "tls-key": connecting.union(["diff"]),
            "auth": connecting.union(["diff"]), "auth-file": connecting.union(["diff"]), "sasl": connecting.union(["diff"]),
            "admin-tls-ca": ["status", "monitor"], "admin-port": ["status", "monitor"], "theme": ["monitor"],
            "timeout": connecting.union(["diff"]),
        ]
    }()

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The context this process was started with (`--context NAME`), for the
    /// dashboard's banner and `:ctx`.
    static let active = Mutex<String?>(nil)

    /// The name `--context` gives in these arguments, if any.
    static func name(in arguments: [String]) -> String? {
        guard let at = arguments.firstIndex(where: { $0 == "--context" || $0.hasPrefix("--context=") }) else { return nil }
        if arguments[at].hasPrefix("--context=") { return String(arguments[at].dropFirst("--context=".count)) }
        return at + 1 < arguments.count ? arguments[at + 1] : nil
    }

    /// The contexts the config file names (none when it is missing or unreadable).
    static func names(environment: [String: String], read: (String) -> String?) -> [String] {
        guard let text = read(configPath(environment)), let document = try? TOMLReader.parse(text),
              case .table(let contexts)? = document["contexts"] else { return [] }
        return contexts.keys.sorted()
    }

    static func configPath(_ environment: [String: String]) -> String {
        if let path = environment["ZKDASH_CONFIG"], !path.isEmpty { return path }
        if let base = environment["XDG_CONFIG_HOME"], !base.isEmpty { return base + "/zkdash/config.toml" }
        return (environment["HOME"] ?? "") + "/.config/zkdash/config.toml"
    }

    /// The arguments with `--context NAME` replaced by the context's flags
    /// (after the subcommand, before the rest); unchanged without one.
    static func expand(_ arguments: [String], environment: [String: String], read: (String) -> String?) throws -> [String] {
        var args = arguments
        guard let at = args.firstIndex(where: { $0 == "--context" || $0.hasPrefix("--context=") }) else { return args }
        let name: String
        if args[at].hasPrefix("--context=") {
            name = String(args[at].dropFirst("--context=".count))
            args.remove(at: at)
        } else {
            guard at + 1 < args.count else { throw Failure("--context needs a NAME") }
            name = args[at + 1]
            args.removeSubrange(at...(at + 1))
        }
        guard let command = args.first, !command.hasPrefix("-") else { throw Failure("--context goes after the command (zkdash monitor --context \(name))") }
        let path = configPath(environment)
        guard let text = read(path) else { throw Failure("--context \(name): cannot read \(path) (ZKDASH_CONFIG names another file)") }
        let document: [String: TOMLReader.Value]
        do {
            document = try TOMLReader.parse(text)
        } catch {
            throw Failure("\(path) line \(error.line), column \(error.column): \(error.message)")
        }
        guard case .table(let contexts)? = document["contexts"], case .table(let context)? = contexts[name] else {
            var known: [String] = []
            if case .table(let contexts)? = document["contexts"] { known = contexts.keys.sorted() }
            throw Failure("--context \(name): no [contexts.\(name)] in \(path)" + (known.isEmpty ? "" : " (there are: \(known.joined(separator: ", ")))"))
        }
        var flags: [String] = []
        for key in context.keys.sorted() {
            guard let commands = keys[key] else {
                throw Failure("\(path): [contexts.\(name)] \(key): not a context key (\(keys.keys.sorted().joined(separator: ", ")))")
            }
            let flag = "--" + key
            // The command's own flag wins; keys a command does not take are left out.
            guard commands.contains(command), !args.contains(where: { $0 == flag || $0.hasPrefix(flag + "=") }) else { continue }
            let values: [TOMLReader.Value]
            if case .array(let items) = context[key]! { values = items } else { values = [context[key]!] }
            for value in values {
                switch value {
                case .string(let text): flags += [flag, text]
                case .integer(let number): flags += [flag, String(number)]
                case .float(let number): flags += [flag, String(number)]
                default:
                    throw Failure("\(path): [contexts.\(name)] \(key): a \(value.typeName), expected a string or a number")
                }
            }
        }
        args.insert(contentsOf: flags, at: 1)
        return args
    }
}
