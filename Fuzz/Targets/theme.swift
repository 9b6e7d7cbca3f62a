@testable import DashboardUI

/// A theme file's text (themes/README.md) as a user or a typo writes it:
/// resolved into a theme, or refused with a `ThemeError`, never a crash.
///
/// Built with DashboardUI's Theme sources (their own `TOMLReader`): see
/// scripts/fuzz.sh. Internal API (`ThemeParser` takes text; the public
/// `ThemeLoader` takes a path), hence `@testable`. Whatever aborts, traps,
/// trips ASan, leaks, hangs or grows without bound is a finding. The
/// `crash-toml-*` seeds aborted zkdash when themes were read with TOMLKit
/// (toml++ asserts, docs/reliability.md).

/// Where `inherits` looks: the built-in themes, never the disk (a fuzzed
/// `inherits = "/dev/zero"` must not be read).
private let source = ThemeParser.Source(
    builtInText: { ThemeCatalog.builtInTexts[$0] },
    readFile: { _ in throw ThemeReadError(message: "no such file") }
)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTheme(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    // ThemeLoader.readFile refuses a file that is not UTF-8 before parsing it.
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    do {
        let theme = try ThemeParser.theme(text: text, file: "fuzz.toml", defaultName: "fuzz", source: source)
        for capability in [ColorCapability.none, .eight, .sixteen, .palette256] {
            _ = theme.degraded(to: capability)
        }
    } catch {
        _ = error.description
    }
    return 0
}
