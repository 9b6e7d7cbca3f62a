import EnsembleModel

/// Answers a monitored node may send (four-letter words, zkdash's `vote`, the
/// AdminServer's JSON): parsed, refused or kept raw, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFourLetter(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    _ = ServerStatusReport.parse(text)
    _ = MonitorReport.parse(text)
    _ = ConfReport.parse(text)
    _ = ConnectionsReport.parse(text)
    _ = WatchSummaryReport.parse(text)
    _ = ElectionTelemetry.parse(text)
    _ = AdminServerReports.decode(AdminServerReports.Leader.self, from: bytes)
    _ = AdminServerReports.decode(AdminServerReports.ZabState.self, from: bytes)
    _ = AdminServerReports.decode(AdminServerReports.Identity.self, from: bytes)
    return 0
}
