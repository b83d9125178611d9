/// One detection rule, as read from its YAML file and checked. Durations are in seconds.
public struct Rule: Sendable {
    public var name: String
    public var file: String
    public var kind: Kind
    public var indices: [String]
    public var timestampField = "@timestamp"
    /// Query DSL clauses (JSON text), all of which a document must match.
    public var filters: [String] = []
    public var queryKey: [String] = []
    public var timeframe: Double? = nil
    public var runEvery: Double = 60
    public var bufferTime: Double = 900
    public var queryDelay: Double = 0
    public var realert: Double = 60
    public var exponentialRealert: Double? = nil
    public var include: [String] = []
    public var alertSubject: String? = nil
    public var alertSubjectArgs: [String] = []
    public var alertText: String? = nil
    public var alertTextArgs: [String] = []
    public var description: String = ""
    public var severity: Severity = .warning
    public var sinks: [SinkSpec] = []
    /// ElastAlert's `aggregation`: the notification sinks get one summary per period (`Aggregation`).
    public var aggregation: AggregationSpec? = nil

    public enum Severity: String, Sendable, CaseIterable { case critical, error, warning, info }

    /// What the rule looks for, with the options of its ElastAlert type.
    public enum Kind: Sendable {
        case any
        case frequency(numEvents: Int)
        case flatline(threshold: Int)
        case spike(height: Double, direction: SpikeDirection, thresholdRef: Int, thresholdCur: Int)
        case blacklist(compareKey: String, values: [String])
        case whitelist(compareKey: String, values: [String], ignoreNull: Bool)
        case change(compareKey: String, ignoreNull: Bool)
        case newTerm(fields: [String], termsWindow: Double)
        case cardinality(field: String, max: Int?, min: Int?)
        case metricAggregation(field: String, aggregation: MetricAggregation, max: Double?, min: Double?)
        case percentageMatch(matchFilters: [String], min: Double?, max: Double?, minDenominator: Int)
        /// A pattern (`log.pattern.id`) never seen before appears (`PatternRules`).
        case newPattern(NewPatternOptions)
        /// A pattern's count in the window deviates from its own recent windows (`PatternRules`).
        case patternRate(PatternRateOptions)

        public var typeName: String {
            switch self {
            case .any: "any"
            case .frequency: "frequency"
            case .flatline: "flatline"
            case .spike: "spike"
            case .blacklist: "blacklist"
            case .whitelist: "whitelist"
            case .change: "change"
            case .newTerm: "new_term"
            case .cardinality: "cardinality"
            case .metricAggregation: "metric_aggregation"
            case .percentageMatch: "percentage_match"
            case .newPattern: "new_pattern"
            case .patternRate: "pattern_rate"
            }
        }
    }

    public enum SpikeDirection: String, Sendable, CaseIterable { case up, down, both }

    /// `new_pattern`: where "never seen" is judged, and how far back the log documents are asked.
    public struct NewPatternOptions: Sendable, Equatable {
        public enum Source: String, Sendable, CaseIterable { case auto, catalogue, logs }
        /// `pattern_source` as written; `PatternRules.usesCatalogue` decides `auto`.
        public var source: Source = .auto
        /// `history`: the log documents' look-back before the window (logs mode).
        public var history: Double = 7 * 86_400
        /// `catalogue_index`: the pattern catalogue (catalogue mode).
        public var catalogueIndex = "logbridge-patterns-*"
        /// `max_listed`: new patterns named in one alarm's text (the count says how many there were).
        public var maxListed = 5
    }

    /// `pattern_rate`: the window is `timeframe`, its baseline the `history_windows` windows of the same length
    /// before it.
    public struct PatternRateOptions: Sendable, Equatable {
        public var direction: SpikeDirection = .both
        public var historyWindows = 12
        public var minCount = 20
        /// Robust standard deviations (1.4826 × MAD) away from the median.
        public var deviation = 4.0
        /// And at least this ratio to the median (up: ≥ median × ratio; down: ≤ median ÷ ratio).
        public var ratio = 3.0
    }
    public enum MetricAggregation: String, Sendable, CaseIterable { case min, max, avg, sum, cardinality, value_count }

    /// The window one evaluation looks at, ending at `end`. Count-like rules look back `timeframe`; event-like
    /// rules look back to the previous run's end plus `buffer_time`, which is how events indexed late are caught.
    func lookback(previousEnd: Double, end: Double) -> Double {
        switch kind {
        case .any, .blacklist, .whitelist, .change, .newTerm, .newPattern:
            return end - (previousEnd - bufferTime)
        case .metricAggregation, .percentageMatch:
            return timeframe ?? bufferTime
        case .frequency, .flatline, .spike, .cardinality, .patternRate:
            return timeframe ?? bufferTime
        }
    }

    /// The document key of an alarm: the values of `query_key` joined, or `all` for rules without one.
    static let wholeRuleKey = "all"
}

/// ElastAlert's `aggregation` and its `aggregation_key` / `summary_*` options, as a rule states them.
public struct AggregationSpec: Sendable, Equatable {
    public enum TableType: String, Sendable, CaseIterable { case ascii, markdown }
    /// Seconds from a period's first held event to its summary.
    public var period: Double
    /// `aggregation_key`: one period (and summary) per value of this alarm field; nil: one for the rule.
    public var key: String? = nil
    /// `summary_table_fields`: the columns of the summary table (a count column is added); empty: no table.
    public var tableFields: [String] = []
    public var tableType: TableType = .ascii
    /// `summary_table_max_rows`: the most frequent rows only.
    public var maxRows: Int? = nil
    public var prefix = ""
    public var suffix = ""
}

/// Where a rule's alarms go, besides the alarm index (which always gets every raise and clear).
public enum SinkSpec: Sendable, Equatable {
    /// O² monitoring: InfluxDB line protocol over a unixgram socket, UDP or HTTP.
    case o2Monitoring(transport: LineTransport, measurement: String?)
    case alertmanager(urls: [String])
    case webhook(url: String)
    case infoLogger(socket: String)
    /// ElastAlert's `command` alerter (`CommandSink`).
    case command(Command)

    public struct Command: Sendable, Equatable {
        /// The program and its arguments; with `shell`, one shell command line.
        public var argv: [String]
        public var shell: Bool
        public var pipeMatchJSON: Bool
        public var pipeAlertText: Bool
        /// Seconds before the command is killed and the delivery counted as failed.
        public var timeout: Double
    }

    public enum LineTransport: Sendable, Equatable {
        case unixgram(path: String)
        case udp(host: String, port: Int)
        /// `url` is the full write URL, e.g. `http://influx:8086/write?db=o2` or `…/api/v2/write?org=o&bucket=b`.
        case http(url: String)
    }

    /// Whether the sink holds a monitoring state per alarm (raised until cleared), rather than telling a person.
    /// `aggregation` groups only the notifications: a state sink must still see each key raised and cleared.
    public var holdsState: Bool {
        switch self {
        case .o2Monitoring, .alertmanager: true
        case .webhook, .infoLogger, .command: false
        }
    }

    public var name: String {
        switch self {
        case .o2Monitoring: "o2_monitoring"
        case .alertmanager: "alertmanager"
        case .webhook: "webhook"
        case .infoLogger: "infologger"
        case .command: "command"
        }
    }
}
