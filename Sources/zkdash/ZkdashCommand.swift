import ArgumentParser

@main
struct Zkdash: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zkdash",
        abstract: "A terminal dashboard for ZooKeeper ensembles, with a ZooKeeper-compatible server built in.",
        subcommands: [ServerCommand.self]
    )
}
