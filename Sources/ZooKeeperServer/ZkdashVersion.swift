/// What `srvr`, `mntr` and `envi` report as the version. Tools such as kazoo
/// and zktop parse the leading Apache version, so it stays first.
public enum ZkdashVersion {
    public static let zkdash = "0.1.0"
    public static let apacheCompatible = "3.8.0"
    public static let full = "\(apacheCompatible)-zkdash-\(zkdash), built on 2026-11-22 00:00 UTC"
}
