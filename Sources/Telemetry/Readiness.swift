#if canImport(Glibc)
import Glibc
#endif

/// When `/ready` says yes. Not before every input is open (listeners bound, state opened), not before the cluster answered once (a shipper that never reached its cluster is
/// not doing its job, however alive it is), and not while every request has been failing for longer than
/// `unreadyAfter` seconds (short hiccups — one 429 storm, a node restart — must not flap the probe).
public struct Readiness: Sendable, Equatable {
    public var unreadyAfter: Double

    public init(unreadyAfter: Double = 30) { self.unreadyAfter = unreadyAfter }

    public struct Verdict: Sendable, Equatable {
        public var ready: Bool
        public var reason: String
    }

    /// - Parameters:
    ///   - inputsOpen: every input of the run opened; false while they open, during a reload, or when one failed.
    ///   - lastAnsweredAt: when the cluster last answered (monotonic seconds); nil when it never has.
    ///   - failingSince: since when every request failed (monotonic seconds); nil when the last one succeeded.
    public func evaluate(inputsOpen: Bool = true, lastAnsweredAt: Double?, failingSince: Double?, now: Double) -> Verdict {
        guard inputsOpen else { return Verdict(ready: false, reason: "the inputs are not open yet") }
        guard lastAnsweredAt != nil else { return Verdict(ready: false, reason: "the cluster has not answered yet") }
        if let since = failingSince, now - since > unreadyAfter {
            return Verdict(ready: false, reason: "every request to the cluster failed for \(Int(now - since)) s")
        }
        return Verdict(ready: true, reason: "ok")
    }
}
