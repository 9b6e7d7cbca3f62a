import DashboardUI

/// A stretch of changed cells on one row that share a role: one curses write.
public struct FrameRun: Equatable, Sendable {
    public var x: Int
    public var y: Int
    public var role: StyleRole
    /// The characters to write (continuation cells of wide characters left out).
    public var text: [Character]

    public init(x: Int, y: Int, role: StyleRole, text: [Character]) {
        self.x = x
        self.y = y
        self.role = role
        self.text = text
    }
}

/// Which cells changed between two frames. Pure: `FrameWriter` sends the runs to curses.
public enum FrameDiff {
    /// The runs that turn `previous` into `next`; every cell when there is no
    /// previous frame or its size differs. A wide character and its right half
    /// are always written together.
    public static func runs(from previous: CellBuffer?, to next: CellBuffer) -> [FrameRun] {
        let columns = next.size.columns
        let rows = next.size.rows
        guard columns > 0, rows > 0 else { return [] }
        let oldCells = previous.flatMap { $0.size == next.size ? $0.cells : nil }
        let cells = next.cells
        var runs: [FrameRun] = []
        var changed = [Bool](repeating: false, count: columns)
        for y in 0..<rows {
            let base = y * columns
            var any = false
            for x in 0..<columns {
                let differs = oldCells.map { $0[base + x] != cells[base + x] } ?? true
                changed[x] = differs
                if differs { any = true }
            }
            guard any else { continue }
            // Pair wide characters with their right halves.
            for x in 1..<max(1, columns) where changed[x] {
                let wasContinuation = oldCells.map { $0[base + x].isContinuation } ?? false
                if cells[base + x].isContinuation || wasContinuation { changed[x - 1] = true }
            }
            for x in 0..<(columns - 1) where changed[x] && cells[base + x + 1].isContinuation {
                changed[x + 1] = true
            }
            var x = 0
            while x < columns {
                guard changed[x] else { x += 1; continue }
                let role = cells[base + x].role
                var text: [Character] = []
                let start = x
                while x < columns, changed[x] {
                    let cell = cells[base + x]
                    if cell.isContinuation {
                        // The right half follows its left half; an orphan one is blanked.
                        if x == start { text.append(" ") }
                        x += 1
                        continue
                    }
                    if x > start, cell.role != role { break }
                    text.append(cell.character)
                    x += 1
                }
                runs.append(FrameRun(x: start, y: y, role: role, text: text))
            }
        }
        return runs
    }
}
