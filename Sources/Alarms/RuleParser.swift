import Config
import Yams

/// Reads one rule file. Every option is checked against the rule's type, and ElastAlert options LogBridge
/// does not implement are refused with the reason, so a rule never runs differently from what it says.
enum RuleParser {
    static let commonKeys = [
        "name", "type", "index", "timestamp_field", "filter", "query_key", "timeframe", "run_every", "buffer_time",
        "query_delay", "realert", "exponential_realert", "include", "alert_subject", "alert_subject_args",
        "alert_text", "alert_text_args", "description", "severity", "alert", "is_enabled", "owner",
        "alertmanager_hosts", "http_post_url", "mattermost_webhook_url", "o2_monitoring", "infologger_socket",
        "use_keyword_postfix", "command", "pipe_match_json", "pipe_alert_text", "fail_on_non_zero_exit", "command_timeout",
        "aggregation", "aggregation_key", "summary_table_fields", "summary_table_type", "summary_table_max_rows",
        "summary_prefix", "summary_suffix", "aggregate_by_match_time",
    ]
    /// Options that belong to one type only.
    static let typeKeys: [String: [String]] = [
        "any": [], "frequency": ["num_events"], "flatline": ["threshold"],
        "spike": ["spike_height", "spike_type", "threshold_ref", "threshold_cur"],
        "blacklist": ["compare_key", "blacklist"], "whitelist": ["compare_key", "whitelist", "ignore_null"],
        "change": ["compare_key", "ignore_null"], "new_term": ["fields", "terms_window_size"],
        "cardinality": ["cardinality_field", "max_cardinality", "min_cardinality"],
        "metric_aggregation": ["metric_agg_key", "metric_agg_type", "max_threshold", "min_threshold"],
        "percentage_match": ["match_bucket_filter", "min_percentage", "max_percentage", "min_denominator"],
        "new_pattern": ["pattern_source", "history", "catalogue_index", "max_listed"],
        "pattern_rate": ["direction", "history_windows", "min_count", "deviation", "ratio"],
    ]
    static let unsupported: [String: String] = [
        "use_count_query": "not needed: LogBridge always counts with aggregations and never downloads documents to count them",
        "use_terms_query": "not needed: query_key rules are always counted with a terms/composite aggregation",
        "doc_type": "mapping types were removed in Elasticsearch 7; drop this option",
        "top_count_keys": "not supported: it downloads documents for every alert; use include for the fields to show",
        "scan_entire_timeframe": "not needed: count rules always evaluate the whole timeframe ending at the window's end",
        "use_local_time": "not supported: times are always UTC (RFC 3339)",
        "es_host": "the cluster is the `output` section of logbridge.yaml", "es_port": "the cluster is the `output` section of logbridge.yaml",
        "import": "rule inheritance (import) is not supported; write each rule whole",
        "priority": "use severity: critical | error | warning | info",
        "query_key_values": "not supported",
        "alert_text_type": "not supported: alert_text is always followed by the rule's key and value",
        "attach_related": "not supported", "limit_execution": "not supported: use run_every",
        "terms_size": "not needed: terms are paged with a composite aggregation",
        "query_key_count": "not supported",
        // ElastAlert 2's other common options (its rule-types cheat sheet), each with the reason it is refused.
        "es_hosts": "the cluster is the `output` section of logbridge.yaml",
        "use_ssl": "TLS is set in the `output` section of logbridge.yaml", "verify_certs": "TLS is set in the `output` section of logbridge.yaml",
        "ca_certs": "TLS is set in the `output` section of logbridge.yaml", "ssl_show_warn": "TLS is set in the `output` section of logbridge.yaml",
        "client_cert": "TLS is set in the `output` section of logbridge.yaml", "client_key": "TLS is set in the `output` section of logbridge.yaml",
        "es_username": "credentials are set in the `output` section of logbridge.yaml (auth)",
        "es_password": "credentials are set in the `output` section of logbridge.yaml (auth)",
        "es_bearer": "credentials are set in the `output` section of logbridge.yaml (auth)",
        "es_api_key": "credentials are set in the `output` section of logbridge.yaml (auth)",
        "es_url_prefix": "the cluster URL (with any prefix) is the `output` section of logbridge.yaml",
        "es_send_get_body_as": "not needed: searches are always POSTed",
        "use_strftime_index": "not needed: `index` takes wildcard patterns (logs-system.journal-*), which cover dated indices",
        "statsd_host": "not supported: LogBridge's own metrics are on its metrics endpoint", "statsd_instance_tag": "not supported",
        "kibana_url": "not supported: no links are generated; the dashboards in Dashboards/ show the alarm index",
        "generate_kibana_discover_url": "not supported: no links are generated", "generate_opensearch_discover_url": "not supported: no links are generated",
        "kibana_discover_app_url": "not supported: no links are generated", "opensearch_discover_app_url": "not supported: no links are generated",
        "realert_key": "not needed: realert is per rule and key (query_key)",
        "match_enhancements": "not supported: enhancements are Python plug-ins",
        "top_count_number": "not supported (see top_count_keys)", "raw_count_keys": "not supported (see top_count_keys)",
        "max_query_size": "not needed: documents are counted by aggregations, never downloaded",
        "category": "not supported: use description or owner",
        "query_timezone": "not supported: times are always UTC",
        "timestamp_type": "not supported: timestamp_field must be a date field (Mappings/ maps @timestamp as date_nanos)",
        "timestamp_format": "not supported: timestamp_field must be a date field",
        "_source_enabled": "not needed: documents are counted by aggregations",
        "alert_text_kw": "not supported: use alert_text_args (positional {0} placeholders)",
        "alert_missing_value": "not supported: a missing argument reads <name missing>",
        "include_match_in_root": "not supported", "search_extra_index": "not supported",
        "alert_on_new_data": "not supported: a key is held for two timeframes after its first event, as ElastAlert does by default",
        "field_value": "not supported: spike rules count documents",
        "forget_keys": "not needed: a flatline key is forgotten when it has not logged for max(4 × timeframe, 1h)",
        "window_step_size": "not needed: the new_term baseline is one aggregation over terms_window_size",
        "alert_on_missing_field": "not supported: documents without the fields are not terms",
        "metric_agg_script": "not supported: scripts are not run", "percentile_range": "not supported: percentiles is not an accepted metric_agg_type",
        "min_doc_count": "not supported", "use_run_every_query_size": "not needed: the window is always timeframe (or buffer_time)",
        "allow_buffer_time_overlap": "not needed", "bucket_interval": "not supported: one value per window", "sync_bucket_interval": "not supported",
        "metric_format_string": "not supported", "percentage_format_string": "not supported",
    ]
    static let alertNames = ["o2_monitoring", "alertmanager", "post", "webhook", "mattermost", "infologger", "command", "debug"]
    /// Options that configure one alerter: set without that alerter in `alert:`, they would do nothing.
    static let sinkOptions = ["alertmanager_hosts", "http_post_url", "mattermost_webhook_url", "o2_monitoring", "infologger_socket",
                              "command", "pipe_match_json", "pipe_alert_text", "fail_on_non_zero_exit", "command_timeout"]

    /// - Parameter ignoring: top-level options left out (`ElastAlertCheck` has reported them already and wants the
    ///   problems after them).
    static func parse(text: String, file: String, ignoring: Set<String> = []) throws(ConfigError) -> Rule? {
        var root: Node
        do {
            guard let node = try Yams.compose(yaml: text, .basic) else {
                throw ConfigError(file: file, line: nil, keyPath: "", message: "empty rule file")
            }
            root = node
        } catch let e as ConfigError { throw e } catch {
            throw ConfigLoader.syntaxError(error, file: file)
        }
        if !ignoring.isEmpty, case .mapping(let m) = root {
            root = .mapping(Node.Mapping(m.filter { !ignoring.contains($0.key.string ?? "") }.map { ($0.key, $0.value) }, m.tag, m.style, m.mark))
        }
        let doc = RuleNode(document: root, file: file)
        // Type first: it decides which other keys are valid.
        guard case .mapping(let m) = root else { throw doc.error("a rule file is a mapping of options") }
        guard let typeNode = m.first(where: { $0.key.string == "type" }).map({ doc.child("type", $0.value) }) else {
            throw doc.error("missing required option \"type\" (one of " + typeKeys.keys.sorted().joined(separator: ", ") + ")")
        }
        let typeName = try typeNode.nonEmptyString()
        guard let ownKeys = typeKeys[typeName] else {
            throw typeNode.error("unknown rule type \"\(typeName)\"" + hint(for: typeName, among: typeKeys.keys.sorted()))
        }
        var explained = unsupported
        for (other, keys) in typeKeys where other != typeName {
            for key in keys where !ownKeys.contains(key) { explained[key] = "applies to type \(other), not \(typeName)" }
        }
        let entries = try doc.options(keys: commonKeys + ownKeys, explained: explained)
        let options = Dictionary(entries, uniquingKeysWith: { a, _ in a })
        if let enabled = options["is_enabled"], try !enabled.bool() { return nil }

        func required(_ key: String) throws(ConfigError) -> RuleNode {
            guard let value = options[key], !value.isNull else { throw doc.error("missing required option \"\(key)\" for type \(typeName)") }
            return value
        }
        let name = try required("name").nonEmptyString()
        var rule = Rule(name: name, file: file, kind: .any, indices: try required("index").ruleStringList())
        if let v = options["timestamp_field"] { rule.timestampField = try v.nonEmptyString() }
        if let v = options["filter"] { rule.filters = try clauses(v) }
        if let v = options["query_key"] { rule.queryKey = try v.ruleStringList() }
        if let v = options["timeframe"] { rule.timeframe = try v.positiveDuration() }
        if let v = options["run_every"] { rule.runEvery = try v.positiveDuration() }
        if let v = options["buffer_time"] { rule.bufferTime = try v.duration() }
        if let v = options["query_delay"] { rule.queryDelay = try v.duration() }
        if let v = options["realert"] { rule.realert = try v.duration() }
        if let v = options["exponential_realert"] { rule.exponentialRealert = try v.positiveDuration() }
        if let v = options["include"] { rule.include = try v.ruleStringList() }
        // `false` states what LogBridge does anyway: fields are named as mapped, never with `.keyword` added.
        if let v = options["use_keyword_postfix"], try v.bool() {
            throw v.error("only false is accepted: LogBridge counts the fields named in the rule, and Mappings/ has no .keyword sub-fields (name the keyword field itself)")
        }
        if let v = options["alert_subject"] { rule.alertSubject = try v.nonEmptyString() }
        if let v = options["alert_subject_args"] { rule.alertSubjectArgs = try v.ruleStringList() }
        if let v = options["alert_text"] { rule.alertText = try v.nonEmptyString() }
        if let v = options["alert_text_args"] { rule.alertTextArgs = try v.ruleStringList() }
        if let v = options["description"] { rule.description = try v.nonEmptyString() }
        if let v = options["severity"] {
            let text = try v.nonEmptyString()
            guard let s = Rule.Severity(rawValue: text) else {
                throw v.error("unknown severity \"\(text)\"" + hint(for: text, among: Rule.Severity.allCases.map(\.rawValue)))
            }
            rule.severity = s
        }
        try checkArgs(rule.alertSubject, rule.alertSubjectArgs, options["alert_subject_args"] ?? doc, "alert_subject")
        try checkArgs(rule.alertText, rule.alertTextArgs, options["alert_text_args"] ?? doc, "alert_text")
        rule.sinks = try sinks(options, doc: doc)
        rule.kind = try kind(typeName, required: required, options: options,
                             missing: { doc.error("missing required option \"\($0)\" for type \(typeName)") })
        rule.aggregation = try aggregation(options, rule: rule)
        try checkTiming(rule, options: options, doc: doc)
        return rule
    }

    static let aggregationOptions = ["aggregation_key", "summary_table_fields", "summary_table_type", "summary_table_max_rows",
                                     "summary_prefix", "summary_suffix", "aggregate_by_match_time"]

    /// ElastAlert's `aggregation: {minutes: 10}` (or `10m`) and its companions. `{schedule: cron}` is refused, and
    /// so is an aggregation with no notification sink to group (it would change nothing).
    private static func aggregation(_ options: [String: RuleNode], rule: Rule) throws(ConfigError) -> AggregationSpec? {
        guard let node = options["aggregation"] else {
            for key in aggregationOptions { if let n = options[key] { throw n.error("set, but the rule has no aggregation") } }
            return nil
        }
        if case .mapping(let m) = node.node, m.contains(where: { $0.key.string == "schedule" }) {
            throw node.error("aggregation by cron schedule is not supported: give a period, e.g. {minutes: 10}; each period starts with its first alarm event")
        }
        var spec = AggregationSpec(period: try node.positiveDuration())
        guard rule.sinks.contains(where: { !$0.holdsState }) else {
            throw node.error("aggregation groups the notifications of post/webhook, mattermost, command and infologger; "
                                  + "this rule's alert has none (o2_monitoring and alertmanager always get each alarm)")
        }
        // Both read the alarm's fields: a field the alarm does not carry would read <MISSING VALUE> in every row.
        let carried = ["rule", "name", "key", "state", "severity", "num_hits", "value", "subject"] + QueryBuilder.groupingFields(rule)
            + rule.include + MatchDetails.identifying.map { $0.field }
        func checkCarried(_ field: String, _ n: RuleNode) throws(ConfigError) {
            guard !field.isEmpty else { throw n.error("expected a field name, got an empty one") }
            guard carried.contains(field) else {
                throw n.error("\"\(field)\" is not a field of the alarm: use a query_key field, an include field (add it to include), "
                              + "one of " + MatchDetails.identifying.map { $0.field }.joined(separator: ", ") + ", or rule, key, severity, num_hits")
            }
        }
        if let n = options["aggregation_key"] {
            let keys = try n.ruleStringList()
            guard keys.count == 1 else { throw n.error("expected one field name") }
            try checkCarried(keys[0], n)
            spec.key = keys[0]
        }
        if let n = options["summary_table_fields"] {
            spec.tableFields = try n.ruleStringList()
            for f in spec.tableFields { try checkCarried(f, n) }
        }
        if let n = options["summary_table_type"] {
            let text = try n.nonEmptyString()
            guard let type = AggregationSpec.TableType(rawValue: text) else { throw n.error("expected ascii or markdown, got \"\(text)\"") }
            spec.tableType = type
        }
        if let n = options["summary_table_max_rows"] { spec.maxRows = try n.int(min: 1) }
        if let n = options["summary_prefix"] { spec.prefix = try n.string() }
        if let n = options["summary_suffix"] { spec.suffix = try n.string() }
        for key in ["summary_table_type", "summary_table_max_rows"] where spec.tableFields.isEmpty {
            if let n = options[key] { throw n.error("set, but summary_table_fields is not") }
        }
        if let n = options["aggregate_by_match_time"], try n.bool() {
            throw n.error("only false is accepted: periods are timed on the evaluated windows' ends (the data's time, in live runs and replays alike); "
                          + "a matching document's own timestamp is not kept with the alarm")
        }
        return spec
    }

    private static func kind(_ type: String, required: (String) throws(ConfigError) -> RuleNode,
                             options: [String: RuleNode], missing: (String) -> ConfigError) throws(ConfigError) -> Rule.Kind {
        func double(_ k: String) throws(ConfigError) -> Double? { try options[k].map { n throws(ConfigError) in try n.number() } }
        func int(_ k: String) throws(ConfigError) -> Int? { try options[k].map { n throws(ConfigError) in try n.int(min: 0) } }
        func needsTimeframe() throws(ConfigError) {
            guard options["timeframe"] != nil else { throw missing("timeframe") }
        }
        switch type {
        case "any": return .any
        case "frequency":
            try needsTimeframe()
            return .frequency(numEvents: try required("num_events").int(min: 1))
        case "flatline":
            try needsTimeframe()
            return .flatline(threshold: try required("threshold").int(min: 1))
        case "spike":
            try needsTimeframe()
            let height = try required("spike_height").number()
            guard height > 1 else { throw options["spike_height"]!.error("must be greater than 1 (a ratio)") }
            let typeNode = try required("spike_type")
            let text = try typeNode.nonEmptyString()
            guard let direction = Rule.SpikeDirection(rawValue: text) else {
                throw typeNode.error("expected up, down or both, got \"\(text)\"")
            }
            return .spike(height: height, direction: direction, thresholdRef: try int("threshold_ref") ?? 0,
                          thresholdCur: try int("threshold_cur") ?? 0)
        case "blacklist":
            return .blacklist(compareKey: try required("compare_key").nonEmptyString(), values: try required("blacklist").ruleStringList())
        case "whitelist":
            return .whitelist(compareKey: try required("compare_key").nonEmptyString(), values: try required("whitelist").ruleStringList(),
                              ignoreNull: try options["ignore_null"]?.bool() ?? false)
        case "change":
            guard options["query_key"] != nil else { throw missing("query_key") }
            return .change(compareKey: try required("compare_key").nonEmptyString(), ignoreNull: try options["ignore_null"]?.bool() ?? false)
        case "new_term":
            let window = try options["terms_window_size"]?.positiveDuration() ?? 30 * 86_400
            return .newTerm(fields: try required("fields").ruleStringList(), termsWindow: window)
        case "cardinality":
            try needsTimeframe()
            let max = try int("max_cardinality"), min = try int("min_cardinality")
            guard max != nil || min != nil else { throw missing("max_cardinality") }
            return .cardinality(field: try required("cardinality_field").nonEmptyString(), max: max, min: min)
        case "metric_aggregation":
            let typeNode = try required("metric_agg_type")
            let text = try typeNode.nonEmptyString()
            guard let aggregation = Rule.MetricAggregation(rawValue: text) else {
                throw typeNode.error("unknown aggregation \"\(text)\"" + hint(for: text, among: Rule.MetricAggregation.allCases.map(\.rawValue)))
            }
            let max = try double("max_threshold"), min = try double("min_threshold")
            guard max != nil || min != nil else { throw missing("max_threshold") }
            return .metricAggregation(field: try required("metric_agg_key").nonEmptyString(), aggregation: aggregation, max: max, min: min)
        case "new_pattern":
            var o = Rule.NewPatternOptions()
            if let node = options["pattern_source"] {
                let text = try node.nonEmptyString()
                guard let source = Rule.NewPatternOptions.Source(rawValue: text) else {
                    throw node.error("expected auto, catalogue or logs, got \"\(text)\"")
                }
                o.source = source
            }
            if let node = options["history"] { o.history = try node.positiveDuration() }
            if let node = options["catalogue_index"] { o.catalogueIndex = try node.nonEmptyString() }
            if let node = options["max_listed"] { o.maxListed = try node.int(min: 1) }
            return .newPattern(o)
        case "pattern_rate":
            try needsTimeframe()
            var o = Rule.PatternRateOptions()
            if let node = options["direction"] {
                let text = try node.nonEmptyString()
                guard let direction = Rule.SpikeDirection(rawValue: text) else { throw node.error("expected up, down or both, got \"\(text)\"") }
                o.direction = direction
            }
            if let node = options["history_windows"] {
                o.historyWindows = try node.int(min: 3)
                // Each window is one bucket of a `filters` aggregation under every (key, pattern) bucket.
                guard o.historyWindows <= 168 else { throw node.error("at most 168 windows (a week of hours)") }
            }
            if let node = options["min_count"] { o.minCount = try node.int(min: 1) }
            if let node = options["deviation"] {
                o.deviation = try node.number()
                guard o.deviation > 0 else { throw node.error("must be greater than 0 (robust standard deviations)") }
            }
            if let node = options["ratio"] {
                o.ratio = try node.number()
                guard o.ratio >= 1 else { throw node.error("must be at least 1 (a ratio to the usual count)") }
            }
            return .patternRate(o)
        default: // percentage_match
            let match = try clauses(try required("match_bucket_filter"))
            let min = try double("min_percentage"), max = try double("max_percentage")
            guard max != nil || min != nil else { throw missing("max_percentage") }
            return .percentageMatch(matchFilters: match, min: min, max: max, minDenominator: try int("min_denominator") ?? 1)
        }
    }

    static let clauseNames = ["term", "terms", "match", "match_phrase", "query_string", "range", "exists", "bool",
                              "prefix", "wildcard", "regexp", "ids", "simple_query_string", "match_all"]

    /// ElastAlert's `filter`: a list of query DSL clauses; `{query: {query_string: …}}` (its legacy form) is unwrapped.
    static func clauses(_ node: RuleNode) throws(ConfigError) -> [String] {
        var out: [String] = []
        for item in try node.list() {
            var clause = item
            if case .mapping(let m) = item.node, m.count == 1, m.first?.key.string == "query", let inner = m.first?.value {
                clause = item.child("query", inner)
            }
            let entries = try clause.options(keys: [])
            guard entries.count == 1, let (name, _) = entries.first else {
                throw clause.error("each filter entry is one query clause, e.g. {term: {host.name: flp001}}")
            }
            guard clauseNames.contains(name) else {
                throw entries[0].1.error("unsupported query clause \"\(name)\"" + hint(for: name, among: clauseNames))
            }
            out.append(YAMLToJSON.text(clause.node))
        }
        return out
    }

    private static func checkArgs(_ format: String?, _ args: [String], _ node: RuleNode, _ key: String) throws(ConfigError) {
        let slots = format.map { countSlots($0) } ?? 0
        guard slots == args.count || (format == nil && args.isEmpty) else {
            throw node.error("\(key) has \(slots) {} placeholder(s) but \(args.count) argument(s)")
        }
    }

    /// `{0}` / `{}` placeholders, as Python's str.format counts them.
    static func countSlots(_ format: String) -> Int {
        var count = 0, open = false
        for c in format {
            if c == "{" { open = true } else if c == "}" && open { count += 1; open = false } else if !(c.isNumber) { open = false }
        }
        return count
    }

    private static func sinks(_ options: [String: RuleNode], doc: RuleNode) throws(ConfigError) -> [SinkSpec] {
        guard let alertNode = options["alert"] else {
            for key in sinkOptions {
                if let n = options[key] { throw n.error("set, but no `alert:` entry uses it") }
            }
            return []
        }
        var out: [SinkSpec] = []
        for item in try alertNode.list() {
            let name = try item.nonEmptyString()
            switch name {
            case "o2_monitoring":
                out.append(try o2Monitoring(options["o2_monitoring"], doc: doc))
            case "alertmanager":
                guard let hosts = options["alertmanager_hosts"] else { throw item.error("alertmanager needs alertmanager_hosts") }
                out.append(.alertmanager(urls: try hosts.ruleStringList()))
            case "post", "webhook":
                guard let url = options["http_post_url"] else { throw item.error("\(name) needs http_post_url") }
                out.append(.webhook(url: try url.nonEmptyString()))
            case "mattermost":
                guard let url = options["mattermost_webhook_url"] else { throw item.error("mattermost needs mattermost_webhook_url") }
                out.append(.webhook(url: try url.nonEmptyString()))
            case "infologger":
                out.append(.infoLogger(socket: try options["infologger_socket"]?.nonEmptyString() ?? "@infoLoggerD"))
            case "command":
                out.append(try command(options, item: item))
            case "debug":
                continue // the alarm index gets every alarm anyway
            default:
                throw item.error("unknown alerter \"\(name)\"" + hint(for: name, among: alertNames))
            }
        }
        return out
    }

    /// ElastAlert's `command` alerter: `command` as an argv list (run directly) or a string (run by `/bin/sh -c`,
    /// ElastAlert's shell form, refused with placeholders: a log value would become shell syntax).
    private static func command(_ options: [String: RuleNode], item: RuleNode) throws(ConfigError) -> SinkSpec {
        guard let node = options["command"], !node.isNull else { throw item.error("command needs the command option (an argv list)") }
        var shell = false
        let argv: [String]
        if case .scalar = node.node {
            let line = try node.nonEmptyString()
            if CommandSink.hasPlaceholders(line) {
                throw node.error("a command string runs through /bin/sh, and a placeholder would put a log value into shell syntax; "
                                 + "write command as a list (e.g. [/usr/local/bin/notify, \"%(host.name)s\"]), which runs without a shell")
            }
            shell = true
            argv = [line]
        } else {
            argv = try node.ruleStringList()
            guard !argv.isEmpty, !argv[0].isEmpty else { throw node.error("the command list needs at least the program") }
        }
        let pipeJSON = try options["pipe_match_json"]?.bool() ?? false
        let pipeText = try options["pipe_alert_text"]?.bool() ?? false
        if pipeJSON, pipeText, let n = options["pipe_alert_text"] { throw n.error("choose one of pipe_match_json and pipe_alert_text") }
        if let n = options["fail_on_non_zero_exit"], try !n.bool() {
            throw n.error("only true is accepted: a non-zero exit is always a failed delivery, retried and kept like any sink's")
        }
        let timeout = try options["command_timeout"]?.positiveDuration() ?? 10
        return .command(.init(argv: argv, shell: shell, pipeMatchJSON: pipeJSON, pipeAlertText: pipeText, timeout: timeout))
    }

    /// `o2_monitoring: {transport: unixgram|udp|http, path:, host:, port:, url:, measurement:}`; default the
    /// Telegraf socket O² Monitoring writes to.
    private static func o2Monitoring(_ node: RuleNode?, doc: RuleNode) throws(ConfigError) -> SinkSpec {
        guard let node else { return .o2Monitoring(transport: .unixgram(path: "/tmp/telegraf.sock"), measurement: nil) }
        let entries = Dictionary(try node.options(keys: ["transport", "path", "host", "port", "url", "measurement"]),
                                 uniquingKeysWith: { a, _ in a })
        let transportName = try entries["transport"]?.nonEmptyString() ?? "unixgram"
        let measurement = try entries["measurement"]?.nonEmptyString()
        switch transportName {
        case "unixgram":
            return .o2Monitoring(transport: .unixgram(path: try entries["path"]?.nonEmptyString() ?? "/tmp/telegraf.sock"), measurement: measurement)
        case "udp":
            guard let port = entries["port"] else { throw node.error("transport udp needs port") }
            return .o2Monitoring(transport: .udp(host: try entries["host"]?.nonEmptyString() ?? "127.0.0.1", port: try port.int(min: 1)),
                                 measurement: measurement)
        case "http":
            guard let url = entries["url"] else { throw node.error("transport http needs url (…/write?db=NAME or …/api/v2/write?org=…&bucket=…)") }
            let text = try url.nonEmptyString()
            guard text.contains("/write") else { throw url.error("expected an InfluxDB write URL: …/write?db=NAME or …/api/v2/write?…") }
            return .o2Monitoring(transport: .http(url: text), measurement: measurement)
        default:
            throw entries["transport"]!.error("expected unixgram, udp or http, got \"\(transportName)\"")
        }
    }

    private static func checkTiming(_ rule: Rule, options: [String: RuleNode], doc: RuleNode) throws(ConfigError) {
        if let tf = rule.timeframe, tf < rule.runEvery, let node = options["timeframe"] {
            throw node.error("timeframe (\(tf)s) is shorter than run_every (\(rule.runEvery)s): events between windows would never be counted")
        }
        if let exp = rule.exponentialRealert, exp < rule.realert, let node = options["exponential_realert"] {
            throw node.error("must be at least realert")
        }
    }
}
