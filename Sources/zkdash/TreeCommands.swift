import ArgumentParser
import DashboardIO
import Foundation
import ZooKeeperAdmin
import ZooKeeperClient
import ZooKeeperProtocol

/// `zkdash export`, `import` and `diff`: a subtree as JSON (docs/tree-export.md).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a subtree (data, ACLs, kinds) as JSON to stdout.",
        discussion: """
        Data is UTF-8 text where it is, else base64; ephemerals are listed with their owner. \
        Exit status: 0 done; 1 no server could be reached; 2 a node may not be read (NoAuth: the export \
        is not written); 3 PATH does not exist; 64 bad flags. See docs/tree-export.md.
        """)

    @OptionGroup var target: ReadTarget

    @Argument(help: "The subtree's root.")
    var path: String

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let client = await target.connect()
        let export = await TreeCommandSupport.read(client, path, target: target)
        await client.close()
        FileHandle.standardOutput.write(Data(export.json()))
    }
}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Make a subtree match an export read from stdin (a dry run unless --apply).",
        discussion: """
        Prints what it would do (create what is missing, parents first; set data and ACLs that differ) \
        and does it only with --apply. It never deletes; ephemerals and TTL nodes are not recreated. \
        Exit status: 0 done (or planned); 1 no server could be reached; 2 not authorised (the step \
        refused is named; the steps before it are done); 3 PATH's parent does not exist; 4 the input \
        is not a zkdash export; 64 bad flags (--apply with --read-only). See docs/tree-export.md.
        """)

    @OptionGroup var target: ReadTarget

    @Argument(help: "Where the export's root goes (its own root, or another path).")
    var path: String

    @Option(name: .long, help: "Read the export from this file instead of stdin.")
    var input: String?

    @Flag(name: .long, help: "Make the changes (without it, only print them).")
    var apply = false

    @Flag(name: .long, help: "Refuse to write: --apply is an error.")
    var readOnly = false

    func validate() throws {
        if apply && readOnly { throw ValidationError("--apply writes and --read-only forbids writing") }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let export = TreeCommandSupport.load(input)
        let client = await target.connect()
        let existing = await TreeCommandSupport.current(client, of: export, under: path, target: target)
        let steps = ImportPlan.plan(export, into: path, existing: existing)
        let changes = steps.filter(\.isChange).count
        var out = ""
        if !apply {
            for step in steps { out += (step.isChange ? "would " : "") + ImportPlan.describe(step) + "\n" }
            out += changes == 0 ? "nothing to change\n" : "\(changes) change\(changes == 1 ? "" : "s"); run with --apply to make them\n"
            await client.close()
            FileHandle.standardOutput.write(Data(out.utf8))
            return
        }
        for step in steps where !step.isChange { print(ImportPlan.describe(step)) }
        do {
            let done = try await TreeTransfer.apply(steps, client) { print($0) }
            await client.close()
            print("\(done) change\(done == 1 ? "" : "s") made")
        } catch let refusal as TreeTransfer.Refusal {
            let made = steps.filter(\.isChange).prefix { $0.targetPath != refusal.path }.count
            FileHandle.standardError.write(Data("zkdash: \(made) change\(made == 1 ? "" : "s") made before this one\n".utf8))
            if refusal.error.code == .noNode {
                await client.close()
                target.fail(.noNode, "\(refusal.path): its parent does not exist")
            }
            await target.refuse(refusal.path, client: client, error: refusal.error, verb: "write")
        }
    }
}

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two subtrees: export files or HOST:PORT[,...]/PATH on one or two ensembles.",
        discussion: """
        Each side is a file written by zkdash export (or - for stdin) or a connect string with the \
        subtree's path (127.0.0.1:2181/app). Lines: '- path' only in A, '+ path' only in B, '~ path' \
        data, ACL or kind differs; paths are relative to each side's root. Exit status as diff(1): 0 the \
        same, 1 different, 2 trouble (a side cannot be read). See docs/tree-export.md.
        """)

    @Argument(help: "Side A: FILE.json, -, or HOST:PORT[,...]/PATH.")
    var a: String

    @Argument(help: "Side B, as side A.")
    var b: String

    @Option(name: .long, parsing: .unconditional, help: "Seconds to connect and answer (default 10).")
    var timeout: Double = 10

    @OptionGroup var security: SecurityOptions

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let left = await side(a)
        let right = await side(b)
        let changes = TreeDiff.compare(left, right)
        var out = "--- A \(a) (\(left.nodes.count) nodes)\n+++ B \(b) (\(right.nodes.count) nodes)\n"
        out += TreeDiff.render(changes, a: left, b: right)
        if changes.isEmpty { out += "the same\n" }
        FileHandle.standardOutput.write(Data(out.utf8))
        throw ExitCode(changes.isEmpty ? 0 : 1)
    }

    /// A file, or a connect string whose chroot is the subtree.
    func side(_ source: String) async -> TreeExport {
        if source == "-" || FileManager.default.fileExists(atPath: source) || source.hasSuffix(".json") {
            return TreeCommandSupport.load(source == "-" ? nil : source, failStatus: 2)
        }
        guard let parsed = try? ConnectString(parsing: source), let root = parsed.chroot else {
            TreeCommandSupport.failDiff("\(source): neither a file nor HOST:PORT[,...]/PATH")
        }
        let servers = parsed.servers.map { $0.host.contains(":") ? "[\($0.host)]:\($0.port)" : "\($0.host):\($0.port)" }.joined(separator: ",")
        var target: ReadTarget
        do {
            target = try ReadTarget.parse(["--servers", servers, "--timeout", String(timeout)])
        } catch {
            TreeCommandSupport.failDiff("\(source): \(error)")
        }
        target.security = security
        let reading = target
        return await ReadTarget.$exitStatusOverride.withValue(2) {
            let client = await reading.connect()
            let export = await TreeCommandSupport.read(client, root, target: reading)
            await client.close()
            return export
        }
    }
}

enum TreeCommandSupport {
    /// Reads the subtree or ends the command with the read commands' statuses.
    static func read(_ client: ZooKeeperClient, _ path: String, target: ReadTarget) async -> TreeExport {
        guard let export = await readIfPresent(client, path, target: target) else {
            await client.close()
            target.fail(.noNode, "\(path): no such znode")
        }
        return export
    }

    static func readIfPresent(_ client: ZooKeeperClient, _ path: String, target: ReadTarget) async -> TreeExport? {
        await orRefuse(client, path, target: target) { try await TreeTransfer.read(client, root: path) }
    }

    static func current(_ client: ZooKeeperClient, of export: TreeExport, under path: String, target: ReadTarget) async -> TreeExport? {
        await orRefuse(client, path, target: target) { try await TreeTransfer.current(client, of: export, under: path) }
    }

    /// Runs a read; a refusal ends the command with the read commands' statuses, naming the node.
    static func orRefuse<Answer>(_ client: ZooKeeperClient, _ path: String, target: ReadTarget,
                                 _ body: () async throws -> Answer) async -> Answer {
        do {
            return try await body()
        } catch let refusal as TreeTransfer.Refusal {
            await target.refuse(refusal.path, client: client, error: refusal.error)
        } catch let error as ZooKeeperError {
            await target.refuse(path, client: client, error: error)
        } catch {
            await client.close()
            target.fail(.cannotConnect, "\(path): \(error)")
        }
    }

    /// An export from a file (nil: stdin); a bad one ends the command with `failStatus`.
    static func load(_ file: String?, failStatus: Int32 = 4) -> TreeExport {
        let name = file ?? "stdin"
        let bytes: [UInt8]
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { fail(failStatus, "\(file): cannot read it") }
            bytes = Array(data)
        } else {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        do {
            return try TreeExport.parse(bytes)
        } catch {
            fail(failStatus, "\(name): \(error)")
        }
    }

    static func failDiff(_ message: String) -> Never { fail(2, message) }

    static func fail(_ status: Int32, _ message: String) -> Never {
        FileHandle.standardError.write(Data("zkdash: \(message)\n".utf8))
        Foundation.exit(status)
    }
}
