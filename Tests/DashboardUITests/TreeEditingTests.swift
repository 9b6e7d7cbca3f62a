import Testing
@testable import DashboardUI

/// The tree's text prompts edit like readline and show the cursor, also in a
/// value longer than the line (issue 13 item 6).
@Suite("Tree view: editing a line")
struct TreeEditingTests {
    func edited(_ text: String, _ keys: [Key]) -> LineEditor {
        var editor = LineEditor(text)
        for key in keys { _ = editor.apply(key) }
        return editor
    }

    @Test func keysMoveTheCursorAndEditAtIt() {
        #expect(edited("hello", [.left, .left, .character("X")]).text == "helXlo")
        #expect(edited("hello", [.home, .delete]).text == "ello")
        #expect(edited("hello", [.home, .right, .backspace]).text == "ello")
        #expect(edited("hello", [.control("a"), .character(">")]).text == ">hello")
        #expect(edited("hello", [.home, .control("e"), .character("!")]).text == "hello!")
        // Ctrl-U: the line before the cursor goes, as in readline; Ctrl-K: after it.
        let cleared = edited("hello world", [.left, .left, .control("u")])
        #expect(cleared.text == "ld")
        #expect(cleared.cursor == 0)
        #expect(edited("hello world", [.home, .right, .control("k")]).text == "h")
        #expect(edited("set a b  ", [.control("w")]).text == "set a ")
        // Ends of the line stay put.
        #expect(edited("ab", [.home, .left, .backspace]).text == "ab")
        #expect(edited("ab", [.delete]).text == "ab")
        var editor = LineEditor("x")
        let enterEdits = editor.apply(.enter)
        let escapeEdits = editor.apply(.escape)
        #expect(!enterEdits && !escapeEdits)
    }

    @Test func aShortLineShowsWhole() {
        #expect(edited("hello", [.left, .left]).window(width: 20) == "hel▏lo")
        #expect(LineEditor("").window(width: 20) == "▏")
        // A tab in edited data takes a column, not a raw control byte.
        #expect(LineEditor("a\tb").window(width: 20) == "a·b▏")
    }

    @Test func aLongLineScrollsToKeepTheCursorVisible() {
        let digits = String(repeating: "0123456789", count: 10)
        var editor = LineEditor(digits)
        // At the end: the end of the text, cut on the left.
        let end = editor.window(width: 20)
        #expect(end == "«" + digits.suffix(18) + "▏")
        #expect(DisplayWidth.of(end) == 20)
        // A few steps left: the window stays, the cursor moves in it.
        _ = editor.apply(.left)
        _ = editor.apply(.left)
        #expect(editor.window(width: 20) == "«" + digits.suffix(18).dropLast(2) + "▏" + "89")
        // Home: the start, cut on the right.
        _ = editor.apply(.home)
        let start = editor.window(width: 20)
        #expect(start == "▏" + digits.prefix(18) + "»")
        // Walking right past the edge moves the window by half a field, cut on both sides.
        for _ in 0..<19 { _ = editor.apply(.right) }
        let middle = editor.window(width: 20)
        #expect(middle.hasPrefix("«"))
        #expect(middle.hasSuffix("»"))
        #expect(middle.contains("8▏9"))
        #expect(DisplayWidth.of(middle) <= 20)
        // Wide characters count two columns.
        let wide = LineEditor(String(repeating: "节", count: 30))
        let shown = wide.window(width: 20)
        #expect(shown.hasSuffix("▏"))
        #expect(DisplayWidth.of(shown) <= 20)
    }

    @Test func theStatusLineShowsTheEditVisibly() {
        var tree = FakeTree.sample()
        let value = "v=" + String(repeating: "0123456789", count: 20)
        tree.nodes["/brokers"]!.data = Array(value.utf8)
        var state = TreeState()
        let size = ScreenSize(columns: 80, rows: 24)
        state.viewportRows = TreeLayout.treeRows(for: size)
        tree.run(&state, state.activate(nowMs: 1000))
        state.press([.down, .down, .character("e")], tree: &tree)
        // The end of the value, where typing goes, cut on the left.
        #expect(state.statusLine().hasPrefix("set /brokers: «"))
        #expect(state.statusLine().hasSuffix("789▏"))
        #expect(DisplayWidth.of(state.statusLine()) <= 80)
        state.press([.home], tree: &tree)
        #expect(state.statusLine().hasPrefix("set /brokers: ▏v=0123"))
        #expect(state.statusLine().hasSuffix("»"))
        state.press([.right, .right, .control("u")], tree: &tree)
        #expect(state.field.text == String(repeating: "0123456789", count: 20))
        #expect(state.statusLine().hasPrefix("set /brokers: ▏0123"))
        state.press([.end, .control("u")], tree: &tree)
        #expect(state.statusLine() == "set /brokers: ▏")
        state.type("new", tree: &tree)
        state.press([.enter], tree: &tree)
        #expect(state.handle(.character("y"), readOnly: false, nowMs: 1000) == [.setData(path: "/brokers", data: Array("new".utf8), version: 0)])
    }

    @Test func binaryDataIsNotEditedAsText() {
        var tree = FakeTree.sample()
        tree.nodes["/brokers"]!.data = [0x00, 0xff, 0x10]
        var state = TreeState()
        tree.run(&state, state.activate(nowMs: 1000))
        state.press([.down, .down, .character("e")], tree: &tree)
        #expect(state.prompt == nil)
        #expect(state.message == "/brokers: binary data (3 bytes) cannot be edited as text")
    }
}
