/// The typed configuration of LogBridge: what `logbridge.yaml` means once it has been read and checked.
///
/// Every value here has already been validated by `ConfigLoader`; the rest of the program never sees YAML.
/// Defaults live here, in one place, and `docs/configuration.md` documents the same values.

public struct LogBridgeConfig: Sendable, Equatable {
    /// Where checkpoints (and later the spool) are kept; created `0700`.
    public var stateDirectory: String
    public var output: OutputSettings
    public var inputs: [InputSettings]
    public var logging: LoggingSettings
    /// The file the configuration was read from, for messages.
    public var sourcePath: String
    /// `metrics:` (Settings+Metrics.swift); off by default.
    public var metrics = MetricsSettings()
    /// `shutdown_timeout`: how long a stop waits for in-flight batches; nil leaves it to `--shutdown-timeout`.
    public var shutdownTimeoutSeconds: Double?
    /// `patterns:` (Settings+Patterns.swift); on by default.
    public var patterns = PatternSettings()
    /// `reports:` (Settings+Reports.swift): shift times for `logbridge report --shift`.
    public var reports = ReportSettings()
    /// `health:` (Settings+Health.swift): the shipper's health documents; on by default.
    public var health = HealthSettings()

    public init(stateDirectory: String = "/var/lib/logbridge", output: OutputSettings = OutputSettings(),
                inputs: [InputSettings] = [], logging: LoggingSettings = LoggingSettings(), sourcePath: String = "") {
        self.stateDirectory = stateDirectory
        self.output = output
        self.inputs = inputs
        self.logging = logging
        self.sourcePath = sourcePath
    }
}

public struct LoggingSettings: Sendable, Equatable {
    public enum Level: String, Sendable, Equatable, CaseIterable { case trace, debug, info, notice, warning, error, critical }
    public var level: Level = .info
    public init(level: Level = .info) { self.level = level }
}

/// Where and how documents are delivered.
public struct OutputSettings: Sendable, Equatable {
    /// Base URLs, e.g. `https://es1:9200`; tried in order, failing over to the next.
    public var hosts: [String] = ["http://127.0.0.1:9200"]
    public var auth: AuthSettings = .none
    public var tls: TLSSettings = TLSSettings()
    /// `index`: daily indices named by `indexPattern`; `data_stream`: `logs-<dataset>-<namespace>` data streams.
    public var mode: IndexMode = .index
    /// Index name pattern; `{dataset}` and the date tokens `{yyyy}`, `{MM}`, `{dd}` or `{yyyy.MM.dd}` (UTC, event time).
    public var indexPattern: String = "logs-{dataset}-{yyyy.MM.dd}"
    /// Data-stream namespace, used only in `data_stream` mode.
    public var namespace: String = "default"
    public var batch: BatchSettings = BatchSettings()
    /// Bulk requests outstanding at once.
    public var maxInFlight: Int = 2
    /// Request body compression.
    public var compression: Compression = .gzip
    /// Whole-request timeout.
    public var requestTimeoutSeconds: Double = 60
    public var connectTimeoutSeconds: Double = 10
    public var retry: RetrySettings = RetrySettings()
    public var deadLetter: DeadLetterSettings = DeadLetterSettings()
    /// Allow credentials to be sent over plain `http://`.
    public var allowInsecureCredentials: Bool = false

    public init() {}

    public enum IndexMode: String, Sendable, Equatable, CaseIterable { case index, dataStream = "data_stream" }
    public enum Compression: String, Sendable, Equatable, CaseIterable { case gzip, none }
}

public enum AuthSettings: Sendable, Equatable {
    case none
    /// Password already resolved from `password_file` / `password_env`; never logged.
    case basic(username: String, password: Secret)
    /// `Authorization: ApiKey <key>`, key resolved from `api_key_file` / `api_key_env`.
    case apiKey(Secret)
}

/// A credential; its description never shows the value.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

public struct TLSSettings: Sendable, Equatable {
    public var caFile: String? = nil
    public var certFile: String? = nil
    public var keyFile: String? = nil
    /// Skips certificate and host name verification; logged as a warning at every start.
    public var insecure: Bool = false
    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, insecure: Bool = false) {
        self.caFile = caFile; self.certFile = certFile; self.keyFile = keyFile; self.insecure = insecure
    }
}

public struct BatchSettings: Sendable, Equatable {
    public var maxDocuments: Int = 2000
    public var maxBytes: Int = 5 * 1024 * 1024
    /// A partly filled batch is sent after this long.
    public var flushIntervalSeconds: Double = 1
    public init(maxDocuments: Int = 2000, maxBytes: Int = 5 * 1024 * 1024, flushIntervalSeconds: Double = 1) {
        self.maxDocuments = maxDocuments; self.maxBytes = maxBytes; self.flushIntervalSeconds = flushIntervalSeconds
    }
}

public struct RetrySettings: Sendable, Equatable {
    public var initialBackoffSeconds: Double = 0.25
    public var maxBackoffSeconds: Double = 30
    public init(initialBackoffSeconds: Double = 0.25, maxBackoffSeconds: Double = 30) {
        self.initialBackoffSeconds = initialBackoffSeconds; self.maxBackoffSeconds = maxBackoffSeconds
    }
}

public struct DeadLetterSettings: Sendable, Equatable {
    /// Index for documents the cluster rejected for good; same date tokens as `indexPattern`.
    public var indexPattern: String = "logbridge-dlq-{yyyy.MM.dd}"
    /// Local NDJSON file (relative paths are under the state directory) used when the dead-letter index rejects too.
    public var file: String = "dead-letter.ndjson"
    public init() {}
}

public enum InputSettings: Sendable, Equatable {
    case journald(JournaldInputSettings)
    case syslog(SyslogInputSettings)
    case file(FileInputSettings)
    case infologger(InfoLoggerInputSettings)

    public var id: String {
        switch self {
        case .journald(let j): return j.id
        case .syslog(let s): return s.id
        case .file(let f): return f.id
        case .infologger(let i): return i.id
        }
    }

    public var dataset: String {
        switch self {
        case .journald(let j): return j.dataset
        case .syslog(let s): return s.dataset
        case .file(let f): return f.dataset
        case .infologger(let i): return i.dataset
        }
    }
}

/// The durable spool of an input that cannot be re-read (network streams); see docs/spool.md.
/// YAML: `spool: {max_bytes: 1GiB, segment_bytes: 64MiB, fsync: always | never | 1s, when_full: block | drop_oldest}`.
public struct SpoolSettings: Sendable, Equatable {
    public enum Fsync: Sendable, Equatable { case always, never, interval(seconds: Double) }
    public enum WhenFull: String, Sendable, Equatable, CaseIterable { case block, dropOldest = "drop_oldest" }
    public var maxBytes: Int = 1 << 30
    public var segmentBytes: Int = 64 << 20
    public var fsync: Fsync = .interval(seconds: 1)
    public var whenFull: WhenFull = .block
    public init() {}
}

public struct JournaldInputSettings: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// The machine's own journal (`/var/log/journal`, `/run/log/journal`).
        case local
        /// A directory of journal files, e.g. what `systemd-journal-remote` writes for many hosts.
        case directory(String)
        /// Explicit journal files (globs already expanded at load time are not: expanded at open).
        case files([String])
    }
    public enum Start: String, Sendable, Equatable, CaseIterable { case head, tail }

    /// Stable name; the checkpoint file is named after it, so changing it re-reads the journal.
    public var id: String
    public var source: Source = .local
    /// `FIELD=value` matches; the same field twice is OR, different fields are AND (journalctl semantics).
    public var matches: [String] = []
    /// Where to begin when there is no checkpoint yet.
    public var start: Start = .head
    /// Dataset written to `event.dataset` and used in the index name.
    public var dataset: String = "system.journal"
    /// Most application (non-ECS) fields kept per entry under `journald.custom`.
    public var maxCustomFields: Int = 64

    public init(id: String, source: Source = .local, matches: [String] = [], start: Start = .head,
                dataset: String = "system.journal", maxCustomFields: Int = 64) {
        self.id = id; self.source = source; self.matches = matches; self.start = start
        self.dataset = dataset; self.maxCustomFields = maxCustomFields
    }
}
