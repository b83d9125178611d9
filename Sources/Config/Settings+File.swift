/// `type: file` — tailing log files through rotation. Owned by the file input; keys in docs/inputs-syslog-file.md.
public struct FileInputSettings: Sendable, Equatable {
    public enum Format: String, Sendable, Equatable, CaseIterable { case rfc3164, rfc5424, json, plain }
    public enum Start: String, Sendable, Equatable, CaseIterable { case beginning, end }

    /// Groups physical lines into one event (stack traces).
    public struct Multiline: Sendable, Equatable {
        public enum Mode: String, Sendable, Equatable { case start, continuation }
        /// `start`: a line matching `pattern` begins a new event; `continuation`: a matching line belongs to the previous one.
        public var mode: Mode
        /// POSIX extended regular expression.
        public var pattern: String
        public var maxLines: Int = 500
        public var maxBytes: Int = 64 * 1024
        /// An event still open after this long with no new line is shipped.
        public var timeoutSeconds: Double = 2
        public init(mode: Mode, pattern: String) { self.mode = mode; self.pattern = pattern }
    }

    public var id: String
    public var dataset: String = "system.file"
    /// Glob patterns; re-expanded every `scanIntervalSeconds`.
    public var paths: [String] = []
    public var exclude: [String] = []
    public var format: Format = .plain
    /// Where to begin a file seen for the first time (no checkpoint).
    public var start: Start = .beginning
    public var scanIntervalSeconds: Double = 10
    /// How often an idle file is checked for new bytes.
    public var pollIntervalSeconds: Double = 0.25
    /// Longer lines are cut (tagged `file_line_truncated`); the rest of the line is skipped.
    public var maxLineBytes: Int = 64 * 1024
    public var timezone: String = "local"
    public var multiline: Multiline? = nil
    /// Bytes compared to tell a reused inode from the file seen before.
    public var fingerprintBytes: Int = 1024
    public init(id: String) { self.id = id }
}
