import ZooKeeperAdmin

/// zoo.cfg text as an operator (or a typo) writes it: parsed or refused with
/// an error, never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZooCfg(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let config = try? ServerConfigParser.parse(text) {
        _ = try? config.applyingMyid(1)
    }
    _ = try? ServerConfigParser.parseMyid(text)
    return 0
}
