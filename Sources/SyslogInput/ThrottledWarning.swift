import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// At most one warning per interval for problems that can repeat per message (hostile senders),
/// with the number suppressed since the last one.
final class ThrottledWarning: Sendable {
    private let interval: Int64
    private let state = Mutex<(last: Int64, suppressed: Int)>((.min, 0))

    init(seconds: Int64 = 10) { interval = seconds }

    func log(_ logger: Logger, _ message: @autoclosure () -> String, _ metadata: Logger.Metadata) {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        let now = Int64(ts.tv_sec)
        let suppressed: Int? = state.withLock { s in
            if s.last != .min && now - s.last < interval { s.suppressed += 1; return nil }
            let n = s.suppressed
            s = (now, 0)
            return n
        }
        guard let suppressed else { return }
        var md = metadata
        if suppressed > 0 { md["suppressed_since_last"] = "\(suppressed)" }
        logger.warning("\(message())", metadata: md)
    }
}
