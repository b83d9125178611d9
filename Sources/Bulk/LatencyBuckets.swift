/// How long `_bulk` round trips took, bucketed the way a Prometheus histogram wants it. Kept here as plain
/// numbers so Bulk needs no metrics library; Telemetry renders them.
public struct LatencyBuckets: Sendable, Equatable {
    /// Upper bounds in seconds; a last, implicit bucket takes everything above (`+Inf`).
    public static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    /// Observations per bucket, not cumulative; `bounds.count + 1` entries, the last one for `+Inf`.
    public private(set) var counts = [Int](repeating: 0, count: LatencyBuckets.bounds.count + 1)
    public private(set) var sum = 0.0
    public private(set) var count = 0

    public init() {}

    public mutating func observe(_ seconds: Double) {
        let i = Self.bounds.firstIndex(where: { seconds <= $0 }) ?? Self.bounds.count
        counts[i] += 1
        sum += seconds
        count += 1
    }
}
