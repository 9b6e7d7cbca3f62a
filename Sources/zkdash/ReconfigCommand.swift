import ArgumentParser
import Foundation
import ZooKeeperClient
import ZooKeeperProtocol

/// `zkdash reconfig`: Apache's `reconfig -add / -remove / -members` for
/// scripts, against zkdash or Apache 3.5+ ensembles with `reconfigEnabled`.
struct ReconfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconfig",
        abstract: "Change an ensemble's membership while it runs (ZooKeeper's reconfig).",
        discussion: """
        Prints the new membership (/zookeeper/config: server.N lines, then version=). Needs \
        reconfigEnabled=true on the servers and super (or WRITE on /zookeeper/config): --auth digest:super:PASSWORD. \
        Exit status: 0 done; 1 no server reached; 2 not authorised; 5 the servers refused the change \
        (the message says why); 64 bad flags. zkdash servers change observers only so far (docs/ensemble.md).
        """)

    @OptionGroup var target: ReadTarget

    @Option(name: .long, help: "Add (or replace) a server: server.N=host:quorumPort:electionPort[:observer];[host:]clientPort. Repeat or comma-separate.")
    var add: [String] = []

    @Option(name: .long, help: "Remove servers by id (comma-separated or repeated).")
    var remove: [String] = []

    @Option(name: .long, help: "The whole new membership instead: server.N=… entries, comma-separated.")
    var members: String?

    @Option(name: .long, help: "Only from this membership version (hex, as its version= line shows).")
    var fromConfig: String?

    func validate() throws {
        if members != nil, !(add.isEmpty && remove.isEmpty) {
            throw ValidationError("--members replaces the whole membership: use it without --add / --remove")
        }
        if members == nil, add.isEmpty, remove.isEmpty { throw ValidationError("nothing to change: give --add, --remove or --members") }
        if let fromConfig, Int64(fromConfig.hasPrefix("0x") ? String(fromConfig.dropFirst(2)) : fromConfig, radix: 16) == nil {
            throw ValidationError("--from-config \(fromConfig) is not a hex version")
        }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let client = await target.connect()
        let version = fromConfig.flatMap { Int64($0.hasPrefix("0x") ? String($0.dropFirst(2)) : $0, radix: 16) } ?? -1
        do {
            let answer = try await client.reconfig(
                joining: add.isEmpty ? nil : add.joined(separator: ","), leaving: remove.isEmpty ? nil : remove.joined(separator: ","),
                newMembers: members, fromConfig: version)
            await client.close()
            FileHandle.standardOutput.write(Data((answer.data ?? []) + Array("\n".utf8)))
        } catch let error as ZooKeeperError {
            await client.close()
            if error.code == .noAuth {
                target.fail(.notAuthorised, "reconfig: NoAuth: only super (or WRITE on /zookeeper/config) may reconfigure; --auth digest:super:PASSWORD")
            }
            FileHandle.standardError.write(Data("zkdash: reconfig refused: \(Self.reason(error.code))\n".utf8))
            Foundation.exit(5)
        } catch {
            await client.close()
            target.fail(.cannotConnect, "reconfig: \(error)")
        }
    }

    /// What each refusal means for the operator.
    static func reason(_ code: ErrorCode) -> String {
        switch code {
        case .reconfigDisabled: "reconfig is disabled on these servers (reconfigEnabled=false in zoo.cfg)"
        case .unimplemented: "Unimplemented: a standalone server, or a change of voters, which zkdash servers do not make yet (docs/ensemble.md)"
        case .reconfigInProgress: "another reconfig is in progress; try again"
        case .badVersion: "BadVersion: the membership is no longer the --from-config version"
        case .newConfigNoQuorum: "NewConfigNoQuorum: the new voters do not have a quorum connected and synced to the leader"
        case .badArguments: "BadArguments: a server entry is malformed, lacks its client port, shares an address, or too few voters would remain"
        case .marshallingError: "MarshallingError: a --remove id is not a number"
        default: "\(code)"
        }
    }
}
