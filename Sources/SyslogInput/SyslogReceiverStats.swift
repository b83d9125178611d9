import Synchronization

/// What the listeners saw, for the summary and tests; every loss path has its own counter.
public final class SyslogReceiverStats: Sendable {
    public let received = Atomic<Int>(0)
    /// Indexed anyway, with the raw line in `event.original` (parse failure) or repaired (invalid UTF-8).
    public let malformed = Atomic<Int>(0)
    public let truncated = Atomic<Int>(0)
    /// UDP datagrams dropped because the spool appender was behind (UDP cannot be paused).
    public let udpDropped = Atomic<Int>(0)
    /// TCP/TLS connections refused because `max_connections` was reached.
    public let connectionsRejected = Atomic<Int>(0)
    public let connectionsAccepted = Atomic<Int>(0)
    /// Times a TCP/TLS connection stopped reading because the spool could not keep up.
    public let pauses = Atomic<Int>(0)
    public init() {}
}
