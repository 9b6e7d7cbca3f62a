/// The leader side: learners' links, their packets, forwarded syncs.
extension QuorumPeerMachine {
    /// A learner's first packet (its LEARNERINFO) on a new link; the shell
    /// checked that `sid` is a member.
    public mutating func learnerIntroduced(_ sid: Int, on link: PeerLink, info: QuorumMessage, nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        guard !isStopped else {
            out.append(.close(link))
            return out
        }
        admit(sid, on: link, info: info, nowMs: nowMs, into: &out)
        return out
    }

    private mutating func admit(_ sid: Int, on link: PeerLink, info: QuorumMessage, nowMs: Int64, into out: inout [PeerEffect]) {
        switch role {
        case .leading:
            if let old = learnerLinks[sid], old != link {
                out.append(.close(old))
                learnerOfLink[old] = nil
            }
            learnerLinks[sid] = link
            learnerOfLink[link] = sid
            runLeader({ $0.receive(info, from: sid, nowMs: nowMs) }, nowMs: nowMs, into: &out)
        case .looking:
            if let old = earlyLearners[sid]?.link, old != link { out.append(.close(old)) }
            earlyLearners[sid] = (link, info)
        case .learning:
            out.append(.close(link))
        }
    }

    /// On becoming leader, the learners that arrived early join.
    mutating func admitEarlyLearners(nowMs: Int64, into out: inout [PeerEffect]) {
        let early = earlyLearners
        earlyLearners = [:]
        for sid in early.keys.sorted() {
            admit(sid, on: early[sid]!.link, info: early[sid]!.info, nowMs: nowMs, into: &out)
        }
    }

    /// A packet on a learner's link (after its LEARNERINFO).
    public mutating func learnerPacket(_ message: QuorumMessage, on link: PeerLink, nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        guard case .leading = role, let sid = learnerOfLink[link] else { return out }
        if case .request(let payload) = message {
            out.append(.forwarded(from: sid, link: link, payload: payload))
        } else {
            runLeader({ $0.receive(message, from: sid, nowMs: nowMs) }, nowMs: nowMs, into: &out)
        }
        return out
    }

    /// A learner's link closed (or an early learner's).
    public mutating func learnerLinkClosed(_ link: PeerLink) -> [PeerEffect] {
        if let sid = earlyLearners.first(where: { $0.value.link == link })?.key { earlyLearners[sid] = nil }
        guard let sid = learnerOfLink[link] else { return [] }
        forgetLearner(sid, tellLeader: true)
        return []
    }

    mutating func forgetLearner(_ sid: Int, tellLeader: Bool) {
        if let link = learnerLinks.removeValue(forKey: sid) { learnerOfLink[link] = nil }
        if tellLeader {
            _ = role.withLeader {
                $0.learnerDisconnected(sid)
                return []
            }
        }
        pendingSyncAnswers.removeAll { $0.sid == sid }
    }

    /// A learner forwarded a sync: `answer` goes back once everything proposed
    /// before it has committed.
    ///
    /// Bounded: syncs wait only for what is already proposed, so the queue
    /// fills only while commits stall. At `maxPendingSyncAnswers` the learner
    /// that sends more is dropped (its clients reconnect and retry) rather than
    /// the leader's memory growing without limit.
    public mutating func syncRequested(on link: PeerLink, answer: [UInt8], nowMs: Int64) -> [PeerEffect] {
        var out: [PeerEffect] = []
        guard let sid = learnerOfLink[link], let leader = role.leader else { return out }
        guard pendingSyncAnswers.count < settings.maxPendingSyncAnswers else {
            out.append(.log(.warning, "\(pendingSyncAnswers.count) sync answers waiting for commits; closing s\(sid)'s connection"))
            forgetLearner(sid, tellLeader: true)
            out.append(.close(link))
            return out
        }
        pendingSyncAnswers.append(PendingSyncAnswer(sid: sid, afterZxid: leader.lastProposedZxid, payload: answer))
        answerSyncs(committedUpTo: leader.lastCommittedZxid, into: &out)
        return out
    }

    /// Sync answers waiting, for mntr and tests.
    public var pendingSyncAnswerCount: Int { pendingSyncAnswers.count }

    /// Sync answers queue in the order their syncs arrived, and the zxid each
    /// waits for never decreases along the queue (the last proposed zxid at
    /// arrival): answering from the front costs O(answers), not O(waiting).
    private mutating func answerSyncs(committedUpTo zxid: Int64, into out: inout [PeerEffect]) {
        while let entry = pendingSyncAnswers.first, entry.afterZxid <= zxid {
            pendingSyncAnswers.removeFirst()
            if let link = learnerLinks[entry.sid] { out.append(.send(link, .syncAnswer(payload: entry.payload))) }
        }
    }

    /// Runs an input through the leader's machine, if we lead, then its
    /// directives. The machine is changed in place (`ZabRole.withLeader`):
    /// taken out and put back, its txn history was copied on every commit.
    mutating func runLeader(_ input: (inout ZabLeader) -> [ZabLeader.Directive], nowMs: Int64, into out: inout [PeerEffect]) {
        guard let directives = role.withLeader(input) else { return }
        for directive in directives {
            switch directive {
            case .persistAcceptedEpoch(let epoch):
                persist(acceptedEpoch: epoch, into: &out)
            case .persistCurrentEpoch(let epoch):
                persist(currentEpoch: epoch, into: &out)
            case .send(let sid, let message):
                if let link = learnerLinks[sid] { out.append(.send(link, message)) }
            case .sendSnapshot(let sid):
                if let link = learnerLinks[sid] { out.append(.sendSnapshot(link)) }
            case .commit(let zxid):
                out.append(.commit(upTo: zxid))
                answerSyncs(committedUpTo: zxid, into: &out)
            case .startServing(let epoch):
                election.establish(epoch: UInt64(epoch))
                let followers = role.leader?.syncedFollowers.map { "s\($0)" }.joined(separator: " ") ?? ""
                out.append(.log(.info, "s\(myid) LEADING epoch \(epoch): serving with followers \(followers), "
                                + "\(nowMs - lookingSinceMs) ms after it began looking"))
                out.append(.serveAsLeader(epoch: epoch))
            case .sessionTouches(let sid, let payload):
                out.append(.sessionTouches(from: sid, payload: payload))
            case .disconnect(let sid, let reason):
                out.append(.log(.info, "s\(myid) drops learner s\(sid): \(reason)"))
                let link = learnerLinks[sid]
                // The leader machine already forgot it.
                forgetLearner(sid, tellLeader: false)
                if let link { out.append(.close(link)) }
            case .abandon(let reason):
                lookAgain(reason: reason, nowMs: nowMs, into: &out)
                return
            }
        }
    }
}
