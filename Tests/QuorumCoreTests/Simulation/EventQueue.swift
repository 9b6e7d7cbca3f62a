/// The simulator's agenda: a binary min-heap ordered by time, then by the
/// order of scheduling, so that two events due at the same millisecond run in
/// the order they were scheduled. That tie-break is what makes a run a pure
/// function of its seed, and what keeps a simulated TCP stream in order.
struct EventQueue<Payload> {
    private struct Entry {
        var at: Int64
        var sequence: UInt64
        var payload: Payload

        func precedes(_ other: Entry) -> Bool {
            at != other.at ? at < other.at : sequence < other.sequence
        }
    }

    private var heap: [Entry] = []
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    /// When the next event is due.
    var nextTime: Int64? { heap.first?.at }

    mutating func push(_ payload: Payload, at time: Int64) {
        heap.append(Entry(at: time, sequence: nextSequence, payload: payload))
        nextSequence += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (at: Int64, payload: Payload)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return (first.at, first.payload)
    }
}
