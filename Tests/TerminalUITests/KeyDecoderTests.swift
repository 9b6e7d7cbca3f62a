import CNcursesShim
import DashboardUI
import Testing
@testable import TerminalUI

@Suite struct KeyDecoderTests {
    @Test func arrowsAndNavigationKeys() {
        let cases: [(Int32, Key)] = [
            (CursesKey.up, .up), (CursesKey.down, .down), (CursesKey.left, .left), (CursesKey.right, .right),
            (CursesKey.home, .home), (CursesKey.end, .end), (CursesKey.pageUp, .pageUp), (CursesKey.pageDown, .pageDown),
            (CursesKey.delete, .delete), (CursesKey.backspace, .backspace), (CursesKey.backTab, .backTab),
        ]
        for (code, key) in cases { #expect(KeyDecoder.decode(.code(code)) == .key(key)) }
    }

    @Test func vimKeysAreCharacters() {
        for letter in "hjklgG" {
            #expect(KeyDecoder.decode(.character(letter.unicodeScalars.first!.value)) == .key(.character(letter)))
        }
    }

    @Test func enterVariants() {
        #expect(KeyDecoder.decode(.character(10)) == .key(.enter))
        #expect(KeyDecoder.decode(.character(13)) == .key(.enter))
        #expect(KeyDecoder.decode(.code(CursesKey.enter)) == .key(.enter))
    }

    @Test func escapeTabAndBackTab() {
        #expect(KeyDecoder.decode(.character(27)) == .key(.escape))
        #expect(KeyDecoder.decode(.character(9)) == .key(.tab))
        #expect(KeyDecoder.decode(.code(CursesKey.backTab)) == .key(.backTab))
    }

    @Test func backspaceVariants() {
        #expect(KeyDecoder.decode(.character(127)) == .key(.backspace))
        #expect(KeyDecoder.decode(.character(8)) == .key(.backspace))
    }

    @Test func controlKeys() {
        #expect(KeyDecoder.decode(.character(3)) == .key(.control("c")))
        #expect(KeyDecoder.decode(.character(1)) == .key(.control("a")))
        #expect(KeyDecoder.decode(.character(26)) == .key(.control("z")))
        #expect(KeyDecoder.decode(.character(0)) == .ignored)
    }

    @Test func functionKeys() {
        #expect(KeyDecoder.decode(.code(CursesKey.f0 + 1)) == .key(.function(1)))
        #expect(KeyDecoder.decode(.code(CursesKey.f0 + 12)) == .key(.function(12)))
    }

    @Test func wideAndNonASCIICharacters() {
        #expect(KeyDecoder.decode(.character(0x6F22)) == .key(.character("漢")))
        #expect(KeyDecoder.decode(.character(0xE9)) == .key(.character("é")))
        #expect(KeyDecoder.decode(.character(0x1F600)) == .key(.character("😀")))
        #expect(KeyDecoder.decode(.character(0x85)) == .ignored)
        #expect(KeyDecoder.decode(.character(0xD800)) == .ignored)
    }

    @Test func resizeMouseAndUnknownCodes() {
        #expect(KeyDecoder.decode(.code(CursesKey.resize)) == .resize)
        #expect(KeyDecoder.decode(.code(CursesKey.mouse)) == .mousePending)
        #expect(KeyDecoder.decode(.code(0o777)) == .ignored)
    }

    @Test func mouseEvents() {
        #expect(KeyDecoder.mouse(x: 3, y: 4, buttonState: CursesMouse.button1Pressed) == MouseEvent(kind: .click, x: 3, y: 4))
        #expect(KeyDecoder.mouse(x: 3, y: 4, buttonState: CursesMouse.button1Clicked) == MouseEvent(kind: .click, x: 3, y: 4))
        #expect(KeyDecoder.mouse(x: 0, y: 9, buttonState: CursesMouse.button4Pressed) == MouseEvent(kind: .wheelUp, x: 0, y: 9))
        #expect(KeyDecoder.mouse(x: 0, y: 9, buttonState: CursesMouse.button5Pressed) == MouseEvent(kind: .wheelDown, x: 0, y: 9))
        #expect(KeyDecoder.mouse(x: 0, y: 0, buttonState: CursesMouse.button1Released) == nil)
    }

    /// The constants TerminalUI spells out are the ones the linked ncurses uses.
    @Test func cursesConstantsMatchTheLibrary() {
        let codes: [(String, Int32)] = [
            ("UP", CursesKey.up), ("DOWN", CursesKey.down), ("LEFT", CursesKey.left), ("RIGHT", CursesKey.right),
            ("HOME", CursesKey.home), ("END", CursesKey.end), ("NPAGE", CursesKey.pageDown), ("PPAGE", CursesKey.pageUp),
            ("BACKSPACE", CursesKey.backspace), ("DC", CursesKey.delete), ("ENTER", CursesKey.enter),
            ("BTAB", CursesKey.backTab), ("F0", CursesKey.f0), ("RESIZE", CursesKey.resize), ("MOUSE", CursesKey.mouse),
        ]
        for (name, value) in codes { #expect(zk_key_code(name) == value, "KEY_\(name)") }
        let masks: [(String, UInt64)] = [
            ("BUTTON1_PRESSED", CursesMouse.button1Pressed), ("BUTTON1_RELEASED", CursesMouse.button1Released),
            ("BUTTON1_CLICKED", CursesMouse.button1Clicked), ("BUTTON4_PRESSED", CursesMouse.button4Pressed),
            ("BUTTON5_PRESSED", CursesMouse.button5Pressed),
        ]
        for (name, value) in masks { #expect(zk_mouse_mask(name) == value, "\(name)") }
    }
}
