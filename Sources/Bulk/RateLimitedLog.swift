import Logging

/// At most one line per key (a host) per interval; the next line that gets through says how many were
/// held back. A cluster that is down for an hour must not fill the journal with retry lines.
struct RateLimitedLog {
    let interval: Double
    private var lastLogged: [String: Double] = [:]
    private var suppressed: [String: Int] = [:]

    init(interval: Double = 5) { self.interval = interval }

    /// Nil when the line is suppressed; otherwise how many lines for `key` were suppressed before it.
    mutating func admit(_ key: String, now: Double) -> Int? {
        if let last = lastLogged[key], now - last < interval {
            suppressed[key, default: 0] += 1
            return nil
        }
        lastLogged[key] = now
        return suppressed.removeValue(forKey: key) ?? 0
    }

    mutating func log(_ logger: Logger, _ level: Logger.Level, key: String, now: Double, _ message: @autoclosure () -> String) {
        guard let held = admit(key, now: now) else { return }
        let suffix = held > 0 ? " (\(held) similar messages suppressed)" : ""
        logger.log(level: level, "\(message())\(suffix)")
    }
}
