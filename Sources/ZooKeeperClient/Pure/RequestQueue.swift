// Requests between the caller and the server: held until a connection is up,
// then in flight until their reply. Replies come back in send order, so the
// in-flight list is a FIFO and a reply must match its head (Apache's
// pendingQueue); anything else means the stream is broken.

import ZooKeeperProtocol

/// Identifies one caller waiting for a reply.
typealias RequestToken = Int

/// A watch to register when the request's reply arrives (Apache's
/// WatchRegistration): whether it is registered depends on the reply's code.
struct PendingWatch: Sendable, Hashable {
    enum Request: Sendable, Hashable {
        case getData
        case exists
        case getChildren
        case addWatch(recursive: Bool)
    }

    var watcher: WatcherID
    /// Client path (chroot removed).
    var path: String
    var request: Request

    /// Where the watch goes for a reply code, or nil if it is not registered.
    func kind(for code: ErrorCode) -> WatchKind? {
        switch (request, code) {
        case (.getData, .ok): .data
        case (.exists, .ok): .data
        // Apache's ExistsWatchRegistration: a missing node gets an exist watch,
        // which fires when the node is created.
        case (.exists, .noNode): .exist
        case (.getChildren, .ok): .child
        case (.addWatch(false), .ok): .persistent
        case (.addWatch(true), .ok): .persistentRecursive
        default: nil
        }
    }
}

struct PendingRequest: Sendable {
    /// nil for the client's own requests (setWatches, removeWatches of a
    /// cancelled stream), whose replies only need matching.
    var token: RequestToken?
    var request: ClientRequest
    var expected: ExpectedReply
    var watch: PendingWatch?
    /// Assigned when sent.
    var xid: Int32 = 0

    init(token: RequestToken?, request: ClientRequest, expected: ExpectedReply, watch: PendingWatch? = nil) {
        self.token = token
        self.request = request
        self.expected = expected
        self.watch = watch
    }
}

struct RequestQueue: Sendable {
    private(set) var unsent: [PendingRequest] = []
    private var inFlight: [PendingRequest] = []
    /// Index of the oldest in-flight request; popped entries are dropped in bulk.
    private var inFlightHead = 0
    private var lastXid: Int32 = 0

    var inFlightCount: Int { inFlight.count - inFlightHead }

    mutating func enqueue(_ request: PendingRequest) {
        unsent.append(request)
    }

    /// Gives `request` its xid (setWatches keeps its special -8), records it as
    /// in flight and returns its frame.
    mutating func send(_ request: PendingRequest) -> [UInt8] {
        var request = request
        switch request.request {
        case .setWatches, .setWatches2: request.xid = SpecialXid.setWatches
        default: request.xid = nextXid()
        }
        inFlight.append(request)
        var writer = JuteWriter()
        writer.writeFrame { request.request.encode(xid: request.xid, to: &$0) }
        return writer.bytes
    }

    /// Every held request, in order; they are no longer held.
    mutating func takeUnsent() -> [PendingRequest] {
        defer { unsent = [] }
        return unsent
    }

    mutating func removeUnsent(token: RequestToken) -> PendingRequest? {
        guard let index = unsent.firstIndex(where: { $0.token == token }) else { return nil }
        return unsent.remove(at: index)
    }

    /// The in-flight request a reply answers. nil when the reply does not
    /// match the oldest request; that request then stays, to be failed with
    /// the connection.
    mutating func popInFlight(xid: Int32) -> PendingRequest? {
        guard inFlightHead < inFlight.count, inFlight[inFlightHead].xid == xid else { return nil }
        let request = inFlight[inFlightHead]
        inFlightHead += 1
        if inFlightHead == inFlight.count {
            inFlight.removeAll(keepingCapacity: true)
            inFlightHead = 0
        } else if inFlightHead >= 64 && inFlightHead * 2 >= inFlight.count {
            inFlight.removeSubrange(0..<inFlightHead)
            inFlightHead = 0
        }
        return request
    }

    /// The xid the next reply should carry, for error messages.
    var expectedXid: Int32? {
        inFlightHead < inFlight.count ? inFlight[inFlightHead].xid : nil
    }

    /// Everything in flight (the connection is gone), oldest first.
    mutating func takeInFlight() -> [PendingRequest] {
        defer {
            inFlight = []
            inFlightHead = 0
        }
        return Array(inFlight[inFlightHead...])
    }

    /// Apache's ClientCnxn.getXid: start at 1 and wrap before going negative,
    /// since negative xids are the special ones (ZOOKEEPER-3713).
    private mutating func nextXid() -> Int32 {
        if lastXid == Int32.max { lastXid = 0 }
        lastXid += 1
        return lastXid
    }
}
