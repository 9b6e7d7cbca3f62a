import DashboardUI
import Testing
@testable import TerminalUI

@Suite struct FrameDiffTests {
    func buffer(_ lines: [String], columns: Int = 10) -> CellBuffer {
        var buffer = CellBuffer(size: ScreenSize(columns: columns, rows: lines.count))
        for (y, line) in lines.enumerated() { buffer.put(line, x: 0, y: y) }
        return buffer
    }

    @Test func firstFrameWritesEveryRow() {
        let next = buffer(["ab", "cd"], columns: 4)
        let runs = FrameDiff.runs(from: nil, to: next)
        #expect(runs == [
            FrameRun(x: 0, y: 0, role: .normal, text: Array("ab  ")),
            FrameRun(x: 0, y: 1, role: .normal, text: Array("cd  ")),
        ])
    }

    @Test func identicalFramesWriteNothing() {
        let frame = buffer(["hello", "world"])
        #expect(FrameDiff.runs(from: frame, to: frame).isEmpty)
    }

    @Test func onlyChangedCellsAreWritten() {
        let old = buffer(["hello", "world"])
        let new = buffer(["hallo", "world"])
        #expect(FrameDiff.runs(from: old, to: new) == [FrameRun(x: 1, y: 0, role: .normal, text: ["a"])])
    }

    @Test func adjacentChangesMergeAndGapsSplit() {
        let old = buffer(["abcdefgh"])
        let new = buffer(["aXYdeZgh"])
        #expect(FrameDiff.runs(from: old, to: new) == [
            FrameRun(x: 1, y: 0, role: .normal, text: ["X", "Y"]),
            FrameRun(x: 5, y: 0, role: .normal, text: ["Z"]),
        ])
    }

    @Test func roleChangesSplitRuns() {
        let old = buffer(["abcd"])
        var new = old
        new.paint(.selected, x: 0, y: 0, width: 2)
        new.paint(.error, x: 2, y: 0, width: 1)
        #expect(FrameDiff.runs(from: old, to: new) == [
            FrameRun(x: 0, y: 0, role: .selected, text: ["a", "b"]),
            FrameRun(x: 2, y: 0, role: .error, text: ["c"]),
        ])
    }

    @Test func wideCharactersAreWrittenWhole() {
        let old = buffer(["a漢b"])
        let new = buffer(["a字b"])
        #expect(FrameDiff.runs(from: old, to: new) == [FrameRun(x: 1, y: 0, role: .normal, text: ["字"])])
        // Only the right half changed (a narrow character replaced it): the pair is redrawn.
        var half = old
        half[2, 0] = Cell("x")
        #expect(FrameDiff.runs(from: old, to: half) == [FrameRun(x: 1, y: 0, role: .normal, text: ["漢", "x"])])
    }

    @Test func aSizeChangeRepaintsEverything() {
        let old = buffer(["abc"], columns: 3)
        let new = buffer(["abc"], columns: 4)
        #expect(FrameDiff.runs(from: old, to: new) == [FrameRun(x: 0, y: 0, role: .normal, text: Array("abc "))])
    }
}
