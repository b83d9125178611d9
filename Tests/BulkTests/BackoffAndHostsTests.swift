@testable import Bulk
import Config
import Reporting
import Synchronization
import Testing

@Suite struct BackoffAndHostsTests {
    @Test func ceilingDoublesUpToTheMaximum() {
        let b = Backoff(RetrySettings(initialBackoffSeconds: 0.25, maxBackoffSeconds: 30))
        #expect(b.ceiling(failures: 1) == 0.25)
        #expect(b.ceiling(failures: 2) == 0.5)
        #expect(b.ceiling(failures: 5) == 4)
        #expect(b.ceiling(failures: 8) == 30)
        #expect(b.ceiling(failures: 10_000) == 30)
    }

    @Test func fullJitterStaysWithinBoundsAndSpreads() {
        let b = Backoff(RetrySettings(initialBackoffSeconds: 0.1, maxBackoffSeconds: 2))
        for failures in 1...12 {
            let delays = (0..<200).map { _ in b.delay(failures: failures) }
            #expect(delays.allSatisfy { $0 >= 0 && $0 <= b.ceiling(failures: failures) })
            // Full jitter, not "ceiling plus a little": the spread covers most of the range.
            #expect(delays.max()! - delays.min()! > b.ceiling(failures: failures) * 0.5)
        }
    }

    @Test func hostsRotateAndADownHostIsSkippedWhileAnotherIsUp() {
        var pool = HostPool(hosts: ["a", "b", "c"], backoff: Backoff(RetrySettings(initialBackoffSeconds: 10, maxBackoffSeconds: 10)))
        #expect([pool.next(now: 0), pool.next(now: 0), pool.next(now: 0), pool.next(now: 0)] == [0, 1, 2, 0])
        pool.markDown(1, now: 0)
        #expect((0..<4).map { _ in pool.next(now: 1) }.allSatisfy { $0 != 1 })
        #expect(pool.anotherIsUp(than: 1, now: 1))
        pool.markDown(0, now: 0)
        pool.markDown(2, now: 0)
        // All down: still returns one (the caller's own backoff paces it).
        #expect((0..<3).contains(pool.next(now: 1)))
        pool.markUp(2)
        #expect(pool.next(now: 1) == 2)
    }

    /// The retry lines go through the one throttle (`LogThrottle`), one key per host.
    @Test func retryLogIsRateLimitedPerKey() {
        let now = Mutex<Double>(0)
        let log = LogThrottle(seconds: 5, clock: { now.withLock { $0 } })
        func at(_ t: Double, _ key: String) -> Int? { now.withLock { $0 = t }; return log.admit(key) }
        #expect(at(0, "h1") == 0)
        #expect(at(1, "h1") == nil)
        #expect(at(2, "h1") == nil)
        #expect(at(2, "h2") == 0)
        #expect(at(6, "h1") == 2)
        #expect(at(12, "h1") == 0)
    }
}
