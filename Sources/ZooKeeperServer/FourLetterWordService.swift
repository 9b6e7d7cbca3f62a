import ZooKeeperAdmin
import ZooKeeperCore

/// Answers four-letter words: checks the whitelist, gathers figures on the
/// core's loop, and renders them in Apache's formats.
final class FourLetterWordService: Sendable {
    let whitelist: FourLetterWordWhitelist
    let context: ServerContext

    init(whitelist: FourLetterWordWhitelist, context: ServerContext) {
        self.whitelist = whitelist
        self.context = context
    }

    static func isKnownWord(_ text: String) -> Bool {
        FourLetterWord(rawValue: text) != nil
    }

    func respond(to text: String, runner: CoreRunner, reply: @escaping @Sendable (String) -> Void) {
        guard let word = FourLetterWord(rawValue: text) else { return }
        guard whitelist.allows(word) else {
            reply("\(text) is not executed because it is not in the whitelist.\n")
            return
        }
        let context = self.context
        runner.loop.execute {
            reply(FourLetterWordRendering.render(word, runner: runner, context: context))
        }
    }
}
