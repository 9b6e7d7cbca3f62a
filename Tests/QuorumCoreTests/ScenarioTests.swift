import Foundation
import Testing
@testable import QuorumCore

/// The scenario scripts in Scenarios/*.txt (syntax in ScenarioRunner.swift),
/// read from the source tree. After an intended change, regenerate the
/// expected traces with `ZKDASH_UPDATE_SCENARIOS=1 swift test --filter
/// ScenarioTests` and review the diff.
struct ScenarioTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scenarios")
    static let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasSuffix(".txt") }.sorted()
    static let update = ProcessInfo.processInfo.environment["ZKDASH_UPDATE_SCENARIOS"] == "1"

    @Test func scenariosArePresent() {
        #expect(Self.names.count >= 6, "no scenarios found in \(Self.directory.path)")
    }

    @Test(arguments: names)
    func scenario(_ name: String) throws {
        let url = Self.directory.appendingPathComponent(name)
        var script = try ScenarioScript(parsing: String(contentsOf: url, encoding: .utf8))
        let runner = ScenarioRunner()
        for index in script.blocks.indices {
            let block = script.blocks[index]
            let actual = try runner.run(block.command)
            if !Self.update, actual != block.expected {
                Issue.record(Comment(rawValue: "\(name): `\(block.command)` traced differently:\n--- expected\n"
                    + block.expected.joined(separator: "\n") + "\n--- actual\n" + actual.joined(separator: "\n")))
                return
            }
            script.blocks[index].expected = actual
        }
        for failure in runner.failures { Issue.record(Comment(rawValue: "\(name): \(failure)")) }
        if Self.update { try script.text.write(to: url, atomically: true, encoding: .utf8) }
    }
}
