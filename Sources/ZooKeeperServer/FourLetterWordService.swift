import ZooKeeperAdmin
import ZooKeeperCore

/// Answers four-letter words: whitelist first (without touching the core),
/// then the report built on the core's loop, then any reset it asks for.
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

    func respond(to text: String, connection: ConnectionID, runner: CoreRunner, reply: @escaping @Sendable (String) -> Void) {
        guard let word = FourLetterWord(rawValue: text) else { return }
        guard whitelist.allows(word) else {
            reply(FourLetterWords.notInWhitelist(word))
            return
        }
        let (context, whitelist) = (self.context, self.whitelist)
        runner.loop.execute {
            runner.countFourLetterWord(connection)
            let source = LiveFourLetterWordSource(runner: runner, context: context)
            let answer = FourLetterWords.respond(to: word, whitelist: whitelist, source: source)
            switch answer.effect {
            case .resetConnectionStats?: runner.resetConnectionCounters()
            case .resetServerStats?: runner.resetServerCounters()
            case .setTraceMask?, nil: break
            }
            reply(answer.text)
        }
    }
}
