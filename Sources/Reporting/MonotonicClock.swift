#if canImport(Glibc)
import Glibc
#endif

/// The one monotonic clock: seconds that never jump with wall-clock changes, for deadlines, intervals, log
/// throttling and readiness. `coarseMilliseconds` is for per-read bookkeeping (a connection's last activity):
/// CLOCK_MONOTONIC_COARSE is read without a system call, at the kernel tick's resolution (1–4 ms).
public enum MonotonicClock {
    @inlinable public static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Nanoseconds, for intervals measured per event (a batch's flush interval).
    @inlinable public static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Milliseconds of CLOCK_MONOTONIC_COARSE: a few ns to read, ~4 ms resolution, plenty for idle times.
    @inlinable public static func coarseMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC_COARSE, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// Microseconds since the Unix epoch, for timestamps written into documents and records.
public enum WallClock {
    @inlinable public static func microseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec / 1000)
    }
}
