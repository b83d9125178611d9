import Synchronization

/// Bytes a group of connections may hold in memory together, reserved before they are allocated: a
/// connection that cannot reserve stops reading until others give some back, so memory is bounded whatever
/// the senders do (600 connections each holding an unfinished 1 MiB InfoLogger frame used to take 913 MB).
public final class ByteBudget: Sendable {
    public let limit: Int
    private let used = Atomic<Int>(0)
    /// Its `bufferedBytes` mirrors `used` for `/metrics`.
    private let stats: ListenerStats?

    public init(limit: Int, stats: ListenerStats? = nil) {
        self.limit = limit
        self.stats = stats
    }

    /// Takes `bytes` from the budget; false (and nothing taken) when that would exceed it.
    public func reserve(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while true {
            guard current + bytes <= limit else { return false }
            let (done, now) = used.compareExchange(expected: current, desired: current + bytes, ordering: .relaxed)
            if done { stats?.bufferedBytes.store(current + bytes, ordering: .relaxed); return true }
            current = now
        }
    }

    public func release(_ bytes: Int) {
        let left = used.subtract(bytes, ordering: .relaxed)
        stats?.bufferedBytes.store(left.newValue, ordering: .relaxed)
    }

    public var inUse: Int { used.load(ordering: .relaxed) }
}
