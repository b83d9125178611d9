#if canImport(Glibc)
import Glibc
#endif
import Reporting

/// A mutex with condition variables on the monotonic clock. `Synchronization.Mutex` has no conditions, and
/// appenders, group commit and the live-tail reader all need to sleep until something changes.
final class Monitor: @unchecked Sendable {
    fileprivate let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() { pthread_mutex_init(mutex, nil) }
    deinit { pthread_mutex_destroy(mutex); mutex.deallocate() }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    @inline(__always)
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock(); defer { unlock() }
        return try body()
    }

    final class Condition: @unchecked Sendable {
        private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

        init() {
            var attr = pthread_condattr_t()
            pthread_condattr_init(&attr)
            pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
            pthread_cond_init(cond, &attr)
            pthread_condattr_destroy(&attr)
        }
        deinit { pthread_cond_destroy(cond); cond.deallocate() }

        /// Caller holds `monitor`. Waits until signalled or `deadline` (monotonic seconds; nil = forever);
        /// false once the deadline has passed.
        @discardableResult
        func wait(_ monitor: Monitor, until deadline: Double?) -> Bool {
            guard let deadline else { pthread_cond_wait(cond, monitor.mutex); return true }
            if MonotonicClock.seconds() >= deadline { return false }
            var ts = timespec()
            ts.tv_sec = Int(deadline)
            ts.tv_nsec = Int((deadline - Double(ts.tv_sec)) * 1e9)
            return pthread_cond_timedwait(cond, monitor.mutex, &ts) != ETIMEDOUT
        }

        func broadcast() { pthread_cond_broadcast(cond) }
    }
}
