// Bytes from the server: the handshake reply, then replies matched by xid,
// with Apache ClientCnxn's special xids (-1 notification, -2 ping, -4 auth;
// -8 setWatches is matched through the FIFO like any request). Anything that
// does not parse or does not match closes the connection; the session goes on.

import ZooKeeperProtocol

extension SessionMachine {
    mutating func receive(_ bytes: [UInt8], nowNanoseconds: UInt64) -> [SessionEffect] {
        switch phase {
        case .handshaking, .connected: break
        case .disconnected, .ended: return []
        }
        lastReceiveNanoseconds = nowNanoseconds
        decoder.append(bytes)
        var effects: [SessionEffect] = []
        while true {
            let server: ServerAddress
            switch phase {
            case let .handshaking(address, _), let .connected(address): server = address
            case .disconnected, .ended: return effects
            }
            let frame: [UInt8]
            do {
                guard let next = try decoder.nextFrame() else { return effects }
                frame = next
            } catch {
                return effects + dropConnection("unreadable frame from \(server): \(error)")
            }
            if case .handshaking = phase {
                effects += handshakeReply(frame, server: server, nowNanoseconds: nowNanoseconds)
            } else {
                effects += reply(frame, server: server)
            }
        }
    }

    private mutating func handshakeReply(_ frame: [UInt8], server: ServerAddress, nowNanoseconds: UInt64) -> [SessionEffect] {
        let response: ConnectResponse
        do {
            response = try ConnectResponse(juteBytes: frame, maxBufferBytes: settings.maxFrameBytes)
        } catch {
            return dropConnection("unreadable handshake reply from \(server): \(error)")
        }
        return handshakeCompleted(response, server: server, nowNanoseconds: nowNanoseconds)
    }

    private mutating func reply(_ frame: [UInt8], server: ServerAddress) -> [SessionEffect] {
        var reader = JuteReader(frame, maxBufferBytes: settings.maxFrameBytes)
        let header: ReplyHeader
        do {
            header = try ReplyHeader(from: &reader)
        } catch {
            return dropConnection("unreadable reply header from \(server): \(error)")
        }
        switch header.xid {
        case SpecialXid.ping:
            return []
        case SpecialXid.auth:
            return authReply(header)
        case SpecialXid.notification:
            return notification(&reader, server: server)
        default:
            return matchedReply(header, &reader, server: server)
        }
    }

    private mutating func authReply(_ header: ReplyHeader) -> [SessionEffect] {
        guard let waiters = auth.replyArrived() else { return [] }
        if header.err == ErrorCode.authFailed.rawValue {
            // Apache's AUTH_FAILED state is final; the server closes the connection too.
            let refused = waiters.map { SessionEffect.complete($0, .failure(SessionEnd.authFailed.error)) }
            return refused + end(.authFailed) + [.closeConnection(reason: "authentication failed")]
        }
        let result: Result<Reply, ZooKeeperError> = header.err == 0 ? .success(.empty) : .failure(Self.error(for: header.err))
        return waiters.map { .complete($0, result) }
    }

    private mutating func notification(_ reader: inout JuteReader, server: ServerAddress) -> [SessionEffect] {
        let event: WatcherEvent
        do {
            event = try WatcherEvent(from: &reader)
        } catch {
            return dropConnection("unreadable watch notification from \(server): \(error)")
        }
        // An event type this client does not know cannot match a registration.
        guard let type = WatcherEventType(rawValue: event.type) else { return [] }
        let path = settings.chroot.clientPath(event.path)
        let watchedEvent = WatchedEvent(type: type, path: path)
        return watches.materialize(type, path: path).map { .deliver($0.watcher, watchedEvent, isFinal: $0.isFinal) }
    }

    private mutating func matchedReply(_ header: ReplyHeader, _ reader: inout JuteReader, server: ServerAddress) -> [SessionEffect] {
        guard let request = requests.popInFlight(xid: header.xid) else {
            let expected = requests.expectedXid.map { "xid \($0)" } ?? "no reply"
            return dropConnection("\(server) answered xid \(header.xid) where \(expected) was due")
        }
        if header.zxid > 0 { lastZxidSeen = max(lastZxidSeen, header.zxid) }
        let code = ErrorCode(rawValue: header.err)
        var effects: [SessionEffect] = []
        if let watch = request.watch {
            effects += register(watch, code: code ?? .systemError)
        }
        if case .closeSession = request.request {
            return effects + end(.closed) + [.closeConnection(reason: "session closed")]
        }
        guard let token = request.token else { return effects }
        guard header.err == 0 else {
            return effects + [.complete(token, .failure(Self.error(for: header.err)))]
        }
        do {
            let body = try request.expected.decode(&reader)
            return effects + [.complete(token, .success(body))]
        } catch {
            // The outcome is unknown to the caller, which is what connectionLoss means.
            let lost = ZooKeeperError(code: .connectionLoss, detail: "unreadable reply: \(error)")
            return effects + [.complete(token, .failure(lost))] + dropConnection("unreadable reply to xid \(header.xid) from \(server): \(error)")
        }
    }

    /// Registers the watch a reply confirms; ends its stream if the reply did not.
    private mutating func register(_ watch: PendingWatch, code: ErrorCode) -> [SessionEffect] {
        guard let kind = watch.kind(for: code) else { return [.endWatch(watch.watcher, nil)] }
        if abandonedWatchers.remove(watch.watcher) != nil {
            // The stream was dropped while the request was in flight.
            if kind.isPersistent && !watches.hasWatchers(on: watch.path) && !isClosing {
                let request = PendingRequest(
                    token: nil,
                    request: .removeWatches(RemoveWatchesRequest(path: settings.chroot.serverPath(watch.path), type: WatcherType.any.rawValue)),
                    expected: .empty)
                requests.enqueue(request)
                return flush()
            }
            return []
        }
        watches.add(watch.watcher, kind, path: watch.path)
        return []
    }

    static func error(for code: Int32) -> ZooKeeperError {
        guard let known = ErrorCode(rawValue: code) else {
            return ZooKeeperError(code: .systemError, detail: "unknown error code \(code)")
        }
        return ZooKeeperError(code: known)
    }
}
