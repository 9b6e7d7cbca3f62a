import ZooKeeperProtocol

/// What the shell must do after the core handled an input. Order matters:
/// the shell performs effects in the order given.
public enum CoreEffect: Sendable, Equatable {
    /// Write these bytes (one or more whole frames) to the connection.
    case send(ConnectionID, [UInt8])
    /// Close the connection after writing what was sent before.
    case close(ConnectionID, reason: String)
    /// Append a txn to the log. It counts only once the shell reports it
    /// durable through `synced(upTo:)`; replies wait for that.
    case append(zxid: Int64, payload: [UInt8])
    /// Stop or resume reading from a connection that has too much queued.
    case setReading(ConnectionID, Bool)
    /// `snapCount` txns since the last snapshot: take one now.
    case snapshotDue
    case log(String)
}

/// The standalone server as a pure state machine: connections, sessions,
/// requests and durable-log acknowledgements in; frames, log appends and
/// closes out. It never reads a clock (times come with the inputs) or a socket.
public struct ServerCore: Sendable {
    public let settings: ServerSettings
    public private(set) var tree: DataTree
    public private(set) var sessions: SessionTracker
    public internal(set) var watches = WatchManager()
    public internal(set) var connections: [ConnectionID: ConnectionState] = [:]
    public internal(set) var counters = ServerCounters()
    /// Zxid of the newest txn handed to the log (applied or not).
    public private(set) var lastPreppedZxid: Int64
    public private(set) var txnsSinceSnapshot = 0
    var pending = PendingChanges()
    var inFlight: [InFlightTxn] = []
    var inFlightHead = 0
    var sessionConnections: [Int64: ConnectionID] = [:]
    let access: AccessControl
    var lastContainerCheckMs: Int64 = 0

    struct InFlightTxn: Sendable {
        var header: TxnHeader
        var body: TxnBody
        var connection: ConnectionID?
        var xid: Int32
        var opCode: OpCode
        var receivedAtMs: Int64
        var touchedPaths: [String]
        var connectRequest: ConnectRequest?
    }

    public init(settings: ServerSettings, tree: DataTree = DataTree(), sessions restored: [Int64: Int] = [:], nowMs: Int64) {
        self.settings = settings
        self.tree = tree
        self.access = AccessControl(superDigest: settings.superDigest)
        var tracker = SessionTracker(tickTimeMs: settings.tickTimeMs, serverId: settings.serverId, startTimeMs: nowMs)
        // Restored sessions get a fresh full timeout, as Apache's loadData does.
        for (id, timeoutMs) in restored { tracker.add(id: id, timeoutMs: timeoutMs, nowMs: nowMs) }
        sessions = tracker
        lastPreppedZxid = tree.lastProcessedZxid
        lastContainerCheckMs = nowMs
    }

    /// Sessions and their timeouts, for snapshots.
    public var sessionTimeouts: [Int64: Int] { sessions.sessions.mapValues(\.timeoutMs) }
    public var outstandingRequests: Int { connections.values.reduce(0) { $0 + $1.outstandingRequests } }
    public var inFlightCount: Int { inFlight.count - inFlightHead }

    /// A four-letter word counts as one received packet, as in Apache
    /// (`packetReceived(4)` before the command runs).
    public mutating func countFourLetterWord(_ id: ConnectionID) {
        counters.packetsReceived += 1
        connections[id]?.packetsReceived += 1
    }

    public mutating func resetCounters() {
        counters = ServerCounters()
    }

    public mutating func resetConnectionCounters() {
        for id in connections.keys {
            connections[id]?.packetsReceived = 0
            connections[id]?.packetsSent = 0
            connections[id]?.latency.reset()
            connections[id]?.lastLatencyMs = 0
            connections[id]?.lastCxid = -1
            connections[id]?.lastZxid = -1
            connections[id]?.lastOperation = "NA"
        }
    }

    // MARK: Connections

    public mutating func connectionOpened(_ id: ConnectionID, remoteAddress: String, remotePort: Int, nowMs: Int64) {
        connections[id] = ConnectionState(id: id, remoteAddress: remoteAddress, remotePort: remotePort, openedAtMs: nowMs)
    }

    /// The socket is gone. The session lives on until it expires or the
    /// client reconnects; the connection's watches go with it.
    public mutating func connectionClosed(_ id: ConnectionID) {
        guard let connection = connections.removeValue(forKey: id) else { return }
        watches.removeWatcher(id)
        if connection.sessionId != 0, sessionConnections[connection.sessionId] == id {
            sessionConnections[connection.sessionId] = nil
        }
    }

    /// The first frame of a connection.
    public mutating func receiveConnect(_ id: ConnectionID, _ request: ConnectRequest, nowMs: Int64) -> [CoreEffect] {
        guard connections[id] != nil else { return [] }
        counters.packetsReceived += 1
        connections[id]?.packetsReceived += 1
        if request.lastZxidSeen > tree.lastProcessedZxid {
            return [.close(id, reason: "client has seen zxid 0x\(hex(request.lastZxidSeen)) our last zxid is 0x\(hex(tree.lastProcessedZxid)); client must try another server")]
        }
        let timeoutMs = min(max(Int(request.timeOut), settings.minSessionTimeoutMs), settings.maxSessionTimeoutMs)
        connections[id]?.sessionTimeoutMs = timeoutMs
        if request.sessionId == 0 {
            let sessionId = sessions.allocateSessionId()
            sessions.add(id: sessionId, timeoutMs: timeoutMs, nowMs: nowMs)
            connections[id]?.sessionId = sessionId
            sessionConnections[sessionId] = id
            let header = RequestHeader(xid: 0, type: OpCode.createSession.rawValue)
            return submitWrite(
                id, header, body: .createSession(CreateSessionTxn(timeOut: Int32(timeoutMs))),
                sessionId: sessionId, nowMs: nowMs, connectRequest: request)
        }
        // Reconnect: the password is derived from the session id, so any server
        // that knows the id can check it (as Apache's generatePasswd).
        let valid = request.passwd == SessionPassword.derive(request.sessionId) && sessions.isAlive(request.sessionId)
        var effects: [CoreEffect] = []
        // Apache closes the session's current connection on any reconnect
        // attempt, before it checks the password.
        if let previous = sessionConnections[request.sessionId], previous != id {
            effects.append(.close(previous, reason: "client reconnecting to session 0x\(hex(request.sessionId))"))
            sessionConnections[request.sessionId] = nil
        }
        if valid {
            sessions.retime(request.sessionId, timeoutMs: timeoutMs, nowMs: nowMs)
            sessionConnections[request.sessionId] = id
            connections[id]?.sessionId = request.sessionId
            connections[id]?.isEstablished = true
        }
        let response = ConnectResponse(
            protocolVersion: 0, timeOut: valid ? Int32(timeoutMs) : 0, sessionId: valid ? request.sessionId : 0,
            passwd: valid ? SessionPassword.derive(request.sessionId) : [UInt8](repeating: 0, count: 16),
            readOnly: false, hasReadOnlyField: request.hasReadOnlyField)
        effects.append(sendFrame(id, record: response, nowMs: nowMs))
        if !valid {
            effects.append(.close(id, reason: "invalid session 0x\(hex(request.sessionId)) or password; telling the client it expired"))
        }
        return effects
    }

    /// A request after the handshake.
    public mutating func receive(_ id: ConnectionID, _ header: RequestHeader, _ request: ClientRequest, nowMs: Int64) -> [CoreEffect] {
        guard let connection = connections[id] else { return [] }
        counters.packetsReceived += 1
        connections[id]?.packetsReceived += 1
        guard connection.sessionId != 0 else {
            return [.close(id, reason: "request before the session was established")]
        }
        sessions.touch(connection.sessionId, nowMs: nowMs)
        switch request {
        case .auth(let packet):
            return handleAuth(id, header, packet, nowMs: nowMs)
        case .createSession:
            return [.close(id, reason: "createSession after the handshake")]
        default:
            break
        }
        var effects: [CoreEffect] = []
        if request.isWrite {
            let caller = Caller(sessionId: connection.sessionId, authIds: connection.authIds)
            effects += prepAndSubmit(request, caller: caller, connection: id, xid: header.xid, nowMs: nowMs)
            if case .closeSession = request { sessions.markClosing(connection.sessionId) }
        } else if connection.outstandingRequests == 0 {
            effects += answerRead(id, header, request, receivedAtMs: nowMs, nowMs: nowMs)
        } else {
            connections[id]?.enqueue(.read(header: header, request: request, receivedAtMs: nowMs))
        }
        effects += throttle(id, onReceive: true)
        return effects
    }

    /// A request whose header decoded but whose body did not (or whose op
    /// code is unknown). Apache answers Unimplemented for unknown ops; a write
    /// with a bad body becomes an error txn (MarshallingError) that still
    /// takes a zxid; a read with a bad body gets MarshallingError.
    public mutating func receiveUndecodable(_ id: ConnectionID, _ header: RequestHeader, nowMs: Int64) -> [CoreEffect] {
        guard let connection = connections[id] else { return [] }
        counters.packetsReceived += 1
        connections[id]?.packetsReceived += 1
        guard connection.sessionId != 0 else { return [.close(id, reason: "request before the session was established")] }
        guard let opCode = OpCode(rawValue: header.type), opCode != .notification, opCode != .error else {
            // Apache answers Unimplemented and then drops the connection.
            return [sendReply(id, ReplyHeader(xid: header.xid, zxid: -1, err: .unimplemented), body: nil, nowMs: nowMs),
                    .close(id, reason: "unknown op code \(header.type)")]
        }
        let writes: Set<OpCode> = [.create, .create2, .createContainer, .createTTL, .delete, .deleteContainer, .setData, .setACL, .multi, .reconfig, .check]
        guard writes.contains(opCode) else {
            // Keep the connection's reply order: wait behind its pending writes.
            if connection.outstandingRequests > 0 {
                connections[id]?.enqueue(.undecodableRead(header: header, receivedAtMs: nowMs))
                return []
            }
            return [sendReply(id, ReplyHeader(xid: header.xid, zxid: tree.lastProcessedZxid, err: .marshallingError), body: nil, nowMs: nowMs)]
        }
        let zxid = lastPreppedZxid + 1
        let body = TxnBody.error(ErrorTxn(err: ErrorCode.marshallingError.rawValue))
        return submit(InFlightTxn(
            header: TxnHeader(clientId: connection.sessionId, cxid: header.xid, zxid: zxid, time: nowMs, type: OpCode.error.rawValue),
            body: body, connection: id, xid: header.xid, opCode: .error, receivedAtMs: nowMs, touchedPaths: []))
    }

    /// Reading pauses when a connection has too many requests queued and
    /// resumes at half. The pause is repeated for every request that still
    /// arrives over the limit, since the shell may have resumed reading for
    /// its own reason (a drained send buffer) meanwhile.
    private mutating func throttle(_ id: ConnectionID, onReceive: Bool = false) -> [CoreEffect] {
        guard let connection = connections[id] else { return [] }
        if onReceive && connection.outstandingRequests >= settings.maxOutstandingPerConnection {
            connections[id]?.isReadingPaused = true
            return [.setReading(id, false)]
        }
        if connection.isReadingPaused && connection.outstandingRequests <= settings.maxOutstandingPerConnection / 2 {
            connections[id]?.isReadingPaused = false
            return [.setReading(id, true)]
        }
        return []
    }

    private mutating func handleAuth(_ id: ConnectionID, _ header: RequestHeader, _ packet: AuthPacket, nowMs: Int64) -> [CoreEffect] {
        guard let ids = access.authenticate(scheme: packet.scheme, auth: packet.auth, remoteAddress: connections[id]?.remoteAddress ?? "") else {
            return [
                sendReply(id, ReplyHeader(xid: header.xid, zxid: 0, err: .authFailed), body: nil, nowMs: nowMs),
                .close(id, reason: "authentication failed for scheme \(packet.scheme)"),
            ]
        }
        for newId in ids where connections[id]?.authIds.contains(newId) == false {
            connections[id]?.authIds.append(newId)
        }
        // Apache answers auth packets with zxid 0.
        return [sendReply(id, ReplyHeader(xid: header.xid, zxid: 0, err: .ok), body: nil, nowMs: nowMs)]
    }

    // MARK: The write pipeline

    private mutating func submitWrite(
        _ id: ConnectionID, _ header: RequestHeader, body: TxnBody, sessionId: Int64, nowMs: Int64, connectRequest: ConnectRequest?
    ) -> [CoreEffect] {
        let zxid = lastPreppedZxid + 1
        return submit(InFlightTxn(
            header: TxnHeader(clientId: sessionId, cxid: header.xid, zxid: zxid, time: nowMs, type: body.opCode.rawValue),
            body: body, connection: id, xid: header.xid, opCode: OpCode(rawValue: header.type) ?? .error,
            receivedAtMs: nowMs, touchedPaths: [], connectRequest: connectRequest))
    }

    /// Prep a write against the tree plus pending changes, then hand its txn
    /// to the log. `accept` may refuse the prepped txn (nothing is recorded).
    private mutating func prepAndSubmit(
        _ request: ClientRequest, caller: Caller, connection: ConnectionID? = nil, xid: Int32 = 0,
        txnType: OpCode? = nil, nowMs: Int64, accept: (TxnBody) -> Bool = { _ in true }
    ) -> [CoreEffect] {
        var prep = RequestPrep(tree: tree, pending: pending, access: access, sessions: sessions)
        let zxid = lastPreppedZxid + 1
        let body = prep.prep(request, caller: caller, zxid: zxid, time: nowMs)
        guard accept(body) else { return [] }
        pending = prep.pending
        let type = txnType ?? body.opCode
        return submit(InFlightTxn(
            header: TxnHeader(clientId: caller.sessionId, cxid: xid, zxid: zxid, time: nowMs, type: type.rawValue),
            body: body, connection: connection, xid: xid, opCode: txnType ?? request.opCode, receivedAtMs: nowMs,
            touchedPaths: prep.touchedPaths))
    }

    private mutating func submit(_ txn: InFlightTxn) -> [CoreEffect] {
        lastPreppedZxid = txn.header.zxid
        if let id = txn.connection { connections[id]?.enqueue(.awaitingTxn(zxid: txn.header.zxid)) }
        inFlight.append(txn)
        var writer = JuteWriter(capacity: 128)
        writer.write(TxnEntry(header: txn.header, body: txn.body))
        return [.append(zxid: txn.header.zxid, payload: writer.bytes)]
    }

    /// The log is durable up to `zxid`: apply those txns in order, fire their
    /// watches, answer their requests and the reads queued behind them.
    public mutating func synced(upTo zxid: Int64, nowMs: Int64) -> [CoreEffect] {
        var effects: [CoreEffect] = []
        while inFlightHead < inFlight.count, inFlight[inFlightHead].header.zxid <= zxid {
            let txn = inFlight[inFlightHead]
            inFlightHead += 1
            effects += apply(txn, nowMs: nowMs)
        }
        if inFlightHead > 256 && inFlightHead * 2 > inFlight.count {
            inFlight.removeFirst(inFlightHead)
            inFlightHead = 0
        }
        return effects
    }

    private mutating func apply(_ txn: InFlightTxn, nowMs: Int64) -> [CoreEffect] {
        var effects: [CoreEffect] = []
        let outcome = tree.apply(txn.header, txn.body)
        pending.applied(upTo: txn.header.zxid, paths: txn.touchedPaths)
        txnsSinceSnapshot += 1
        // Watch events go out before the reply, so a client sees the event
        // before it can read the data that caused it.
        for (watcher, event) in watches.fire(outcome.triggers) {
            guard let connection = connections[watcher] else { continue }
            if let acl = outcome.eventACLs[event.path], !access.isAllowed(.read, acl: acl, authIds: connection.authIds) { continue }
            effects.append(sendReply(watcher, ReplyHeader(xid: SpecialXid.notification, zxid: -1, err: .ok), body: event, nowMs: nowMs))
        }
        switch txn.body {
        case .closeSession:
            sessions.remove(txn.header.clientId)
            if let connectionId = sessionConnections.removeValue(forKey: txn.header.clientId) {
                if let id = txn.connection, id == connectionId {
                    effects += reply(txn, outcome, nowMs: nowMs)
                }
                effects.append(.close(connectionId, reason: "closed session 0x\(hex(txn.header.clientId))"))
            }
        case .createSession:
            if let id = txn.connection, connections[id] != nil, let request = txn.connectRequest {
                connections[id]?.isEstablished = true
                let response = ConnectResponse(
                    protocolVersion: 0, timeOut: Int32(connections[id]?.sessionTimeoutMs ?? 0), sessionId: txn.header.clientId,
                    passwd: SessionPassword.derive(txn.header.clientId), readOnly: false,
                    hasReadOnlyField: request.hasReadOnlyField)
                popAwaiting(id, txn.header.zxid)
                effects.append(sendFrame(id, record: response, nowMs: nowMs))
                effects += drainReads(id, nowMs: nowMs)
            }
        default:
            effects += reply(txn, outcome, nowMs: nowMs)
        }
        if txnsSinceSnapshot >= max(1, settings.snapCount) {
            txnsSinceSnapshot = 0
            effects.append(.snapshotDue)
        }
        return effects
    }

    private mutating func popAwaiting(_ id: ConnectionID, _ zxid: Int64) {
        if case .awaitingTxn(let front)? = connections[id]?.front, front == zxid {
            connections[id]?.popFront()
        }
    }

    private mutating func reply(_ txn: InFlightTxn, _ outcome: TxnOutcome, nowMs: Int64) -> [CoreEffect] {
        guard let id = txn.connection, connections[id] != nil else { return [] }
        popAwaiting(id, txn.header.zxid)
        var err = outcome.err
        var body: (any JuteEncodable)?
        switch txn.opCode {
        case .create: body = CreateResponse(path: outcome.path ?? "")
        case .create2, .createContainer, .createTTL: body = Create2Response(path: outcome.path ?? "", stat: outcome.stat ?? Stat())
        case .setData: body = SetDataResponse(stat: outcome.stat ?? Stat())
        case .setACL: body = SetACLResponse(stat: outcome.stat ?? Stat())
        case .multi:
            // A multi's header is OK; errors travel in the per-op results.
            err = .ok
            body = MultiResponse(results: outcome.multiResults ?? [])
        default: body = nil
        }
        if err != .ok { body = nil }
        recordLatency(id, op: txn.opCode, cxid: txn.xid, receivedAtMs: txn.receivedAtMs, nowMs: nowMs)
        var effects = [sendReply(id, ReplyHeader(xid: txn.xid, zxid: tree.lastProcessedZxid, err: err), body: body, nowMs: nowMs)]
        effects += drainReads(id, nowMs: nowMs)
        effects += throttle(id)
        return effects
    }

    /// Answers the reads that waited behind a write, up to the next write.
    private mutating func drainReads(_ id: ConnectionID, nowMs: Int64) -> [CoreEffect] {
        var effects: [CoreEffect] = []
        while let front = connections[id]?.front {
            switch front {
            case .awaitingTxn:
                return effects
            case .read(let header, let request, let receivedAtMs):
                connections[id]?.popFront()
                effects += answerRead(id, header, request, receivedAtMs: receivedAtMs, nowMs: nowMs)
            case .undecodableRead(let header, let receivedAtMs):
                connections[id]?.popFront()
                recordLatency(id, op: OpCode(rawValue: header.type) ?? .error, cxid: header.xid, receivedAtMs: receivedAtMs, nowMs: nowMs)
                effects.append(sendReply(id, ReplyHeader(xid: header.xid, zxid: tree.lastProcessedZxid, err: .marshallingError), body: nil, nowMs: nowMs))
            }
        }
        return effects
    }

    mutating func recordLatency(_ id: ConnectionID, op: OpCode, cxid: Int32, receivedAtMs: Int64, nowMs: Int64) {
        let latencyMs = max(0, nowMs - receivedAtMs)
        counters.latency.record(latencyMs)
        connections[id]?.latency.record(latencyMs)
        connections[id]?.lastLatencyMs = latencyMs
        connections[id]?.lastOperation = op.lastOperationCode
        connections[id]?.lastCxid = cxid
        connections[id]?.lastZxid = tree.lastProcessedZxid
        connections[id]?.lastResponseAtMs = nowMs
    }

    // MARK: Time

    /// Expires sessions whose deadline passed and removes empty containers.
    public mutating func tick(nowMs: Int64) -> [CoreEffect] {
        var effects: [CoreEffect] = []
        for session in sessions.expire(nowMs: nowMs) {
            effects.append(.log("expiring session 0x\(hex(session.id)), timeout of \(session.timeoutMs)ms exceeded"))
            effects += prepAndSubmit(.closeSession, caller: Caller(sessionId: session.id, authIds: []), nowMs: nowMs)
        }
        if nowMs - lastContainerCheckMs >= Int64(settings.containerCheckIntervalMs) {
            lastContainerCheckMs = nowMs
            effects += removeEmptyContainers(nowMs: nowMs)
        }
        return effects
    }

    /// Apache's ContainerManager: a container that once had children and has
    /// none now is deleted (through the log, like any write).
    private mutating func removeEmptyContainers(nowMs: Int64) -> [CoreEffect] {
        var effects: [CoreEffect] = []
        for path in tree.containers.sorted() {
            guard let node = tree.node(path), node.children.isEmpty, node.cversion > 0 else { continue }
            // A container that gained a child meanwhile is left alone: no txn.
            effects += prepAndSubmit(
                .deleteContainer(path: path), caller: Caller(sessionId: 0, authIds: []), txnType: .deleteContainer,
                nowMs: nowMs, accept: { if case .delete = $0 { true } else { false } })
        }
        return effects
    }

    // MARK: Framing

    mutating func sendReply(_ id: ConnectionID, _ header: ReplyHeader, body: (any JuteEncodable)?, nowMs: Int64) -> CoreEffect {
        send(id) { writer in
            writer.write(header)
            body?.encode(to: &writer)
        }
    }

    mutating func sendFrame(_ id: ConnectionID, record: some JuteEncodable, nowMs: Int64) -> CoreEffect {
        send(id) { record.encode(to: &$0) }
    }

    /// One length-prefixed frame to a connection, counted for the reports.
    private mutating func send(_ id: ConnectionID, _ fill: (inout JuteWriter) -> Void) -> CoreEffect {
        var writer = JuteWriter(capacity: 64)
        writer.writeInt(0)
        fill(&writer)
        writer.patchInt(Int32(writer.bytes.count - 4), at: 0)
        counters.packetsSent += 1
        counters.recordResponse(sizeBytes: writer.bytes.count - 4)
        connections[id]?.packetsSent += 1
        return .send(id, writer.bytes)
    }
}

func hex(_ value: Int64) -> String {
    String(UInt64(bitPattern: value), radix: 16)
}

/// Session passwords are a function of the session id and a fixed secret, as
/// in Apache (`new Random(sessionId ^ superSecret).nextBytes`), so any server
/// can validate a reconnect.
public enum SessionPassword {
    static let secret: [UInt8] = Array("zkdash-session-secret-B3415C00".utf8)

    public static func derive(_ sessionId: Int64) -> [UInt8] {
        var input = secret
        let raw = UInt64(bitPattern: sessionId)
        for shift in stride(from: 56, through: 0, by: -8) { input.append(UInt8(truncatingIfNeeded: raw >> UInt64(shift))) }
        return Array(SHA1.hash(input).prefix(16))
    }
}
