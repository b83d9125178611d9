import Logging
import Reporting

/// Wraps a log handler so that each call site (file and line) logs at most once per `throttle.interval`
/// seconds; the next line that gets through carries `suppressed=N` (`LogThrottle`'s one format). An input fed garbage or a disk that stays full then
/// costs a line every few seconds, not thousands. Only warnings and worse are limited: those are what storms
/// are made of, while info lines mark rare events (start, stop, reload) that must all be seen.
public struct RateLimitedLogHandler: LogHandler {
    public var wrapped: any LogHandler
    private let limiter: LogThrottle

    public init(wrapping handler: any LogHandler, limiter: LogThrottle) {
        wrapped = handler
        self.limiter = limiter
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
                    file: String, function: String, line: UInt) {
        var metadata = metadata
        if level >= .warning {
            // Per input too: one input's storm must not hide another input's first error.
            let key = "\(file):\(line):\(wrapped[metadataKey: "input"].map { "\($0)" } ?? "")"
            guard let held = limiter.admit(key) else { return }
            metadata = LogThrottle.metadata(metadata, suppressed: held)
        }
        wrapped.log(level: level, message: message, metadata: metadata, source: source, file: file,
                    function: function, line: line)
    }
}

extension Logger {
    /// This logger with every call site limited to one line per `limiter.interval`.
    public func rateLimited(_ limiter: LogThrottle) -> Logger {
        var l = self
        l.handler = RateLimitedLogHandler(wrapping: handler, limiter: limiter)
        return l
    }
}
