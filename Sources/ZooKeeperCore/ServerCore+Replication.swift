import ZooKeeperProtocol

/// The core in an ensemble: a leader preps its learners' writes; a learner
/// applies what its leader committed and reports session activity.
extension ServerCore {
    // MARK: Leader

    /// A write from a learner's client, prepped here like a local one. No
    /// reply goes out: the learner answers its client when the txn commits.
    public mutating func receiveForwarded(_ request: ForwardedRequest, nowMs: Int64) -> [CoreEffect] {
        guard role == .leader else { return [.log("forwarded request ignored: this server is not the leader")] }
        let header = RequestHeader(xid: request.cxid, type: request.opCode)
        if request.opCode == OpCode.createSession.rawValue {
            var reader = JuteReader(request.body)
            guard let timeoutMs = try? reader.readInt() else {
                return submitMarshallingError(sessionId: request.sessionId, xid: request.cxid, connection: nil, nowMs: nowMs)
            }
            // The learner negotiated the timeout and allocated the id.
            sessions.add(id: request.sessionId, timeoutMs: Int(timeoutMs), nowMs: nowMs)
            return submitWrite(
                nil, header, body: .createSession(CreateSessionTxn(timeOut: timeoutMs)),
                sessionId: request.sessionId, nowMs: nowMs, connectRequest: nil)
        }
        sessions.touch(request.sessionId, nowMs: nowMs)
        var reader = JuteReader(request.body)
        guard let decoded = try? ClientRequest.decode(header: header, body: &reader) else {
            return submitMarshallingError(sessionId: request.sessionId, xid: request.cxid, connection: nil, nowMs: nowMs)
        }
        // A sync needs no txn: the shell answers it once what came before it
        // is committed. Reads are never forwarded.
        guard decoded.isWrite else { return [] }
        let caller = Caller(sessionId: request.sessionId, authIds: request.authIds)
        let effects = prepAndSubmit(decoded, caller: caller, xid: request.cxid, nowMs: nowMs)
        if case .closeSession = decoded { sessions.markClosing(request.sessionId) }
        return effects
    }

    /// Learners' reports of client activity: those sessions live on.
    public mutating func touchSessions(_ touches: [SessionTouch], nowMs: Int64) {
        for touch in touches { sessions.touch(touch.sessionId, nowMs: nowMs) }
    }

    // MARK: Learner

    /// Sessions with client activity since the last call, for the leader
    /// (sent with each ping answer).
    public mutating func takeSessionTouches() -> [SessionTouch] {
        defer { sessionTouches.removeAll(keepingCapacity: true) }
        return sessionTouches.sorted { $0.key < $1.key }.map { SessionTouch(sessionId: $0.key, timeoutMs: $0.value) }
    }

    /// A learner only: the leader committed this txn (`payload` as `.append`
    /// carries it). Applies it like a standalone server applies its own, and
    /// answers the local request it completes.
    public mutating func applyCommitted(zxid: Int64, payload: [UInt8], nowMs: Int64) -> [CoreEffect] {
        guard role.isLearner else { return [.log("committed txn 0x\(hex(zxid)) ignored: this server is not a learner")] }
        // Older txns are already in the tree (a snapshot or an earlier commit).
        guard zxid > tree.lastProcessedZxid else { return [] }
        let entry: TxnEntry
        do {
            entry = try TxnEntry(juteBytes: payload, maxBufferBytes: Int.max)
        } catch {
            return [.log("committed txn 0x\(hex(zxid)) does not decode: \(error)")]
        }
        guard entry.header.zxid == zxid else {
            return [.log("committed txn 0x\(hex(zxid)) holds a txn for 0x\(hex(entry.header.zxid))")]
        }
        lastPreppedZxid = max(lastPreppedZxid, zxid)
        if case .createSession(let txn) = entry.body {
            sessions.add(id: entry.header.clientId, timeoutMs: Int(txn.timeOut), nowMs: nowMs)
        }
        let waiter = forwardWaiter(sessionId: entry.header.clientId, cxid: entry.header.cxid)
        return apply(entry.header, entry.body, touchedPaths: [], waiter: waiter, nowMs: nowMs)
    }

    /// The leader answered a forwarded sync: the client hears of it now,
    /// with the path it asked about, and its queued reads follow.
    public mutating func syncAnswered(sessionId: Int64, cxid: Int32, path: String, nowMs: Int64) -> [CoreEffect] {
        guard let waiter = forwardWaiter(sessionId: sessionId, cxid: cxid), waiter.opCode == .sync,
              case .awaitingForward(_, _, _, let syncPath) = waiter.queued else { return [] }
        var outcome = TxnOutcome()
        outcome.path = syncPath ?? path
        return reply(waiter, outcome, nowMs: nowMs)
    }

    /// A learner serves clients only while it follows a leader: when it stops,
    /// every client connection is closed so clients move to another server.
    public mutating func setServing(_ serving: Bool) -> [CoreEffect] {
        isServing = serving
        guard !serving else { return [] }
        return connections.keys.sorted().map { .close($0, reason: "not serving: this server lost its leader or quorum") }
    }

    /// The local request a txn or sync answer completes: the front of the
    /// session's connection, when that waits for this cxid (a session's
    /// requests reach the leader, and come back, in order).
    func forwardWaiter(sessionId: Int64, cxid: Int32) -> Waiter? {
        guard let id = sessionConnections[sessionId], let front = connections[id]?.front,
              case .awaitingForward(let queuedCxid, let opCode, let receivedAtMs, _) = front, queuedCxid == cxid else { return nil }
        return Waiter(connection: id, queued: front, xid: cxid, opCode: opCode, receivedAtMs: receivedAtMs,
                      connectRequest: opCode == .createSession ? connections[id]?.pendingConnect : nil)
    }

    /// Learner: the leader preps this request; the connection's later reads
    /// wait behind it, as behind a local write.
    mutating func forward(
        _ id: ConnectionID, sessionId: Int64, _ header: RequestHeader, body: [UInt8], queuedAs opCode: OpCode,
        syncPath: String? = nil, nowMs: Int64
    ) -> CoreEffect {
        connections[id]?.enqueue(.awaitingForward(cxid: header.xid, opCode: opCode, receivedAtMs: nowMs, syncPath: syncPath))
        return .forward(ForwardedRequest(
            sessionId: sessionId, cxid: header.xid, opCode: header.type, body: body, authIds: connections[id]?.authIds ?? []))
    }

    /// Learner: only the leader expires sessions, so it hears of every
    /// session that had client activity here.
    mutating func reportActivity(_ sessionId: Int64, timeoutMs: Int) {
        if role.isLearner { sessionTouches[sessionId] = Int32(timeoutMs) }
    }
}
