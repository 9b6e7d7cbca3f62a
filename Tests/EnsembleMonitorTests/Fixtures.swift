import Foundation
import Testing
@testable import EnsembleModel

/// Raw answers captured from real Apache 3.8 nodes (see Fixtures/apache-3.8/README.md).
enum Fixture {
    static func text(_ name: String) -> String {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/apache-3.8/\(name)")
        guard let data = try? Data(contentsOf: url) else {
            Issue.record("missing fixture \(name)")
            return ""
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func bytes(_ name: String) -> [UInt8] { Array(text(name).utf8) }

    /// Every four-letter answer a captured role gave, as a poll sample.
    static func sample(role: String, words: [MonitorWord] = [.srvr, .mntr, .conf, .cons, .wchs], admin: Bool = true) -> NodeSample {
        var answers: [MonitorWord: Result<String, PollFailure>] = [:]
        for word in words { answers[word] = .success(text("\(role).\(word.rawValue).txt")) }
        var adminSample: AdminSample?
        if admin {
            let zab = try? AdminServerReports.decode(AdminServerReports.ZabState.self, from: bytes("\(role).admin.zabstate.json")).get()
            adminSample = AdminSample(
                port: 8080,
                leader: try? AdminServerReports.decode(AdminServerReports.Leader.self, from: bytes("\(role).admin.leader.json")).get(),
                zabState: zab, identityClientPort: zab?.clientPort)
        }
        return NodeSample(answers: answers, admin: adminSample, resolvedKey: nil, durationMs: 1)
    }
}
