import Reporting
import Synchronization

/// What one listener did with its connections, for `/metrics` and the tests. Every way a connection can be
/// turned away or cut off has its own counter.
public final class ListenerStats: Sendable {
    public let accepted = Atomic<Int>(0)
    /// Connections open now.
    public let open = Atomic<Int>(0)
    /// Refused because the listener's `max_connections` was reached and no connection was idle.
    public let refusedTotal = Atomic<Int>(0)
    /// Refused because the sender's address had `max_connections_per_address` open and none was idle.
    public let refusedPerAddress = Atomic<Int>(0)
    /// Idle connections closed to make room for a new one.
    public let evicted = Atomic<Int>(0)
    /// Connections closed because they sent nothing for `idle_timeout`.
    public let idleClosed = Atomic<Int>(0)
    /// `accept()` failures (out of descriptors or memory), each followed by a pause instead of a retry at once.
    public let acceptErrors = Atomic<Int>(0)
    /// Times a connection stopped reading because the input's memory budget was used.
    public let budgetPauses = Atomic<Int>(0)
    /// Bytes received and held in memory (encoded records not yet in the spool, or unfinished frames).
    public let bufferedBytes = Atomic<Int>(0)
    public init() {}

    public struct Snapshot: Sendable, Equatable {
        public var accepted = 0, open = 0, refusedTotal = 0, refusedPerAddress = 0, evicted = 0, idleClosed = 0
        public var acceptErrors = 0, budgetPauses = 0, bufferedBytes = 0
        public init() {}
    }

    public func snapshot() -> Snapshot {
        var s = Snapshot()
        s.accepted = accepted.load(ordering: .relaxed)
        s.open = open.load(ordering: .relaxed)
        s.refusedTotal = refusedTotal.load(ordering: .relaxed)
        s.refusedPerAddress = refusedPerAddress.load(ordering: .relaxed)
        s.evicted = evicted.load(ordering: .relaxed)
        s.idleClosed = idleClosed.load(ordering: .relaxed)
        s.acceptErrors = acceptErrors.load(ordering: .relaxed)
        s.budgetPauses = budgetPauses.load(ordering: .relaxed)
        s.bufferedBytes = bufferedBytes.load(ordering: .relaxed)
        return s
    }

    /// Every counter, as `/metrics` shows it (docs/reliability.md#memory-budget-and-connection-limits), labelled
    /// `listener` and `type`.
    public func metrics() -> [Metric] {
        let s = snapshot()
        func m(_ name: String, _ kind: Metric.Kind, _ help: String, _ value: Int, _ labels: [(String, String)] = []) -> Metric {
            Metric("logbridge_listener_" + name, kind, help: help, labels: labels, idLabel: "listener", value)
        }
        let refused = "Connections refused: limit reached and no connection idle (reason: max_connections or max_connections_per_address)."
        return [
            m("connections", .gauge, "Connections open now.", s.open),
            m("connections_accepted_total", .counter, "Connections accepted.", s.accepted),
            m("connections_refused_total", .counter, refused, s.refusedTotal, [("reason", "max_connections")]),
            m("connections_refused_total", .counter, refused, s.refusedPerAddress, [("reason", "max_connections_per_address")]),
            m("connections_evicted_total", .counter, "Idle connections closed to make room for a new sender.", s.evicted),
            m("connections_idle_closed_total", .counter, "Connections closed after idle_timeout without a byte.", s.idleClosed),
            m("accept_errors_total", .counter, "accept() failures (out of descriptors or memory), each followed by a pause.", s.acceptErrors),
            m("budget_pauses_total", .counter, "Times a connection stopped reading because the input's max_buffered was used.", s.budgetPauses),
            m("buffered_bytes", .gauge, "Received bytes held in memory: encoded records not yet in the spool (syslog), unfinished frames beyond the first 64 KiB per connection (InfoLogger).", s.bufferedBytes),
        ]
    }
}
