import Testing
@testable import DashboardUI

/// The detail pane's data: text as lines, JSON pretty by default (p raw), and
/// anything that is not text as a hex dump, never as raw bytes (issue 13 item 6).
@Suite("Tree view: node data")
struct TreeDataTests {
    /// /brokers holding `data`, selected, on a 160×45 screen.
    func shown(_ data: [UInt8], keys: [Key] = []) -> (state: TreeState, detail: [String]) {
        var tree = FakeTree.sample()
        tree.nodes["/brokers"]!.data = data
        var state = TreeState()
        let size = ScreenSize(columns: 160, rows: 45)
        state.viewportRows = TreeLayout.treeRows(for: size)
        tree.run(&state, state.activate(nowMs: 1000))
        state.press([.down, .down] + keys, tree: &tree)
        var buffer = CellBuffer(size: size)
        TreeRenderer.render(state, into: &buffer, rect: Layout.body(size), nowMs: 1000)
        let pane = TreeLayout.panes(Layout.body(size)).detail
        let rows = (pane.y..<pane.maxY).map { y in
            var row = String((pane.x..<pane.maxX).map { buffer[$0, y].character })
            while row.last == " " { row.removeLast() }
            return row
        }
        // Everything written is printable: no control byte reaches the terminal.
        for y in 0..<size.rows {
            for x in 0..<size.columns {
                let scalar = buffer[x, y].character.unicodeScalars.first!.value
                #expect(scalar >= 0x20 && scalar != 0x7F && !(0x80..<0xA0).contains(scalar), "control U+\(String(scalar, radix: 16)) at \(x),\(y)")
            }
        }
        var detail = Array(rows.drop { !$0.hasPrefix("data (") })
        while detail.last == "" { detail.removeLast() }
        return (state, detail)
    }

    @Test func binaryDataIsAHexDump() {
        let data: [UInt8] = [0x00, 0x01, 0x0a, 0x41, 0x42, 0xff, 0xfe, 0x1b, 0x5b, 0x32, 0x4a, 0x7f, 0x80, 0x43, 0x0d, 0x0a, 0x44]
        let (state, detail) = shown(data)
        #expect(state.dataKind == .binary)
        #expect(detail == [
            "data (binary, 17 bytes; hex)",
            "0000  00 01 0a 41 42 ff fe 1b 5b 32 4a 7f 80 43 0d 0a  ...AB...[2J..C..",
            "0010  44                                               D",
        ])
        // v cannot show it as text.
        let again = shown(data, keys: [.character("v")])
        #expect(again.state.dataDisplay == .hex)
        #expect(again.state.message == "binary data: shown as hex only")
    }

    @Test func textWithControlCharactersOrBadUTF8IsBinary() {
        #expect(NodeData.read(Array("a\u{1b}[31mred".utf8), hex: false, rawJSON: false).kind == .binary)
        #expect(NodeData.read([0x61, 0xc3, 0x28], hex: false, rawJSON: false).kind == .binary)
        #expect(NodeData.read([0x61, 0x0d, 0x62], hex: false, rawJSON: false).kind == .binary)
        #expect(NodeData.read(Array("a\u{85}b".utf8), hex: false, rawJSON: false).kind == .binary)
        #expect(NodeData.read(Array("été\tok\r\n".utf8), hex: false, rawJSON: false).kind == .text)
        #expect(NodeData.read([], hex: false, rawJSON: false).kind == .empty)
        #expect(NodeData.read(nil, hex: false, rawJSON: false).kind == .null)
    }

    @Test func textWithNewlinesIsSeveralLines() {
        let (state, detail) = shown(Array("host=a\r\nport=9092\n\tretries=3\n".utf8))
        #expect(state.dataKind == .text)
        #expect(detail == ["data (text, 29 bytes, 3 lines; v hex)", "host=a", "port=9092", "    retries=3"])
        let hex = shown(Array("hi\n".utf8), keys: [.character("v")]).detail
        #expect(hex == ["data (text, 3 bytes, hex; v text)", "0000  68 69 0a                                         hi."])
    }

    @Test func jsonIsPrettyByDefaultInItsOwnOrder() {
        let json = #"{"name":"orders","replicas":3,"big":18446744073709551617,"ratio":1.0,"tags":["a","b\"c"],"empty":{},"none":[]}"#
        let (state, detail) = shown(Array(json.utf8))
        #expect(state.dataKind == .json)
        #expect(detail == [
            "data (JSON, \(json.utf8.count) bytes; p raw, v hex)",
            "{",
            #"  "name": "orders","#,
            #"  "replicas": 3,"#,
            #"  "big": 18446744073709551617,"#,
            #"  "ratio": 1.0,"#,
            #"  "tags": ["#,
            #"    "a","#,
            #"    "b\"c""#,
            "  ],",
            #"  "empty": {},"#,
            #"  "none": []"#,
            "}",
        ])
        // p: the raw text, and back.
        let raw = shown(Array(json.utf8), keys: [.character("p")]).detail
        #expect(raw.count == 2)
        #expect(raw.first == "data (JSON raw, \(json.utf8.count) bytes; p pretty, v hex)")
        #expect(raw.last?.hasPrefix(#"{"name":"orders","replicas":3,"#) == true)
        let back = shown(Array(json.utf8), keys: [.character("p"), .character("p")]).detail
        #expect(back.count == 13)
    }

    @Test func onlyValidObjectsAndArraysArePretty() {
        for notJSON in ["42", "\"text\"", "{\"a\":}", "[1,]", "{\"a\" 1}", "[01]", "[1.]", "{'a':1}", "[1] x", "[\"\\x\"]", "[tru]"] {
            #expect(JSONPretty.lines(Array(notJSON.utf8)) == nil, "\(notJSON)")
        }
        #expect(JSONPretty.lines(Array(" [ -1.5e+3 , true,null ,\"\\u00e9\" ] ".utf8)) == ["[", "  -1.5e+3,", "  true,", "  null,", "  \"\\u00e9\"", "]"])
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(JSONPretty.lines(Array(deep.utf8)) == nil)
        let (state, _) = shown(Array("42".utf8), keys: [.character("p")])
        #expect(state.dataKind == .text)
        #expect(state.message == "p: the data is not a JSON object or array")
    }
}
