@testable import DashboardUI

#if canImport(Glibc)
import Glibc
#endif

/// A theme file's text (themes/README.md) as a user or a typo writes it:
/// resolved into a theme, or refused with a `ThemeError`, never a crash.
///
/// Built with DashboardUI's Theme sources and TOMLKit (its C++ part, toml++,
/// instrumented too): see scripts/fuzz.sh. Internal API (`ThemeParser` takes
/// text; the public `ThemeLoader` takes a path), hence `@testable`. Whatever
/// aborts, traps, trips ASan, leaks outside TOMLKit, hangs or grows without
/// bound is a finding, except the known toml++ asserts listed below.

/// Where `inherits` looks: the built-in themes, never the disk (a fuzzed
/// `inherits = "/dev/zero"` must not be read).
private let source = ThemeParser.Source(
    builtInText: { ThemeCatalog.builtInTexts[$0] },
    readFile: { _ in throw ThemeReadError(message: "no such file") }
)

/// FUZZ_UNFILTERED=1: known findings abort as they do in zkdash (to check whether
/// Fuzz/corpus/theme/crash-* still crash).
private let unfiltered = getenv("FUZZ_UNFILTERED").map { String(cString: $0) == "1" } ?? false

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

/// Known findings (docs/reliability.md): `assert`s in toml++ 3.4.0, inside TOMLKit
/// 0.6.0, that malformed TOML fails. SwiftPM compiles toml++ without NDEBUG, so
/// zkdash aborts on such a theme file; each has a reproducer in
/// Fuzz/corpus/theme/crash-*. Keyed by function and expression as `assert` prints them.
private let knownTOMLAsserts: Set<String> = [
    // `[` or `[[` then a character that starts no key: `[` alone on a line, `[[[1]]]`, `[=`.
    "parse_key: is_bare_key_character(*cp) || is_string_delimiter(*cp)",
    // A date-time whose time does not start with a digit: `a = 1979-05-27T:`.
    "parse_time: is_decimal_digit(*cp)",
    // A date, a space, one digit, then the end of the value: `a = 1979-05-27 0`.
    "operator(): !is_value_terminator(*cp)",
    // An array closed by the wrong bracket: `a = [}`.
    "parse_value: !is_value_terminator(*cp)",
]

/// Called by scripts/fuzz.sh's TOML_ASSERT when a toml++ assert fails: 1 (known
/// finding) ends that parse with a parse error so fuzzing goes on past it; 0 aborts.
@_cdecl("zkdash_fuzz_toml_assert_known")
public func tomlAssertKnown(_ expression: UnsafePointer<CChar>, _ function: UnsafePointer<CChar>) -> Int32 {
    if unfiltered { return 0 }
    return knownTOMLAsserts.contains("\(String(cString: function)): \(String(cString: expression))") ? 1 : 0
}

/// TOMLKit 0.6.0 frees nothing it allocates (the parsed toml::table, key arrays,
/// strdup'ed strings, the parse error: LebJe/TOMLKit#26), so every parse leaks.
/// Leaks allocated inside TOMLKit's sources are not findings here; any other
/// leak (one in DashboardUI's theme code) still is.
@_cdecl("__lsan_default_suppressions")
public func lsanDefaultSuppressions() -> UnsafePointer<CChar> {
    let text: StaticString = "leak:/Sources/CTOML/\nleak:/Sources/TOMLKit/\n"
    return UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
}
