import DequeModule

/// The committed txns a leader keeps in memory to bring learners up to date
/// by DIFF (Apache's committedLog): at most `capacity` of them, oldest first.
///
/// Appending and evicting are O(1); finding where a learner resumes is a
/// binary search. The txns live in one buffer behind a reference that this
/// value owns: a copy of the value shares it, and the first mutation after
/// that copies every txn. A state machine that holds a history must therefore
/// be mutated in place, never taken out of its holder, changed and put back
/// (a 3-node ensemble lost 10× its write throughput to that: every commit
/// copied up to 100k txns). `bufferCopies` counts such copies so tests can
/// assert there are none in steady state.
public struct TxnHistory: Sendable {
    /// Reference storage so a shared buffer is detectable and countable.
    private final class Buffer: @unchecked Sendable {
        // Mutated only through `TxnHistory` after a uniqueness check.
        var txns: Deque<ZabTxn>
        init(_ txns: Deque<ZabTxn>) { self.txns = txns }
    }

    public let capacity: Int
    /// Every txn at or below this zxid is gone from memory (in a snapshot, or
    /// evicted): a learner at or above it can be synced from here.
    public private(set) var floorZxid: Int64
    /// How often a mutation found the buffer shared and had to copy it.
    public private(set) var bufferCopies = 0
    private var buffer: Buffer

    /// `txns` are the committed txns above `floorZxid`, in zxid order; only
    /// the newest `capacity` are kept.
    public init(capacity: Int, floorZxid: Int64, txns: some Sequence<ZabTxn> = []) {
        precondition(capacity >= 0, "history capacity must not be negative")
        self.capacity = capacity
        self.floorZxid = floorZxid
        buffer = Buffer(Deque(txns))
        evictOverflow()
    }

    public var count: Int { buffer.txns.count }
    public var first: ZabTxn? { buffer.txns.first }
    /// The zxid this history ends at (its floor when it holds nothing).
    public var lastZxid: Int64 { buffer.txns.last?.zxid ?? floorZxid }

    /// Appends a committed txn (zxids must increase); the oldest goes when full.
    public mutating func append(_ txn: ZabTxn) {
        assert(txn.zxid > lastZxid, "history zxids must increase: \(txn.zxid) after \(lastZxid)")
        makeUnique()
        buffer.txns.append(txn)
        evictOverflow()
    }

    public mutating func append(contentsOf txns: some Sequence<ZabTxn>) {
        for txn in txns { append(txn) }
    }

    /// The newest txn at or below `zxid`, if it is still in memory.
    public func newest(atOrBelow zxid: Int64) -> ZabTxn? {
        let index = firstIndex(above: zxid)
        return index > 0 ? buffer.txns[index - 1] : nil
    }

    /// The txns above `zxid`, oldest first.
    public func txns(above zxid: Int64) -> [ZabTxn] {
        let txns = buffer.txns
        return Array(txns[firstIndex(above: zxid)...])
    }

    /// Index of the first txn with a zxid above `zxid` (binary search: zxids
    /// increase along the buffer).
    private func firstIndex(above zxid: Int64) -> Int {
        let txns = buffer.txns
        var low = 0
        var high = txns.count
        while low < high {
            let middle = (low + high) / 2
            if txns[middle].zxid <= zxid { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private mutating func makeUnique() {
        guard !isKnownUniquelyReferenced(&buffer) else { return }
        bufferCopies += 1
        // The Deque's storage is copied by the mutation that follows, once;
        // from then on this value owns it alone.
        buffer = Buffer(buffer.txns)
    }

    private mutating func evictOverflow() {
        let excess = buffer.txns.count - capacity
        guard excess > 0 else { return }
        floorZxid = buffer.txns[excess - 1].zxid
        buffer.txns.removeFirst(excess)
    }
}
