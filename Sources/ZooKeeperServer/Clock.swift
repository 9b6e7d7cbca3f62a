import Glibc

/// Wall-clock milliseconds, read only by the shell (the core gets times as inputs).
enum Clock {
    static func nowMs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}

func exitProcess(_ code: Int32) -> Never {
    exit(code)
}
