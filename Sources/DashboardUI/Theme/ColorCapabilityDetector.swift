/// What colours to use, from the environment and terminfo's colour count.
public enum ColorCapabilityDetector {
    /// `NO_COLOR` set and non-empty → `.none` (https://no-color.org); otherwise by
    /// `terminalColors` (terminfo `colors`, -1 when absent): below 8 → `.none`,
    /// 8-15 → `.eight`, 16-255 → `.sixteen`, 256 or more → `.palette256`.
    public static func detect(environment: [String: String], terminalColors: Int) -> ColorCapability {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
        switch terminalColors {
        case ..<8: return .none
        case 8..<16: return .eight
        case 16..<256: return .sixteen
        default: return .palette256
        }
    }
}
