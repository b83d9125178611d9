#if canImport(Glibc)
import Glibc
#endif

/// Seconds on a clock that never jumps with wall-clock changes; deadlines for retries use it.
enum MonotonicClock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// Microseconds since the Unix epoch, for timestamps written into documents.
enum WallClock {
    static func microseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec / 1000)
    }
}
