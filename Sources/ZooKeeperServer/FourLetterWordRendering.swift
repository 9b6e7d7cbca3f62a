import ZooKeeperAdmin
import ZooKeeperCore

/// Builds the report input from the live core. Runs on the core's loop.
enum FourLetterWordRendering {
    static func render(_ word: FourLetterWord, runner: CoreRunner, context: ServerContext) -> String {
        switch word {
        case .ruok:
            return "imok"
        default:
            return "\(word.rawValue) is not executed because it is not in the whitelist.\n"
        }
    }
}
