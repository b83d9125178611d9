import Synchronization

/// What the InfoLogger receivers count, for the summary, the logs and the tests.
public final class InfoLoggerCounters: Sendable {
    /// Records written to the spool.
    public let messages = Atomic<Int>(0)
    /// Records indexed whole or repaired (could not be split, bad timestamp, invalid UTF-8).
    public let malformed = Atomic<Int>(0)
    /// Connections closed because their bytes were not the protocol (or a record exceeded `max_record_bytes`).
    public let protocolErrors = Atomic<Int>(0)
    public let connectionsAccepted = Atomic<Int>(0)
    /// `server` mode: ACK lines sent (one per burst, cumulative).
    public let acksSent = Atomic<Int>(0)
    /// `stream` mode: reconnections during which messages may have been missed.
    public let gaps = Atomic<Int>(0)
    /// `tee`: messages forwarded, and dropped because the forward queue was full.
    public let teeForwarded = Atomic<Int>(0)
    public let teeDropped = Atomic<Int>(0)
    public init() {}
}
