/// `cons`: one line per client connection,
/// ` /127.0.0.1:51034[1](queued=0,recved=5,sent=5,sid=0x1000…,lop=PING,est=…,to=30000,lcxid=0x2,lzxid=0x…,lresp=…,llat=0,minlat=0,avglat=0.5,maxlat=3)`.
/// A connection still in its handshake prints only `(queued=…,recved=…,sent=…)`.
public struct ConnectionsReport: Sendable, Equatable {
    public struct Connection: Sendable, Equatable {
        public var remoteAddress: String
        public var sessionId: UInt64?
        public var queued: Int?
        public var received: Int64?
        public var sent: Int64?
        public var lastOperation: String?
        public var timeoutMs: Int?
        public var avgLatencyMs: Double?
    }

    public var connections: [Connection]

    public static func parse(_ text: String) -> ReplyClass<ConnectionsReport> {
        ReplyClass.classify(text) { text in
            var connections: [Connection] = []
            for rawLine in text.split(whereSeparator: \.isNewline) {
                let line = rawLine.trimmingWhitespace()
                if line.isEmpty { continue }
                guard line.hasPrefix("/"), let open = line.firstIndex(of: "("), line.hasSuffix(")") else { return nil }
                var address = line[line.index(after: line.startIndex)..<open]
                if let bracket = address.firstIndex(of: "[") { address = address[..<bracket] }
                var fields: [Substring: Substring] = [:]
                for field in line[line.index(after: open)..<line.index(before: line.endIndex)].split(separator: ",") {
                    guard let eq = field.firstIndex(of: "=") else { continue }
                    fields[field[..<eq]] = field[field.index(after: eq)...]
                }
                connections.append(Connection(
                    remoteAddress: String(address),
                    sessionId: fields["sid"].flatMap { UInt64($0.dropFirst(2), radix: 16) },
                    queued: fields["queued"].flatMap { Int($0) },
                    received: fields["recved"].flatMap { Int64($0) },
                    sent: fields["sent"].flatMap { Int64($0) },
                    lastOperation: fields["lop"].map(String.init),
                    timeoutMs: fields["to"].flatMap { Int($0) },
                    avgLatencyMs: fields["avglat"].flatMap { Double($0) }
                ))
            }
            return ConnectionsReport(connections: connections)
        }
    }
}

/// `wchs`: "3 connections watching 5 paths\nTotal watches:7".
public struct WatchSummaryReport: Sendable, Equatable {
    public var connections: Int
    public var paths: Int
    public var totalWatches: Int

    public static func parse(_ text: String) -> ReplyClass<WatchSummaryReport> {
        ReplyClass.classify(text) { text in
            var connections: Int?
            var paths: Int?
            var total: Int?
            for line in text.split(whereSeparator: \.isNewline) {
                let words = line.split(separator: " ")
                if words.count == 5, words[1] == "connections", words[2] == "watching", words[4] == "paths" {
                    connections = Int(words[0])
                    paths = Int(words[3])
                } else if line.hasPrefix("Total watches:") {
                    total = Int(line.dropFirst("Total watches:".count).trimmingWhitespace())
                }
            }
            guard let connections, let paths, let total else { return nil }
            return WatchSummaryReport(connections: connections, paths: paths, totalWatches: total)
        }
    }
}
