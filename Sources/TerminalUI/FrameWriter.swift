import CNcursesShim
import DashboardUI

/// Sends frames to curses: only the cells that differ from the previous frame,
/// then one refresh. Must be used on the thread that owns the terminal.
public final class FrameWriter {
    private var previous: CellBuffer?
    private var colors: ColorPairs
    private var scalars: [UInt32] = []

    public init(colors: ColorPairs) {
        self.colors = colors
    }

    /// New colours: the next frame repaints every cell.
    public func setColors(_ colors: ColorPairs) {
        self.colors = colors
        invalidate()
    }

    /// Forgets the previous frame (resize, new colours): the next write clears and repaints.
    public func invalidate() {
        previous = nil
    }

    /// Writes the cells of `frame` that changed; returns how many runs were written.
    @discardableResult
    public func write(_ frame: CellBuffer) -> Int {
        if previous == nil || previous?.size != frame.size { zk_term_clear() }
        let runs = FrameDiff.runs(from: previous, to: frame)
        for run in runs {
            scalars.removeAll(keepingCapacity: true)
            for character in run.text {
                for scalar in character.unicodeScalars { scalars.append(scalar.value) }
            }
            let style = colors.style(for: run.role)
            scalars.withUnsafeBufferPointer { buffer in
                zk_term_put(Int32(run.y), Int32(run.x), buffer.baseAddress, Int32(buffer.count), style.pair, style.attributes.rawValue)
            }
        }
        zk_term_refresh()
        previous = frame
        return runs.count
    }
}
