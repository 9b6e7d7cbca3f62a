import Testing
@testable import ZooKeeperAdmin

/// Expected strings were printed by OpenJDK 17 (`Double.toString`,
/// `BigDecimal.setScale(4, HALF_UP)`, `Long.toHexString`, `Date.toString`).
@Suite struct JavaFormatTests {
    @Test(arguments: [
        (1.0e-4, "1.0E-4"), (1.0e7, "1.0E7"), (9_999_999.0, "9999999.0"), (0.001, "0.001"),
        (123_456.789, "123456.789"), (1.0e-5, "1.0E-5"), (12_345_678.9, "1.23456789E7"),
        (0.1 + 0.2, "0.30000000000000004"), (100.0, "100.0"), (1.5e300, "1.5E300"), (-2.5, "-2.5"),
        (0.0, "0.0"), (7.0, "7.0"), (89.625, "89.625"),
    ])
    func doubleToString(value: Double, java: String) {
        #expect(JavaFormat.double(value) == java)
    }

    @Test(arguments: [
        (1, 20000, "1.0E-4"), (3, 80000, "0.0"), (1, 32, "0.0313"), (2, 3, "0.6667"), (5, 8, "0.625"),
        (12, 31, "0.3871"), (8, 21, "0.381"), (22, 21, "1.0476"), (717, 8, "89.625"), (1, 3, "0.3333"),
        (10, 7, "1.4286"), (123_456_789, 10, "1.23456789E7"), (0, 5, "0.0"), (7, 1, "7.0"),
        (1, 1600, "6.0E-4"), (5, 32000, "2.0E-4"), (15, 32000, "5.0E-4"), (1, 3000, "3.0E-4"),
    ] as [(Int64, Int64, String)])
    func apacheAverage(total: Int64, count: Int64, java: String) {
        #expect(JavaFormat.double(JavaFormat.apacheAverage(total: total, count: count)) == java)
    }

    @Test func averageOfNothingIsZero() {
        #expect(JavaFormat.apacheAverage(total: 0, count: 0) == 0)
        #expect(LatencyStats().apacheAverageMs == 0)
        #expect(LatencyStats(totalMs: 7, count: 2).integerAverageMs == 3)
    }

    @Test func hexIsTwosComplementForNegatives() {
        #expect(JavaFormat.hex(-1) == "ffffffffffffffff")
        #expect(JavaFormat.hex(0) == "0")
        #expect(JavaFormat.hex(0x1000005f3060005) == "1000005f3060005")
    }

    @Test func dateIsJavaDateToStringInUTC() {
        #expect(JavaFormat.date(epochMs: 0) == "Thu Jan 01 00:00:00 UTC 1970")
        #expect(JavaFormat.date(epochMs: 1_795_313_811_000) == "Sun Nov 22 02:16:51 UTC 2026")
        #expect(JavaFormat.date(epochMs: 951_782_400_999) == "Tue Feb 29 00:00:00 UTC 2000")
        #expect(JavaFormat.date(epochMs: -1) == "Wed Dec 31 23:59:59 UTC 1969")
    }
}
