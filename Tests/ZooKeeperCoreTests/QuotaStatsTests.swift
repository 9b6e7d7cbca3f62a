import Testing
@testable import ZooKeeperCore
import ZooKeeperProtocol

/// Apache keeps `/zookeeper/quota<path>/zookeeper_stats` current on every
/// create, delete and setData under a quota'd path; `listquota` reads it.
@Suite struct QuotaStatsTests {
    private func stats(_ builder: TreeBuilder, _ path: String) -> String? {
        builder.tree.node("/zookeeper/quota\(path)/zookeeper_stats")?.data.map { String(decoding: $0, as: UTF8.self) }
    }

    /// What zkCli's setquota does: parent nodes, limits, then stats.
    private func setQuota(_ builder: inout TreeBuilder, _ path: String) {
        builder.create("/zookeeper/quota" + path)
        builder.create("/zookeeper/quota\(path)/zookeeper_limits", "count=10,bytes=-1")
        builder.create("/zookeeper/quota\(path)/zookeeper_stats", "count=0,bytes=0")
    }

    @Test func statsCountTheExistingSubtreeWhenTheQuotaIsSet() {
        var builder = TreeBuilder()
        builder.create("/app", "abc")
        builder.create("/app/x", "12345")
        setQuota(&builder, "/app")
        #expect(stats(builder, "/app") == "count=2,bytes=8")
    }

    @Test func statsFollowCreatesSetsAndDeletes() {
        var builder = TreeBuilder()
        builder.create("/app")
        setQuota(&builder, "/app")
        builder.create("/app/a", "hello")
        #expect(stats(builder, "/app") == "count=2,bytes=5")
        builder.zxid += 1
        _ = builder.tree.setData(path: "/app/a", data: Array("hi".utf8), version: 1, zxid: builder.zxid, time: 2000)
        #expect(stats(builder, "/app") == "count=2,bytes=2")
        #expect(builder.delete("/app/a") == .ok)
        #expect(stats(builder, "/app") == "count=1,bytes=0")
        // Nodes outside the quota'd path change nothing.
        builder.create("/other", "zzz")
        #expect(stats(builder, "/app") == "count=1,bytes=0")
    }

    @Test func removingTheLimitStopsTracking() {
        var builder = TreeBuilder()
        builder.create("/app")
        setQuota(&builder, "/app")
        #expect(builder.delete("/zookeeper/quota/app/zookeeper_limits") == .ok)
        builder.create("/app/late", "x")
        #expect(stats(builder, "/app") == "count=1,bytes=0")
    }

    @Test func snapshotRestoreRebuildsQuotas() {
        var builder = TreeBuilder()
        builder.create("/app")
        setQuota(&builder, "/app")
        var restored = DataTree(restoring: builder.tree.nodes.map { ($0.key, $0.value) }, lastProcessedZxid: builder.zxid)
        _ = restored.create(path: "/app/n", data: Array("1234".utf8), acl: ACL.openUnsafe, ephemeralOwner: 0,
                            parentCVersion: -1, zxid: builder.zxid + 1, time: 3000)
        let text = restored.node("/zookeeper/quota/app/zookeeper_stats")?.data.map { String(decoding: $0, as: UTF8.self) }
        #expect(text == "count=2,bytes=4")
    }

    @Test func statsTrackKeepsNewerKeysAfterCountAndBytes() {
        var track = StatsTrack(Array("count=1,bytes=2=;countHardLimit=5".utf8))
        track.count += 1
        #expect(String(decoding: track.bytesValue, as: UTF8.self) == "count=2,bytes=2=;countHardLimit=5")
    }
}
