import Listeners
import Synchronization

/// What the listeners saw, for the summary and tests; every loss path has its own counter.
public final class SyslogReceiverStats: Sendable {
    public let received = Atomic<Int>(0)
    /// Indexed anyway, with the raw line in `event.original` (parse failure) or repaired (invalid UTF-8).
    public let malformed = Atomic<Int>(0)
    public let truncated = Atomic<Int>(0)
    /// UDP datagrams dropped because the spool appender was behind (UDP cannot be paused).
    public let udpDropped = Atomic<Int>(0)
    /// TCP/TLS connections: accepted, refused, evicted, timed out; pauses for the memory budget.
    public let listener = ListenerStats()
    public init() {}
}
