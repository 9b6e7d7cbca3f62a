/// A fixed-capacity history: appending past capacity drops the oldest value.
/// Used for per-metric sparklines; O(1) append, no reallocation after warm-up.
public struct RingBuffer<Element: Sendable>: Sendable, Sequence {
    public let capacity: Int
    private var storage: [Element] = []
    private var head = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "a ring buffer needs room for one value")
        self.capacity = capacity
        storage.reserveCapacity(capacity)
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    public mutating func append(_ value: Element) {
        if storage.count < capacity {
            storage.append(value)
        } else {
            storage[head] = value
            head = (head + 1) % capacity
        }
    }

    /// Oldest first.
    public var values: [Element] { Array(storage[head...] + storage[..<head]) }
    public var last: Element? { storage.isEmpty ? nil : storage[(head + storage.count - 1) % storage.count] }

    public func makeIterator() -> IndexingIterator<[Element]> { values.makeIterator() }
}
