import Glibc

/// The counters `GET /_sink/stats` reports; updated once per request under a lock, which costs nothing
/// next to counting a multi-megabyte body.
final class SinkStats: @unchecked Sendable {
    struct Snapshot {
        var docs = 0
        /// Bulk body bytes as received on the wire.
        var bytes = 0
        /// `_bulk` requests answered.
        var requests = 0
        var httpRequests = 0
        var badRequests = 0
        var connections = 0
        /// Epoch seconds when the first and the latest documents were counted; 0 before any.
        var firstTimestamp = 0.0
        var lastTimestamp = 0.0
    }

    private var lock = pthread_mutex_t()
    private var current = Snapshot()

    init() { pthread_mutex_init(&lock, nil) }

    func update(_ change: (inout Snapshot) -> Void) {
        pthread_mutex_lock(&lock)
        change(&current)
        pthread_mutex_unlock(&lock)
    }

    func recordBulk(docs: Int, bytes: Int) {
        let now = Self.now()
        update { stats in
            stats.docs += docs
            stats.bytes += bytes
            stats.requests += 1
            if docs > 0 {
                if stats.firstTimestamp == 0 { stats.firstTimestamp = now }
                stats.lastTimestamp = now
            }
        }
    }

    func reset() { update { stats in stats = Snapshot(connections: stats.connections) } }

    var snapshot: Snapshot {
        var copy = Snapshot()
        update { copy = $0 }
        return copy
    }

    func json() -> String {
        let s = snapshot
        return #"{"docs":\#(s.docs),"bytes":\#(s.bytes),"requests":\#(s.requests),"http_requests":\#(s.httpRequests),"#
            + #""bad_requests":\#(s.badRequests),"connections":\#(s.connections),"#
            + #""first_ts":\#(Self.seconds(s.firstTimestamp)),"last_ts":\#(Self.seconds(s.lastTimestamp))}"#
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Six decimals, never exponent notation, so shell scripts can do arithmetic on it.
    private static func seconds(_ value: Double) -> String {
        let micros = Int64((value * 1e6).rounded())
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
