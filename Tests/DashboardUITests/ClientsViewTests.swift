import EnsembleModel
import Testing
@testable import DashboardUI

/// View 5: every node's client connections from `cons`, asked only while shown.
@Suite struct ClientsViewTests {
    static let cons = """
         /127.0.0.1:51034[1](queued=0,recved=5,sent=5,sid=0x1000abc0001,lop=GETD,est=1763790000000,to=30000,lcxid=0x2,lzxid=0x100001388,lresp=1763790000100,llat=0,minlat=0,avglat=0.5,maxlat=3)
         /127.0.0.1:51040[1](queued=2,recved=90,sent=88,sid=0x1000abc0002,lop=SETD,est=1763790000000,to=10000,lcxid=0x5a,lzxid=0x100001388,lresp=1763790000100,llat=1,minlat=0,avglat=1.25,maxlat=9)
         /127.0.0.1:51050[0](queued=0,recved=0,sent=0)

        """

    static func state() -> DashboardState {
        var model = SampleCluster.healthy(rounds: 2)
        var first = SampleCluster.sample(sid: 1, mode: "follower", zxid: "0x100001388", received: 200)
        first.answers[.cons] = .success(Self.cons)
        var second = SampleCluster.sample(sid: 2, mode: "leader", zxid: "0x100001388", received: 400)
        second.answers[.cons] = .success("cons is not executed because it is not in the whitelist.\n")
        model.apply(PollRound(timeMs: 1_763_790_009_000, samples: [
            first, second,
            SampleCluster.sample(sid: 3, mode: "follower", zxid: "0x100001388", received: 90),
            SampleCluster.sample(sid: 4, mode: "observer", zxid: "0x100001388", received: 30),
        ]))
        return SampleCluster.state(model, columns: 160, rows: 45)
    }

    @Test func theViewListsEveryConnectionAndSaysWhatIsMissing() {
        var state = Self.state()
        #expect(Dashboard.reduce(&state, .key(.character("5"))) == [.connectionDetail(true)])
        let lines = ClientsView.lines(state).map(\.text)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("s1   127.0.0.1:51034         0x1000abc0001        30000      0        5        5     0.5  GETD"))
        #expect(lines[1].contains("0x1000abc0002") && lines[1].hasSuffix("1.2  SETD") || lines[1].hasSuffix("1.3  SETD"))
        #expect(lines[2].contains("(handshake)"))
        #expect(lines[3] == "s2: cons is not in 4lw.commands.whitelist")
        #expect(lines[4] == "asking 2 nodes for cons…")
        #expect(ClientsView.lines(state)[1].role == .warning, "queued requests stand out")
        let screen = Dashboard.render(state).text()
        #expect(screen.contains(" 5 Clients ") && screen.contains("NODE CLIENT"))
        #expect(screen.contains("3 connections on 4 nodes (cons and dump, asked while this view shows)"))
        #expect(Dashboard.reduce(&state, .key(.character("1"))) == [.connectionDetail(false)])
        #expect(Dashboard.reduce(&state, .key(.character("2"))).contains(.connectionDetail(true)) == false)
    }

    /// Below the connections: the sessions that own ephemerals, from the
    /// leader's dump, each with its client found in some node's cons.
    @Test func sessionsWithTheirEphemeralsAndTheirClients() throws {
        var model = SampleCluster.healthy(rounds: 2)
        var first = SampleCluster.sample(sid: 1, mode: "follower", zxid: "0x100001388", received: 200)
        first.answers[.cons] = .success(Self.cons)
        var second = SampleCluster.sample(sid: 2, mode: "leader", zxid: "0x100001388", received: 400)
        second.answers[.cons] = .success("")
        second.answers[.dump] = .success("""
            SessionTracker dump:
            Session Sets (1)/(3):
            2 expire at Mon Dec 07 18:03:49 UTC 2026:
            	0x1000abc0002
            ephemeral nodes dump:
            Sessions with Ephemerals (2):
            0x1000abc0002:
            	/app/lock-0000000001
            	/app/members/m1
            0x2000def0009:
            	/controller
            Connections dump:
            Connections Sets (0)/(0):

            """)
        var third = SampleCluster.sample(sid: 3, mode: "follower", zxid: "0x100001388", received: 90)
        third.answers[.cons] = .success("")
        var fourth = SampleCluster.sample(sid: 4, mode: "observer", zxid: "0x100001388", received: 30)
        fourth.answers[.cons] = .success("")
        model.apply(PollRound(timeMs: 1_763_790_009_000, samples: [first, second, third, fourth]))
        var state = SampleCluster.state(model, columns: 160, rows: 45)
        _ = Dashboard.reduce(&state, .key(.character("5")))
        let lines = ClientsView.lines(state)
        let texts = lines.map(\.text)
        let title = try #require(texts.firstIndex { $0.hasPrefix("SESSIONS WITH EPHEMERALS") })
        #expect(texts[title] == "SESSIONS WITH EPHEMERALS: 2 sessions, 3 ephemerals (s2's dump)")
        #expect(texts[title + 1] == ClientsView.sessionsHeader)
        #expect(texts[title + 2] == "0x1000abc0002               2  127.0.0.1:51040 on s1         /app/lock-0000000001, /app/members/m1")
        // Every node answered cons and none holds 0x2000def0009: disconnected, it expires unless it returns.
        #expect(texts[title + 3] == "0x2000def0009               1  no connection: disconnected   /controller")
        #expect(lines[title + 3].role == .warning)
        // `o` from the Tree marks the session in both tables.
        state.clientsSession = 0x1000abc0002
        #expect(ClientsView.lines(state).filter { $0.role == .selected }.count == 2)
        try GoldenScreenTests.check("clients-sessions-160x45", Dashboard.render(state))
    }

    @Test func tabCyclesThroughFiveViewsAndTheCommandLineKnowsClients() {
        var state = Self.state()
        for _ in 0..<4 { _ = Dashboard.reduce(&state, .key(.tab)) }
        #expect(state.view == .clients)
        _ = Dashboard.reduce(&state, .key(.tab))
        #expect(state.view == .ensemble)
        _ = Dashboard.reduce(&state, .key(.backTab))
        #expect(state.view == .clients)
        #expect(DashboardCommand.parse("clients") == .success(.view(.clients)))
    }

    /// Tree view `o` on an ephemeral: the Clients view at its owner's connection.
    @Test func oJumpsFromAnEphemeralToItsOwnersConnection() {
        var state = Self.state()
        _ = Dashboard.reduce(&state, .key(.character("2")))
        state.tree.selectedPath = "/app/lock-0000000001"
        state.tree.detail = NodeDetail(path: "/app/lock-0000000001", data: [], stat: TreeStat(ephemeralOwner: 0x1000abc0002), acl: [])
        let effects = Dashboard.reduce(&state, .key(.character("o")))
        #expect(state.view == .clients && effects == [.connectionDetail(true)])
        #expect(state.message == "/app/lock-0000000001 is owned by session 0x1000abc0002")
        #expect(state.clientsScroll == 1)
        #expect(ClientsView.lines(state)[1].role == .selected)
        // A persistent node has no owner.
        _ = Dashboard.reduce(&state, .key(.character("2")))
        state.tree.detail = NodeDetail(path: "/app/lock-0000000001", data: [], stat: TreeStat(), acl: [])
        _ = Dashboard.reduce(&state, .key(.character("o")))
        #expect(state.view == .tree && state.message == "o: /app/lock-0000000001 is not an ephemeral node (no owner session)")
    }
}
