import Listeners
import Reporting
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

    /// Every counter but the listener's (which `SpooledInput` adds).
    public func metrics() -> [Metric] {
        [
            Metric("logbridge_syslog_received_total", .counter, help: "Syslog messages received (UDP, TCP, TLS).", received.load(ordering: .relaxed)),
            Metric("logbridge_syslog_malformed_total", .counter,
                   help: "Syslog messages that could not be parsed or had invalid UTF-8 (indexed with event.original).",
                   malformed.load(ordering: .relaxed)),
            Metric("logbridge_syslog_truncated_total", .counter, help: "Syslog messages longer than max_message_size, cut and tagged syslog_truncated.",
                   truncated.load(ordering: .relaxed)),
            Metric("logbridge_syslog_udp_dropped_total", .counter, help: "UDP datagrams dropped because max_buffered was used (UDP cannot be paused).",
                   udpDropped.load(ordering: .relaxed)),
        ]
    }
}
