import ArgumentParser
import Foundation

@main
struct Zkdash: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zkdash",
        abstract: "A terminal dashboard for ZooKeeper ensembles, with a ZooKeeper-compatible server built in.",
        subcommands: [ServerCommand.self, StatusCommand.self, MonitorCommand.self, DemoCommand.self, GetCommand.self, LsCommand.self, ExportCommand.self, ImportCommand.self, DiffCommand.self, ReconfigCommand.self]
    )

    /// `--context NAME` is expanded into flags before parsing (Contexts.swift).
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let expanded: [String]
        do {
            expanded = try Contexts.expand(arguments, environment: ProcessInfo.processInfo.environment) { path in
                try? String(contentsOfFile: path, encoding: .utf8)
            }
            Contexts.active.withLock { $0 = Contexts.name(in: arguments) }
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            Foundation.exit(64)
        }
        await main(expanded)
    }
}

extension ParsableCommand {
    /// Ends a subcommand with a bad-flag error found while it runs: "Error:",
    /// its usage as `zkdash <subcommand> …` (ArgumentParser's own exit from a
    /// subcommand names it without `zkdash`), exit status 64 as for any bad flag.
    static func exitWithUsage(_ error: any Error) -> Never {
        guard let validation = error as? ValidationError else { Self.exit(withError: error) }
        let name = configuration.commandName ?? "\(Self.self)"
        let text = "Error: \(validation.message)\nUsage: \(Zkdash.usageString(for: Self.self))\n  See 'zkdash \(name) --help' for more information.\n"
        FileHandle.standardError.write(Data(text.utf8))
        Foundation.exit(ExitCode.validationFailure.rawValue)
    }
}
