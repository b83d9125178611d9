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
}
