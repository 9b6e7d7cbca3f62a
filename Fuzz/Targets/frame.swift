import ZooKeeperProtocol

/// Client bytes as the server reads them: frames cut by the decoder, then the
/// request header and body. Nothing may crash, hang or grow without bound.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrame(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var decoder = FrameDecoder(maxFrameBytes: 1 << 20)
    decoder.append(bytes)
    var frames = 0
    while frames < 1000, let frame = try? decoder.nextFrame() {
        frames += 1
        _ = try? ClientRequest.decode(frame: frame)
        _ = try? ConnectRequest(juteBytes: frame)
    }
    return 0
}
