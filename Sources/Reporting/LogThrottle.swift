import Logging
import Synchronization

/// The one way a repeating log line is limited: at most one line per key per `interval` seconds, and the line
/// that gets through after some were held back carries the metadata `suppressed=N` — N similar messages
/// suppressed since the last one (docs/reliability.md#log-lines). Every module uses this format, so one query
/// (`suppressed` present) finds every storm that was cut short, whatever the module.
///
/// A key is what makes two lines "similar": a call site, a host, an input. An input fed garbage, a disk that
/// stays full or a cluster down for an hour then costs a line every few seconds, not one per event.
public final class LogThrottle: Sendable {
    public let interval: Double
    private let clock: @Sendable () -> Double
    private let state = Mutex<[String: (last: Double, held: Int)]>([:])

    public init(seconds interval: Double = 5, clock: @escaping @Sendable () -> Double = MonotonicClock.seconds) {
        self.interval = interval
        self.clock = clock
    }

    /// Nil when the line is to be suppressed; otherwise how many lines for `key` were suppressed before it.
    public func admit(_ key: String = "") -> Int? {
        let now = clock()
        return state.withLock { seen in
            if let entry = seen[key], now - entry.last < interval {
                seen[key] = (entry.last, entry.held + 1)
                return nil
            }
            let held = seen[key]?.held ?? 0
            seen[key] = (now, 0)
            return held
        }
    }

    /// Logs `message` unless a line for `key` got through less than `interval` ago.
    public func log(_ logger: Logger, _ level: Logger.Level = .warning, key: String = "", _ message: @autoclosure () -> Logger.Message,
                    metadata: @autoclosure () -> Logger.Metadata = [:],
                    file: String = #fileID, function: String = #function, line: UInt = #line) {
        guard logger.logLevel <= level, let held = admit(key) else { return }
        logger.log(level: level, message(), metadata: Self.metadata(metadata(), suppressed: held),
                   file: file, function: function, line: line)
    }

    /// `metadata` with `suppressed=N` added when `held` is more than 0: the one format of a throttled line.
    public static func metadata(_ metadata: Logger.Metadata?, suppressed held: Int) -> Logger.Metadata? {
        guard held > 0 else { return metadata }
        var md = metadata ?? [:]
        md["suppressed"] = "\(held)"
        return md
    }
}
