import ZooKeeperAdmin
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
    /// Learner only: hand this client request to the leader.
    case forward(ForwardedRequest)
    /// A reconfig txn was applied: /zookeeper/config now holds this
    /// membership (QuorumMembership text); the quorum shell adopts it.
    case reconfigured(String)
}

/// Apache's `new SetSASLResponse(null)` after a refused login.
struct NullSASLToken: JuteEncodable {
    func encode(to writer: inout JuteWriter) { writer.writeBuffer(nil) }
}

/// The server as a pure state machine: connections, sessions, requests and
/// durable-log acknowledgements in; frames, log appends and closes out. It
/// never reads a clock (times come with the inputs) or a socket.
///
/// In an ensemble the same core runs as the leader (it preps every write, its
/// own clients' and those learners forward; `synced(upTo:)` then means
/// committed by a quorum) or as a learner (it forwards writes, applies what
/// the leader commits through `applyCommitted`, and answers reads itself).
public struct ServerCore: Sendable {
    public let settings: ServerSettings
    public let role: ServerRole
    /// A learner serves clients only while it follows a leader.
    public internal(set) var isServing: Bool
    public private(set) var tree: DataTree
    public internal(set) var sessions: SessionTracker
    public internal(set) var watches = WatchManager()
    public internal(set) var connections: [ConnectionID: ConnectionState] = [:]
    public internal(set) var counters = ServerCounters()
    /// Zxid of the newest txn handed to the log (applied or not).
    public internal(set) var lastPreppedZxid: Int64
    public private(set) var txnsSinceSnapshot = 0
    /// A quorum leader's view for `reconfig` (Reconfig.swift), kept current by
    /// the shell; nil elsewhere, where prep answers `reconfig` Unimplemented.
    public var reconfig: ReconfigView?
    /// Txns after which the next snapshot is due: `snapCount` until the shell
    /// rolls Apache's jitter (`rollSnapshotThreshold`).
    public private(set) var snapshotThreshold: Int
    var pending = PendingChanges()
    var inFlight: [InFlightTxn] = []
    var inFlightHead = 0
    /// Connections whose reading stopped because `inFlight` reached its bound.
    var pausedForInFlight: Set<ConnectionID> = []
    var sessionConnections: [Int64: ConnectionID] = [:]
    let access: AccessControl
    var lastContainerCheckMs: Int64 = 0
    /// Learner: sessions with client activity since the last report to the
    /// leader, with the timeout their connection negotiated.
    var sessionTouches: [Int64: Int32] = [:]

    struct InFlightTxn: Sendable {
        var header: TxnHeader
        var body: TxnBody
        var connection: ConnectionID?
        var xid: Int32
        var opCode: OpCode
        var receivedAtMs: Int64
        var touchedPaths: [String]
        var connectRequest: ConnectRequest?

        var waiter: Waiter? {
            connection.map {
                Waiter(connection: $0, queued: .awaitingTxn(zxid: header.zxid), xid: xid, opCode: opCode,
                       receivedAtMs: receivedAtMs, connectRequest: connectRequest)
            }
        }
    }

    /// The request on this server that a txn (or, on a learner, the leader's
    /// sync answer) completes.
    struct Waiter: Sendable {
        var connection: ConnectionID
        /// Its entry in the connection's queue, taken off when it is answered.
        var queued: ConnectionState.Queued
        var xid: Int32
        /// Selects the reply body (create and create2 log the same txn).
        var opCode: OpCode
        var receivedAtMs: Int64
        /// Set for a session's first handshake, answered by a ConnectResponse.
        var connectRequest: ConnectRequest?
    }

    public init(
        settings: ServerSettings, tree: DataTree = DataTree(), sessions restored: [Int64: Int] = [:], nowMs: Int64,
        role: ServerRole = .standalone, epoch: Int64 = 0
    ) {
        self.settings = settings
        self.role = role
        isServing = !role.isLearner
        self.tree = tree
        self.access = AccessControl(superDigest: settings.superDigest, x509Enabled: settings.x509Enabled, saslEnabled: settings.sasl != nil)
        var tracker = SessionTracker(tickTimeMs: settings.tickTimeMs, serverId: settings.serverId, startTimeMs: nowMs)
        // Restored sessions get a fresh full timeout, as Apache's loadData does.
        for (id, timeoutMs) in restored { tracker.add(id: id, timeoutMs: timeoutMs, nowMs: nowMs) }
        sessions = tracker
        // A leader's zxids carry its epoch in the high 32 bits; its counter
        // starts over at 1 in a new epoch.
        lastPreppedZxid = role == .leader ? max(tree.lastProcessedZxid, epoch << 32) : tree.lastProcessedZxid
        lastContainerCheckMs = nowMs
        snapshotThreshold = max(1, settings.snapCount)
    }

    /// Apache's randRoll: the next snapshot comes after snapCount/2 + `roll`
    /// txns, `roll` drawn by the shell from 0..<snapCount/2, so the members of
    /// an ensemble do not all serialise their trees at the same moment (a
    /// quorum keeps committing at full speed while one member snapshots).
    public mutating func rollSnapshotThreshold(_ roll: Int) {
        let half = max(1, settings.snapCount) / 2
        snapshotThreshold = max(1, half + min(max(0, roll), max(0, half - 1)))
    }

    /// The rolls `rollSnapshotThreshold` takes: 0..<snapCount/2 (just 0 when
    /// that is empty).
    public var snapshotRollRange: Range<Int> {
        0..<max(1, max(1, settings.snapCount) / 2)
    }

    /// A quorum member's membership text for /zookeeper/config.
    public mutating func installQuorumConfig(_ data: [UInt8], nowMs: Int64) {
        tree.installConfig(data, nowMs: nowMs)
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
        guard isServing else { return [.close(id, reason: "This ZooKeeper instance is not currently serving requests")] }
        if request.lastZxidSeen > tree.lastProcessedZxid {
            return [.close(id, reason: "client has seen zxid 0x\(hex(request.lastZxidSeen)) our last zxid is 0x\(hex(tree.lastProcessedZxid)); client must try another server")]
        }
        let timeoutMs = min(max(Int(request.timeOut), settings.minSessionTimeoutMs), settings.maxSessionTimeoutMs)
        connections[id]?.sessionTimeoutMs = timeoutMs
        if request.sessionId == 0 {
            let sessionId = sessions.allocateSessionId()
            connections[id]?.sessionId = sessionId
            sessionConnections[sessionId] = id
            let header = RequestHeader(xid: 0, type: OpCode.createSession.rawValue)
            if role.isLearner {
                // The session exists once the leader commits its createSession
                // (applyCommitted adds it then and answers this handshake).
                connections[id]?.pendingConnect = request
                var timeout = JuteWriter(capacity: 4)
                timeout.writeInt(Int32(timeoutMs))
                return [forward(id, sessionId: sessionId, header, body: timeout.bytes, queuedAs: .createSession, nowMs: nowMs)]
            }
            sessions.add(id: sessionId, timeoutMs: timeoutMs, nowMs: nowMs)
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
            reportActivity(request.sessionId, timeoutMs: timeoutMs)
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
        guard let connection = connections[id]?.facts else { return [] }
        counters.packetsReceived += 1
        connections[id]?.packetsReceived += 1
        guard connection.sessionId != 0 else {
            return [.close(id, reason: "request before the session was established")]
        }
        sessions.touch(connection.sessionId, nowMs: nowMs)
        reportActivity(connection.sessionId, timeoutMs: connection.sessionTimeoutMs)
        switch request {
        case .auth(let packet):
            return handleAuth(id, header, packet, nowMs: nowMs)
        case .sasl(let sasl) where settings.sasl != nil:
            return handleSASL(id, header, sasl.token, nowMs: nowMs)
        case .createSession:
            return [.close(id, reason: "createSession after the handshake")]
        default:
            break
        }
        var effects: [CoreEffect] = []
        if role.isLearner && (request.isWrite || request.opCode == .sync) {
            // The leader preps writes; a sync goes there too so that its answer
            // comes after every write the leader had committed before it.
            var body = JuteWriter(capacity: 64)
            request.encodeBody(to: &body)
            var syncPath: String?
            if case .sync(let sync) = request { syncPath = sync.path }
            effects.append(forward(id, sessionId: connection.sessionId, header, body: body.bytes, queuedAs: request.opCode,
                                   syncPath: syncPath, nowMs: nowMs))
            if case .closeSession = request { sessions.markClosing(connection.sessionId) }
        } else if request.isWrite {
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
        guard let connection = connections[id]?.facts else { return [] }
        counters.packetsReceived += 1
        connections[id]?.packetsReceived += 1
        guard connection.sessionId != 0 else { return [.close(id, reason: "request before the session was established")] }
        reportActivity(connection.sessionId, timeoutMs: connection.sessionTimeoutMs)
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
        if role.isLearner {
            // Forwarded with an empty body, which the leader cannot decode
            // either: it logs the MarshallingError txn a standalone server
            // would, so the write takes its zxid as in Apache. Queued as
            // `.error` so the reply carries no body (not even a multi's).
            return [forward(id, sessionId: connection.sessionId, header, body: [], queuedAs: .error, nowMs: nowMs)]
        }
        return submitMarshallingError(sessionId: connection.sessionId, xid: header.xid, connection: id, nowMs: nowMs)
    }

    /// A write whose body did not decode still takes a zxid: an error txn.
    mutating func submitMarshallingError(sessionId: Int64, xid: Int32, connection: ConnectionID?, nowMs: Int64) -> [CoreEffect] {
        let zxid = lastPreppedZxid + 1
        let body = TxnBody.error(ErrorTxn(err: ErrorCode.marshallingError.rawValue))
        return submit(InFlightTxn(
            header: TxnHeader(clientId: sessionId, cxid: xid, zxid: zxid, time: nowMs, type: OpCode.error.rawValue),
            body: body, connection: connection, xid: xid, opCode: .error, receivedAtMs: nowMs, touchedPaths: []))
    }

    /// Reading pauses when a connection has too many requests queued and
    /// resumes at half. The pause is repeated for every request that still
    /// arrives over the limit, since the shell may have resumed reading for
    /// its own reason (a drained send buffer) meanwhile.
    private mutating func throttle(_ id: ConnectionID, onReceive: Bool = false) -> [CoreEffect] {
        guard let connection = connections[id]?.facts else { return [] }
        if onReceive && inFlightCount >= settings.maxInFlightTxns {
            pausedForInFlight.insert(id)
            return [.setReading(id, false)]
        }
        if onReceive && connection.outstandingRequests >= settings.maxOutstandingPerConnection {
            connections[id]?.isReadingPaused = true
            return [.setReading(id, false)]
        }
        if connection.isReadingPaused && connection.outstandingRequests <= settings.maxOutstandingPerConnection / 2,
           !pausedForInFlight.contains(id) {
            connections[id]?.isReadingPaused = false
            return [.setReading(id, true)]
        }
        return []
    }

    /// The in-flight queue drained to half its bound: connections paused for
    /// it read again (unless their own queue still holds them).
    private mutating func resumeAfterInFlightDrained() -> [CoreEffect] {
        guard !pausedForInFlight.isEmpty, inFlightCount <= settings.maxInFlightTxns / 2 else { return [] }
        var effects: [CoreEffect] = []
        for id in pausedForInFlight.sorted() {
            guard let connection = connections[id]?.facts else { continue }
            if connection.isReadingPaused, connection.outstandingRequests > settings.maxOutstandingPerConnection / 2 { continue }
            connections[id]?.isReadingPaused = false
            effects.append(.setReading(id, true))
        }
        pausedForInFlight.removeAll()
        return effects
    }

    /// An identity the connection proved outside the request stream: the
    /// subject of a TLS client certificate (`x509`), known once the handshake
    /// completed and before the first request is read.
    public mutating func connectionIdentified(_ id: ConnectionID, as identity: Id) {
        guard connections[id]?.authIds.contains(identity) == false else { return }
        connections[id]?.authIds.append(identity)
    }

    /// One SASL round, answered at once as Apache's processSasl does (not
    /// queued behind the connection's reads). A refused login answers
    /// AuthFailed with a null token and closes the connection; the session
    /// itself lives on until it expires, as in Apache.
    private mutating func handleSASL(_ id: ConnectionID, _ header: RequestHeader, _ token: [UInt8], nowMs: Int64) -> [CoreEffect] {
        guard let offer = settings.sasl, let progress = connections[id].map({ $0.sasl }) else { return [] }
        var exchange: any SASLServerExchange
        switch progress {
        case .complete?:
            return refuseSASL(id, header, reason: "SASL authentication already completed", nowMs: nowMs)
        case .exchanging(let current)?:
            exchange = current
        case nil:
            exchange = offer.mechanism.startExchange()
        }
        switch exchange.evaluate(token) {
        case .challenge(let challenge):
            connections[id]?.sasl = .exchanging(exchange)
            return [sendReply(id, ReplyHeader(xid: header.xid, zxid: 0, err: .ok), body: SetSASLResponse(token: challenge), nowMs: nowMs)]
        case .success(let finalToken, let authorizationID):
            connections[id]?.sasl = .complete
            connectionIdentified(id, as: Id(scheme: "sasl", id: authorizationID))
            var effects: [CoreEffect] = [.log("Successfully authenticated client: authenticationID=\(authorizationID);  authorizationID=\(authorizationID).")]
            if let superUser = offer.superUser, superUser == authorizationID {
                connectionIdentified(id, as: Id(scheme: "super", id: ""))
                effects.append(.log("Session 0x\(hex(connections[id]?.sessionId ?? 0)): adding super to \(authorizationID) (superUser)"))
            }
            effects.append(sendReply(id, ReplyHeader(xid: header.xid, zxid: 0, err: .ok), body: SetSASLResponse(token: finalToken), nowMs: nowMs))
            return effects
        case .failure(let reason):
            connections[id]?.sasl = .complete
            return refuseSASL(id, header, reason: reason, nowMs: nowMs)
        }
    }

    private mutating func refuseSASL(_ id: ConnectionID, _ header: RequestHeader, reason: String, nowMs: Int64) -> [CoreEffect] {
        [.log("Client \(connections[id]?.remoteAddress ?? "?") failed to SASL authenticate: \(reason)"),
         sendReply(id, ReplyHeader(xid: header.xid, zxid: 0, err: .authFailed), body: NullSASLToken(), nowMs: nowMs),
         .close(id, reason: "Closing client connection due to SASL authentication failure.")]
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

    mutating func submitWrite(
        _ id: ConnectionID?, _ header: RequestHeader, body: TxnBody, sessionId: Int64, nowMs: Int64, connectRequest: ConnectRequest?
    ) -> [CoreEffect] {
        let zxid = lastPreppedZxid + 1
        return submit(InFlightTxn(
            header: TxnHeader(clientId: sessionId, cxid: header.xid, zxid: zxid, time: nowMs, type: body.opCode.rawValue),
            body: body, connection: id, xid: header.xid, opCode: OpCode(rawValue: header.type) ?? .error,
            receivedAtMs: nowMs, touchedPaths: [], connectRequest: connectRequest))
    }

    /// Prep a write against the tree plus pending changes, then hand its txn
    /// to the log. `accept` may refuse the prepped txn (nothing is recorded).
    mutating func prepAndSubmit(
        _ request: ClientRequest, caller: Caller, connection: ConnectionID? = nil, xid: Int32 = 0,
        txnType: OpCode? = nil, nowMs: Int64, accept: ((TxnBody) -> Bool)? = nil
    ) -> [CoreEffect] {
        // Prep owns the pending changes while it runs: lent by a copy, they
        // would be copied whole by its first record (O(in-flight) per write).
        // Only a write that may be refused (a container's delete) keeps a
        // copy to return to.
        let before = accept == nil ? nil : pending
        var prep = RequestPrep(tree: tree, pending: PendingChanges(), access: access, sessions: sessions)
        prep.reconfigEnabled = settings.reconfigEnabled
        prep.standaloneEnabled = settings.standaloneEnabled
        prep.reconfig = reconfig
        swap(&pending, &prep.pending)
        let zxid = lastPreppedZxid + 1
        let body = prep.prep(request, caller: caller, zxid: zxid, time: nowMs)
        if let accept, let before, !accept(body) {
            pending = before
            return []
        }
        swap(&pending, &prep.pending)
        var type = txnType ?? body.opCode
        if case .reconfig = request, case .setData = body {
            // Apache logs it as a reconfig txn with a SetDataTxn body.
            type = .reconfig
            reconfig?.inProgress = true
        }
        return submit(InFlightTxn(
            header: TxnHeader(clientId: caller.sessionId, cxid: xid, zxid: zxid, time: nowMs, type: type.rawValue),
            body: body, connection: connection, xid: xid, opCode: txnType ?? request.opCode, receivedAtMs: nowMs,
            touchedPaths: prep.touchedPaths))
    }

    private mutating func submit(_ txn: InFlightTxn) -> [CoreEffect] {
        assert(txn.header.zxid > lastPreppedZxid, "zxids are handed out in order")
        lastPreppedZxid = txn.header.zxid
        if let id = txn.connection { connections[id]?.enqueue(.awaitingTxn(zxid: txn.header.zxid)) }
        inFlight.append(txn)
        var writer = JuteWriter(capacity: 128)
        writer.write(TxnEntry(header: txn.header, body: txn.body))
        return [.append(zxid: txn.header.zxid, payload: writer.bytes)]
    }

    /// The log is durable up to `zxid` (on a leader: committed by a quorum):
    /// apply those txns in order, fire their watches, answer their requests
    /// and the reads queued behind them.
    public mutating func synced(upTo zxid: Int64, nowMs: Int64) -> [CoreEffect] {
        var effects: [CoreEffect] = []
        while inFlightHead < inFlight.count, inFlight[inFlightHead].header.zxid <= zxid {
            let txn = inFlight[inFlightHead]
            inFlightHead += 1
            effects += apply(txn.header, txn.body, touchedPaths: txn.touchedPaths, waiter: txn.waiter, nowMs: nowMs)
        }
        if inFlightHead > 256 && inFlightHead * 2 > inFlight.count {
            inFlight.removeFirst(inFlightHead)
            inFlightHead = 0
        }
        effects += resumeAfterInFlightDrained()
        return effects
    }

    /// The final stage, shared by a txn this server prepped and one a
    /// learner's leader committed.
    mutating func apply(
        _ header: TxnHeader, _ body: TxnBody, touchedPaths: [String], waiter: Waiter?, nowMs: Int64
    ) -> [CoreEffect] {
        var effects: [CoreEffect] = []
        let outcome = tree.apply(header, body)
        pending.applied(upTo: header.zxid, paths: touchedPaths)
        txnsSinceSnapshot += 1
        // Watch events go out before the reply, so a client sees the event
        // before it can read the data that caused it.
        for (watcher, event) in watches.fire(outcome.triggers) {
            guard let connection = connections[watcher] else { continue }
            if let acl = outcome.eventACLs[event.path], !access.isAllowed(.read, acl: acl, authIds: connection.authIds) { continue }
            effects.append(sendReply(watcher, ReplyHeader(xid: SpecialXid.notification, zxid: -1, err: .ok), body: event, nowMs: nowMs))
        }
        if header.type == OpCode.reconfig.rawValue, outcome.err == .ok,
           let data = tree.node(DataTree.configPath)?.data, let text = String(validating: data, as: UTF8.self) {
            if let membership = QuorumMembership.parse(text) { reconfig?.membership = membership }
            reconfig?.inProgress = false
            effects.append(.reconfigured(text))
        }
        switch body {
        case .closeSession:
            sessions.remove(header.clientId)
            if let connectionId = sessionConnections.removeValue(forKey: header.clientId) {
                if let waiter, waiter.connection == connectionId {
                    effects += reply(waiter, outcome, nowMs: nowMs)
                }
                effects.append(.close(connectionId, reason: "closed session 0x\(hex(header.clientId))"))
            }
        case .createSession:
            if let waiter, connections[waiter.connection] != nil, let request = waiter.connectRequest {
                let id = waiter.connection
                connections[id]?.isEstablished = true
                connections[id]?.pendingConnect = nil
                let response = ConnectResponse(
                    protocolVersion: 0, timeOut: Int32(connections[id]?.sessionTimeoutMs ?? 0), sessionId: header.clientId,
                    passwd: SessionPassword.derive(header.clientId), readOnly: false,
                    hasReadOnlyField: request.hasReadOnlyField)
                claim(waiter)
                effects.append(sendFrame(id, record: response, nowMs: nowMs))
                effects += drainReads(id, nowMs: nowMs)
            }
        default:
            if let waiter { effects += reply(waiter, outcome, nowMs: nowMs) }
        }
        if txnsSinceSnapshot >= snapshotThreshold {
            txnsSinceSnapshot = 0
            effects.append(.snapshotDue)
        }
        return effects
    }

    /// Takes the waiter's entry off its connection's queue.
    private mutating func claim(_ waiter: Waiter) {
        if connections[waiter.connection]?.front == waiter.queued {
            connections[waiter.connection]?.popFront()
        }
    }

    mutating func reply(_ waiter: Waiter, _ outcome: TxnOutcome, nowMs: Int64) -> [CoreEffect] {
        let id = waiter.connection
        guard connections[id] != nil else { return [] }
        claim(waiter)
        var err = outcome.err
        var body: (any JuteEncodable)?
        switch waiter.opCode {
        case .create: body = CreateResponse(path: outcome.path ?? "")
        case .create2, .createContainer, .createTTL: body = Create2Response(path: outcome.path ?? "", stat: outcome.stat ?? Stat())
        case .setData: body = SetDataResponse(stat: outcome.stat ?? Stat())
        // The new membership and its stat, as getData would answer.
        case .reconfig: body = GetDataResponse(data: tree.node(DataTree.configPath)?.data, stat: outcome.stat ?? Stat())
        case .setACL: body = SetACLResponse(stat: outcome.stat ?? Stat())
        case .multi:
            // A multi's header is OK; errors travel in the per-op results.
            err = .ok
            body = MultiResponse(results: outcome.multiResults ?? [])
        // Only a learner gets here with a sync (the leader answered it).
        case .sync: body = SyncResponse(path: outcome.path ?? "")
        default: body = nil
        }
        if err != .ok { body = nil }
        recordLatency(id, op: waiter.opCode, cxid: waiter.xid, receivedAtMs: waiter.receivedAtMs, nowMs: nowMs)
        var effects = [sendReply(id, ReplyHeader(xid: waiter.xid, zxid: tree.lastProcessedZxid, err: err), body: body, nowMs: nowMs)]
        effects += drainReads(id, nowMs: nowMs)
        effects += throttle(id)
        return effects
    }

    /// Answers the reads that waited behind a write, up to the next write.
    private mutating func drainReads(_ id: ConnectionID, nowMs: Int64) -> [CoreEffect] {
        var effects: [CoreEffect] = []
        while let front = connections[id]?.front {
            switch front {
            case .awaitingTxn, .awaitingForward:
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
    /// A learner does neither: the leader does, through txns it commits.
    public mutating func tick(nowMs: Int64) -> [CoreEffect] {
        guard !role.isLearner else { return [] }
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
