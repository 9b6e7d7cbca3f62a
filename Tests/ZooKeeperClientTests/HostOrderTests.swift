import Testing
@testable import ZooKeeperClient

@Suite struct HostOrderTests {
    let servers = (1...5).map { ServerAddress(host: "zk\($0)", port: 2181) }

    /// A generator that replays fixed values, to pin the shuffle exactly.
    struct ScriptedGenerator: RandomNumberGenerator {
        var values: [UInt64]
        var index = 0
        mutating func next() -> UInt64 {
            defer { index += 1 }
            return values[index % values.count]
        }
    }

    @Test func sameRandomSourceGivesSameOrderAndAPermutation() {
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        let a = HostOrder(servers, using: &first)
        let b = HostOrder(servers, using: &second)
        #expect(a.servers == b.servers)
        #expect(Set(a.servers) == Set(servers))
        #expect(a.servers.count == servers.count)
    }

    @Test func differentSeedsSpreadClientsOverServers() {
        var firstServers: Set<ServerAddress> = []
        for seed in UInt64(0)..<40 {
            var generator = SplitMix64(seed: seed)
            firstServers.insert(HostOrder(servers, using: &generator).servers[0])
        }
        // 40 clients all starting on the same server would defeat the shuffle.
        #expect(firstServers.count >= 3)
    }

    @Test func injectedGeneratorDecidesTheOrder() {
        // (All-zero output would make the standard library's rejection sampling spin.)
        var quarters = ScriptedGenerator(values: [1 << 62])
        var halves = ScriptedGenerator(values: [1 << 63])
        let low = HostOrder(servers, using: &quarters)
        let high = HostOrder(servers, using: &halves)
        #expect(low.servers != high.servers)
    }

    @Test func walksRoundRobinAndPausesAfterAFullFailedRound() {
        var generator = SplitMix64(seed: 7)
        var order = HostOrder(servers, using: &generator)
        var tried: [ServerAddress] = []
        var pauses: [Bool] = []
        for _ in 0..<(2 * servers.count + 1) {
            let (server, afterFullRound) = order.next()
            tried.append(server)
            pauses.append(afterFullRound)
        }
        #expect(Array(tried[0..<5]) == order.servers)
        #expect(Array(tried[5..<10]) == order.servers)
        #expect(tried[10] == order.servers[0])
        #expect(pauses == [false, false, false, false, false, true, false, false, false, false, true])
    }

    @Test func aSuccessfulConnectionRestartsTheRoundCount() {
        var generator = SplitMix64(seed: 7)
        var order = HostOrder(servers, using: &generator)
        for _ in 0..<4 { _ = order.next() }
        order.connected()
        let afterLoss = order.next()
        // Moves on to the next server (never back to the one just lost) without pausing.
        #expect(afterLoss.server == order.servers[4])
        #expect(!afterLoss.afterFullRound)
        for _ in 0..<3 { #expect(!order.next().afterFullRound) }
        #expect(!order.next().afterFullRound)
        #expect(order.next().afterFullRound)
    }
}
