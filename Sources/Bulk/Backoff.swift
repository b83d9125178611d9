import Config

/// Exponential backoff with full jitter: the n-th consecutive failure waits a uniformly random time in
/// `0...min(max, initial * 2^n)`, so many shippers hitting one recovering cluster do not retry in step.
struct Backoff: Sendable {
    var initial: Double
    var maximum: Double

    init(_ settings: RetrySettings) {
        initial = max(0.001, settings.initialBackoffSeconds)
        maximum = max(initial, settings.maxBackoffSeconds)
    }

    /// The ceiling for `failures` consecutive failures (1 = the first failure).
    func ceiling(failures: Int) -> Double {
        let exponent = Double(min(max(failures - 1, 0), 62))
        return min(maximum, initial * pow2(exponent))
    }

    func delay<G: RandomNumberGenerator>(failures: Int, using generator: inout G) -> Double {
        Double.random(in: 0...ceiling(failures: failures), using: &generator)
    }

    func delay(failures: Int) -> Double {
        var g = SystemRandomNumberGenerator()
        return delay(failures: failures, using: &g)
    }

    private func pow2(_ e: Double) -> Double {
        var v = 1.0
        var i = 0.0
        while i < e && v < 1e18 { v *= 2; i += 1 }
        return v
    }
}
