import ArgumentParser

@main
struct Zkdash: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zkdash",
        abstract: "A terminal dashboard for ZooKeeper ensembles, with a ZooKeeper-compatible server built in.",
        subcommands: [ServerCommand.self, StatusCommand.self, MonitorCommand.self, DemoCommand.self]
    )
}
