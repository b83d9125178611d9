import Logging

/// At most one line per interval; the next one that gets through says how many were held back. A disk that
/// stays full for an hour must not flood the journal with one line per retry.
struct ThrottledLog {
    let interval: Double
    private var lastLogged = -Double.infinity
    private var suppressed = 0

    init(interval: Double) { self.interval = interval }

    mutating func log(_ logger: Logger, _ level: Logger.Level, _ message: @autoclosure () -> String,
                      metadata: Logger.Metadata = [:]) {
        let now = Clock.monotonic()
        guard now - lastLogged >= interval else { suppressed += 1; return }
        lastLogged = now
        let suffix = suppressed > 0 ? " (\(suppressed) similar messages suppressed)" : ""
        suppressed = 0
        logger.log(level: level, "\(message())\(suffix)", metadata: metadata)
    }
}
