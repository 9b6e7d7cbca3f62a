/// `dump`'s ephemeral section, as Apache 3.8 and zkdash print it on every
/// member (the tree is replicated, so any serving node lists them all):
///
///     ephemeral nodes dump:
///     Sessions with Ephemerals (2):
///     0x100000a1b2c0000:
///     	/demo/members/member-1
///     0x2000…:
///     	/controller
///     Connections dump:
///
/// The session-expiry and connection sections around it are not read: their
/// bucket times are the server's clock, not the session's.
public struct EphemeralsReport: Sendable, Equatable {
    public struct Session: Sendable, Equatable {
        public var sessionId: UInt64
        /// In the order the server printed them.
        public var paths: [String]

        public init(sessionId: UInt64, paths: [String]) {
            self.sessionId = sessionId
            self.paths = paths
        }
    }

    /// Sessions that own at least one ephemeral, in the server's order.
    public var sessions: [Session]

    public init(sessions: [Session]) {
        self.sessions = sessions
    }

    public var ephemeralCount: Int { sessions.reduce(0) { $0 + $1.paths.count } }

    public static func parse(_ text: String) -> ReplyClass<EphemeralsReport> {
        ReplyClass.classify(text) { text in
            let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            guard let start = lines.firstIndex(where: { $0.hasPrefix("Sessions with Ephemerals") }) else { return nil }
            var sessions: [Session] = []
            for line in lines[(start + 1)...] {
                let trimmed = line.trimmingWhitespace()
                if trimmed.hasPrefix("/"), line.first == "\t" || line.first == " " {
                    // A path before any session header: not this format.
                    guard !sessions.isEmpty else { return nil }
                    sessions[sessions.count - 1].paths.append(String(trimmed))
                } else if trimmed.hasPrefix("0x"), trimmed.hasSuffix(":"),
                          let id = UInt64(trimmed.dropFirst(2).dropLast(), radix: 16) {
                    sessions.append(Session(sessionId: id, paths: []))
                } else {
                    // "Connections dump:" or the end: the section is over.
                    break
                }
            }
            return EphemeralsReport(sessions: sessions)
        }
    }
}
