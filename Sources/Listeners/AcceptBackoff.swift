#if canImport(Glibc)
import Glibc
#endif

/// What to do after a failed `accept()`. Out of descriptors (EMFILE, ENFILE) or memory, the pending
/// connection stays in the backlog and `accept` fails again at once: retrying without a pause spun the
/// InfoLogger accept loop at 168 % CPU with 1,100 idle connections and a 1,024-descriptor limit, starving
/// `/metrics` and the ACKs. So those errors pause the listener, doubling from 50 ms to 1 s while they last.
public struct AcceptBackoff {
    private var nextMillis = 0

    public init() {}

    /// True for errors that a pause may cure; the others (a peer that reset before the accept, a signal)
    /// concern one connection and are retried at once.
    public static func isResourceShortage(_ code: Int32) -> Bool {
        code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM
    }

    /// The pause after one more shortage, in milliseconds.
    public mutating func failed() -> Int {
        nextMillis = nextMillis == 0 ? 50 : min(1000, nextMillis * 2)
        return nextMillis
    }

    public mutating func succeeded() { nextMillis = 0 }
}

/// The process's descriptor limit. systemd's default soft limit is 1,024 while the hard limit is far higher;
/// each connection is a descriptor, so the shipper asks for the hard limit at start and says what it got.
public enum FileDescriptorLimit {
    /// Raises the soft RLIMIT_NOFILE to the hard limit; returns (soft, hard) after the attempt.
    @discardableResult
    public static func raiseToHard() -> (soft: UInt64, hard: UInt64) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (0, 0) }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }
}
