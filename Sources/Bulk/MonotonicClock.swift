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
