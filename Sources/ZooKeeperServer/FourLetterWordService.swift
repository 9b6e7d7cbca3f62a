import ZooKeeperAdmin
import ZooKeeperCore

/// Answers four-letter words: whitelist first (without touching the core),
/// then the report built on the core's loop, then any reset it asks for.
final class FourLetterWordService: Sendable {
    let whitelist: FourLetterWordWhitelist
    let context: ServerContext
    /// `zkdash demo`'s nodes only: the `slow` / `fast` words (DemoControl).
    let demoControl: DemoControl?

    init(whitelist: FourLetterWordWhitelist, context: ServerContext, demoControl: DemoControl? = nil) {
        self.whitelist = whitelist
        self.context = context
        self.demoControl = demoControl
    }

    func isKnownWord(_ text: String) -> Bool {
        FourLetterWord(rawValue: text) != nil || (demoControl != nil && DemoControl.words.contains(text))
    }

    func respond(to text: String, connection: ConnectionID, runner: CoreRunner, reply: @escaping @Sendable (String) -> Void) {
        if let demoControl, DemoControl.words.contains(text) {
            reply(demoControl.apply(text))
            return
        }
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
