/// Running totals of a `BulkOutput`, for metrics and logs.
public struct BulkStats: Sendable, Equatable {
    public var indexed = 0
    /// Items the cluster already had (409 on `create`).
    public var duplicates = 0
    /// Items stored in the dead-letter index or file.
    public var deadLettered = 0
    /// Item attempts that were sent again (429, 5xx, transport errors, unreadable responses).
    public var retriedItems = 0
    /// Requests that failed as a whole (no answer, 5xx, 429, rejected, unreadable).
    public var failedRequests = 0
    /// `_bulk` requests sent, dead-letter requests included.
    public var requests = 0
    /// Request body bytes put on the wire (after compression).
    public var bytesSent = 0
    /// Answer body bytes beyond the kept limit (`DeliveryLoop.responseLimit`), read and dropped.
    public var discardedResponseBytes = 0
    /// Requests outstanding right now.
    public var inFlight = 0
    /// Batches submitted and not yet completed.
    public var batchesPending = 0
    /// Duration of every `_bulk` round trip, answered or not.
    public var latency = LatencyBuckets()
    /// When (CLOCK_MONOTONIC seconds) the cluster last answered a `_bulk` request with 2xx; nil before the first.
    public var lastAnsweredAt: Double?
    /// Since when (CLOCK_MONOTONIC seconds) every `_bulk` request failed; nil while the last one was answered.
    public var failingSince: Double?

    public init() {}
}
