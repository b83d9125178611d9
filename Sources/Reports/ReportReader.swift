import Bulk
import Foundation
import JSON
import Setup

/// Reads one `Report` from the cluster in two `_msearch` requests, whatever the farm's size:
/// 1. this period's and the previous period's log aggregations, the alarm events, the catalogue's candidate new
///    patterns, the dead letters and the shippers' health samples of both periods (seven searches);
/// 2. for the pattern ids found: their templates and first-seen times in the catalogue, the previous period's
///    counts of the top messages and this period's counts of the new patterns (three searches).
/// Per-host figures come from `terms` buckets (up to `maxHosts` hosts), never from a search per host.
///
/// A search that fails marks its sections `unreadable`; an index pattern that matches no index (the search
/// answers with `_shards.total` 0) marks them `missing_index`; a period without documents marks them `empty`.
public struct ReportReader {
    public struct Options: Sendable {
        public var from: Double
        public var to: Double
        public var top: Int = 10
        public var maxHosts: Int = 2000
        public var opensearchDashboardsURL: String?
        public var kibanaURL: String?
        public var logsIndex = "logs-*"
        public var alarmsIndex = "logbridge-alarms-2*"
        public var patternsIndex = "logbridge-patterns-*"
        public var deadLetterIndex = "logbridge-dlq-*"
        /// The shippers' health documents (`logbridge-health-YYYY.MM`, one per input and `health.interval`).
        public var healthIndex = "logbridge-health-*"
        /// Alarm events this long before the period are read too, so an alarm raised earlier and still active
        /// is seen: at least 7 days, or the period's length.
        public var alarmLookback: Double { max(7 * 86400, to - from) }

        public init(from: Double, to: Double) { self.from = from; self.to = to }
    }

    public static let errorLevels = ["emerg", "alert", "crit", "err"]
    /// A host's error rate is "far above the farm's" at this many times the farm's rate...
    public static let errorRateFactor = 3.0
    /// ...with at least this many errors (a host with 2 errors in 10 documents is noise, not a finding).
    public static let errorRateMinimum = 10
    /// A shipper's worst lag (read → acknowledged) is a finding above this: one whole `output.request_timeout`
    /// (default 60 s), where a healthy shipper acknowledges within its 1 s flush and one request; so a batch
    /// waited through at least a timed-out or refused request and the backoff after it (up to 30 s).
    public static let shipperLagThreshold = 60.0
    /// A shipper stopped reporting when its last sample is more than this many of its own sample intervals
    /// (`interval_seconds`) before the period's end: one late or lost sample is not a finding, three are.
    public static let shipperStoppedIntervals = 3.0
    /// Beyond the hosts with a finding, this many others with the largest lag are listed, to show how the
    /// rest of the farm is doing.
    public static let shipperTopByLag = 5

    let client: ClusterClient
    let options: Options

    public init(client: ClusterClient, options: Options) {
        self.client = client
        self.options = options
    }

    var length: Double { options.to - options.from }
    var previousFrom: Double { options.from - length }
    /// The last quarter of a period is its "last part" for the silent-host rule.
    var tailFrom: Double { options.to - length / 4 }
    var previousTailFrom: Double { options.from - length / 4 }
    var bucket: Int { ReportTime.bucketSeconds(forPeriod: length) }

    public func read() -> Report {
        var requests = 0
        let links = LinkBuilder(opensearchDashboardsURL: options.opensearchDashboardsURL, kibanaURL: options.kibanaURL,
                                from: ReportTime.format(options.from), to: ReportTime.format(options.to))
        let first = [
            SearchRequest(index: options.logsIndex, body: logsBody(options.from, options.to, tail: tailFrom, histogram: true)),
            SearchRequest(index: options.logsIndex, body: logsBody(previousFrom, options.from, tail: previousTailFrom, histogram: false)),
            SearchRequest(index: options.alarmsIndex, body: alarmsBody()),
            SearchRequest(index: options.patternsIndex, body: newPatternCandidatesBody()),
            SearchRequest(index: options.deadLetterIndex, body: deadLetterBody(options.from, options.to)),
            SearchRequest(index: options.deadLetterIndex, body: deadLetterBody(previousFrom, options.from)),
            SearchRequest(index: options.healthIndex, body: healthBody()),
        ]
        requests += 1
        let answers = msearch(first)
        let current = answers[0], previous = answers[1]

        var report = Report(period: periodInfo(), volume: .failed(.unreadable, ""), errors: .failed(.unreadable, ""),
                            hosts: .failed(.unreadable, ""), alarms: .failed(.unreadable, ""),
                            newPatterns: .failed(.unreadable, ""), infologger: .failed(.unreadable, ""),
                            deadLetters: .failed(.unreadable, ""), shipper: .failed(.unreadable, ""), requests: 0)

        // Log sections: both periods must be read for the changes to mean anything.
        let logs = LogFigures(current: current, previous: previous, index: options.logsIndex)
        report.volume = logs.section { volume($0, $1, links) }
        report.hosts = logs.section { hostHealth($0, $1, links) }
        report.infologger = logs.section(emptyNote: "no InfoLogger message in the period") { c, p in
            let s = infologger(c, p, links)
            return s.severities.isEmpty ? nil : s
        }

        // Round two: templates of the top messages and of the new patterns, and their counts.
        let topIDs = logs.ok ? topMessageIDs(current.value!) : []
        let candidates: [String] = {
            guard case .ok(let v) = answers[3] else { return [] }
            return buckets(v[path: "aggregations.ids"]).map(\.key)
        }()
        var catalogue: SearchAnswer = .missing
        var previousMessages: SearchAnswer = .missing
        var newCounts: SearchAnswer = .missing
        let ids = Array(Set(topIDs + candidates)).sorted()
        if !ids.isEmpty {
            var second: [SearchRequest] = []
            second.append(SearchRequest(index: options.patternsIndex, body: catalogueBody(ids)))
            second.append(SearchRequest(index: options.logsIndex, body: idCountsBody(previousFrom, options.from, topIDs, errorsOnly: true)))
            second.append(SearchRequest(index: options.logsIndex, body: idCountsBody(options.from, options.to, candidates, errorsOnly: false)))
            requests += 1
            let more = msearch(second)
            catalogue = more[0]; previousMessages = more[1]; newCounts = more[2]
        }
        let patternInfo = catalogueInfo(catalogue)
        report.errors = logs.section(emptyNote: "no error or critical message in the period") { c, p in
            let e = errors(c, p, previousMessages, patternInfo, links)
            return e.total.count == 0 && e.total.previous == 0 ? nil : e
        }
        if logs.ok, case .unreadable(let why) = previousMessages {
            report.errors.note = "previous counts of the top messages could not be read: \(why)"
        }

        report.alarms = alarmSection(answers[2], links)
        report.newPatterns = newPatternSection(answers[3], catalogue, newCounts, patternInfo, links)
        report.deadLetters = deadLetterSection(answers[4], answers[5], links)
        report.shipper = shipperSection(answers[6], links)
        report.requests = requests
        return report
    }

    func periodInfo() -> PeriodInfo {
        let start = (options.from / Double(bucket)).rounded(.down) * Double(bucket)
        let buckets = stride(from: start, to: options.to, by: Double(bucket)).map(ReportTime.format)
        return PeriodInfo(from: ReportTime.format(options.from), to: ReportTime.format(options.to),
                          previousFrom: ReportTime.format(previousFrom), previousTo: ReportTime.format(options.from),
                          tailFrom: ReportTime.format(tailFrom), generatedAt: ReportTime.format(Date().timeIntervalSince1970),
                          bucketSeconds: bucket, buckets: buckets)
    }

    // MARK: - Requests

    struct SearchRequest {
        var index: String
        var body: JSONValue
    }

    enum SearchAnswer {
        case ok(JSONValue)
        /// No index matches the pattern.
        case missing
        case unreadable(String)

        var value: JSONValue? { if case .ok(let v) = self { return v } else { return nil } }
    }

    /// One `_msearch`: a failure of the whole request (cluster down) is every search's failure.
    func msearch(_ searches: [SearchRequest]) -> [SearchAnswer] {
        var body = ""
        for s in searches {
            let header: JSONValue = ["index": .string(s.index), "ignore_unavailable": true, "allow_no_indices": true]
            body += header.compactText + "\n" + s.body.compactText + "\n"
        }
        let response: HTTPResponse
        do {
            response = try client.request("POST", "/_msearch", body: Array(body.utf8), contentType: "application/x-ndjson")
        } catch {
            return searches.map { _ in .unreadable("the cluster did not answer: \(error)") }
        }
        guard response.isSuccess else {
            let why = "_msearch answered HTTP \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))"
            return searches.map { _ in .unreadable(why) }
        }
        guard let parsed = try? JSONValue(parsing: response.body), let list = parsed["responses"]?.arrayValue,
              list.count == searches.count else {
            return searches.map { _ in .unreadable("_msearch answer could not be read") }
        }
        return list.map { answer in
            if let error = answer["error"] {
                let reason = error[path: "root_cause"]?.arrayValue?.first?["reason"]?.stringValue ?? error["reason"]?.stringValue
                    ?? error.stringValue ?? "error"
                return .unreadable("search failed: \(reason)")
            }
            if answer[path: "_shards.total"]?.intValue == 0 { return .missing }
            return .ok(answer)
        }
    }

    func range(_ from: Double, _ to: Double, field: String = "@timestamp") -> JSONValue {
        ["range": [field: ["gte": .string(ReportTime.format(from)), "lt": .string(ReportTime.format(to))]]]
    }

    static var errorFilter: JSONValue { ["terms": ["log.level": JSONValue(errorLevels)]] }

    /// Services: `systemd.unit` where a document has one, else `process.name`, else `log.syslog.appname` —
    /// three disjoint filters, so each error counts once.
    static var serviceAggs: [String: JSONValue] {
        func missing(_ fields: [String]) -> JSONValue { .array(fields.map { ["exists": ["field": .string($0)]] }) }
        return [
            "svc_unit": ["filter": ["exists": ["field": "systemd.unit"]],
                         "aggs": ["k": ["terms": ["field": "systemd.unit", "size": 500]]]],
            "svc_process": ["filter": ["bool": ["must": [["exists": ["field": "process.name"]]], "must_not": missing(["systemd.unit"])]],
                            "aggs": ["k": ["terms": ["field": "process.name", "size": 500]]]],
            "svc_app": ["filter": ["bool": ["must": [["exists": ["field": "log.syslog.appname"]]],
                                            "must_not": missing(["systemd.unit", "process.name"])]],
                        "aggs": ["k": ["terms": ["field": "log.syslog.appname", "size": 500]]]],
        ]
    }

    func logsBody(_ from: Double, _ to: Double, tail: Double, histogram: Bool) -> JSONValue {
        let hosts = JSONValue.int(options.maxHosts)
        var errorAggs: [String: JSONValue] = [
            "levels": ["terms": ["field": "log.level", "size": 10]],
            "hosts": ["terms": ["field": "host.name", "size": hosts]],
            "messages": ["terms": ["field": "log.pattern.id", "size": .int(options.top)]],
        ]
        errorAggs.merge(Self.serviceAggs) { a, _ in a }
        var aggs: [String: JSONValue] = [
            "datasets": ["terms": ["field": "event.dataset", "size": 200]],
            "hosts": ["terms": ["field": "host.name", "size": hosts],
                      "aggs": ["errors": ["filter": Self.errorFilter],
                               "tail": ["filter": range(tail, to)],
                               "last": ["max": ["field": "@timestamp"]]]],
            "errors": ["filter": Self.errorFilter, "aggs": .object(errorAggs)],
            "infologger": ["filter": ["exists": ["field": "infologger.severity"]],
                           "aggs": ["severities": ["terms": ["field": "infologger.severity", "size": 10]],
                                    "detectors": ["terms": ["field": "infologger.detector", "size": 200],
                                                  "aggs": ["severities": ["terms": ["field": "infologger.severity", "size": 10]]]]]],
        ]
        if histogram {
            let bounds: JSONValue = ["min": .string(ReportTime.format(from)), "max": .string(ReportTime.format(to - 0.001))]
            let histogram: JSONValue = ["field": "@timestamp", "fixed_interval": .string("\(bucket)s"), "min_doc_count": 0,
                                        "extended_bounds": bounds]
            aggs["datasets"] = ["terms": ["field": "event.dataset", "size": 200],
                                "aggs": ["time": ["date_histogram": histogram]]]
            var withHeat = errorAggs
            withHeat["hosts"] = ["terms": ["field": "host.name", "size": hosts], "aggs": ["time": ["date_histogram": histogram]]]
            aggs["errors"] = ["filter": Self.errorFilter, "aggs": .object(withHeat)]
        }
        return ["size": 0, "track_total_hits": true, "query": ["bool": ["filter": [range(from, to)]]], "aggs": .object(aggs)]
    }

    func alarmsBody() -> JSONValue {
        ["size": 10000, "sort": [["@timestamp": ["order": "asc"]]],
         "query": ["bool": ["filter": [range(options.from - options.alarmLookback, options.to)]]],
         "_source": ["@timestamp", "rule.name", "alarm.key", "alarm.state", "alarm.severity", "alarm.raised_at", "alarm.notification"]]
    }

    func newPatternCandidatesBody() -> JSONValue {
        ["size": 0, "query": ["bool": ["filter": [range(options.from, options.to, field: "log.pattern.first_seen")]]],
         "aggs": ["ids": ["terms": ["field": "log.pattern.id", "size": 500]]]]
    }

    func catalogueBody(_ ids: [String]) -> JSONValue {
        ["size": 10000, "query": ["bool": ["filter": [["terms": ["log.pattern.id": JSONValue(ids)]]]]],
         "_source": ["@timestamp", "log.pattern.id", "log.pattern.template", "log.pattern.first_seen", "host.name"]]
    }

    func idCountsBody(_ from: Double, _ to: Double, _ ids: [String], errorsOnly: Bool) -> JSONValue {
        var filters: [JSONValue] = [range(from, to), ["terms": ["log.pattern.id": JSONValue(ids)]]]
        if errorsOnly { filters.append(Self.errorFilter) }
        return ["size": 0, "query": ["bool": ["filter": .array(filters)]],
                "aggs": ["ids": ["terms": ["field": "log.pattern.id", "size": .int(max(1, ids.count))]]]]
    }

    func deadLetterBody(_ from: Double, _ to: Double) -> JSONValue {
        ["size": 0, "track_total_hits": true, "query": ["bool": ["filter": [range(from, to)]]],
         "aggs": ["inputs": ["terms": ["field": "logbridge.input", "size": 100]],
                  "types": ["terms": ["field": "error.type", "size": 100]]]]
    }

    /// Both periods in one search: a `filter` per period, each with the farm's sums and worst lag and a `terms`
    /// per host (this period's with its sums, worst lag, last sample and interval; the previous one's with its
    /// last sample, for shippers that stopped before this period began).
    func healthBody() -> JSONValue {
        func field(_ name: String) -> JSONValue { ["field": .string("logbridge.health." + name)] }
        var sums: [String: JSONValue] = ["lag": ["max": field("lag_seconds")]]
        for name in Self.healthCounts { sums[name] = ["sum": field(name)] }
        let last: JSONValue = ["max": ["field": "@timestamp"]]
        var perHost = sums
        perHost["last"] = last
        perHost["interval"] = ["max": field("interval_seconds")]
        var current = sums, previous = sums
        current["hosts"] = ["terms": ["field": "host.name", "size": .int(options.maxHosts)], "aggs": .object(perHost)]
        previous["hosts"] = ["terms": ["field": "host.name", "size": .int(options.maxHosts)], "aggs": ["last": last]]
        return ["size": 0, "query": ["bool": ["filter": [range(previousFrom, options.to)]]],
                "aggs": ["current": ["filter": range(options.from, options.to), "aggs": .object(current)],
                         "previous": ["filter": range(previousFrom, options.from), "aggs": .object(previous)]]]
    }

    /// The counts of a health sample the report sums, in the order of `ShipperHealth.totals`.
    static let healthCounts = ["received", "indexed", "dead_lettered", "dropped", "malformed"]

    // MARK: - Reading answers

    struct Bucket {
        var key: String
        var count: Int
        var node: JSONValue
    }

    func buckets(_ agg: JSONValue?) -> [Bucket] {
        (agg?["buckets"]?.arrayValue ?? []).map { b in
            let key = b["key"]?.stringValue ?? b["key"]?.intValue.map(String.init) ?? "\(b["key"] ?? .null)"
            return Bucket(key: key, count: b["doc_count"]?.intValue ?? 0, node: b)
        }
    }

    func counts(_ agg: JSONValue?) -> [String: Int] {
        Dictionary(buckets(agg).map { ($0.key, $0.count) }, uniquingKeysWith: +)
    }

    func total(_ v: JSONValue) -> Int { v[path: "hits.total.value"]?.intValue ?? v[path: "hits.total"]?.intValue ?? 0 }

    /// Items for every key of either period, most first, ties by key.
    func items(_ current: [String: Int], _ previous: [String: Int], link: (String) -> DashboardLink?) -> [Item] {
        Set(current.keys).union(previous.keys)
            .map { Item(key: $0, count: current[$0] ?? 0, previous: previous[$0] ?? 0, link: link($0)) }
            .sorted(by: Self.order)
    }

    static func order(_ a: Item, _ b: Item) -> Bool { a.count != b.count ? a.count > b.count : a.key < b.key }

    /// Documents per bucket of `PeriodInfo.buckets`, zero where the cluster sent no bucket.
    func series(_ agg: JSONValue?) -> [Int] {
        let starts = periodInfo().buckets
        var byKey: [String: Int] = [:]
        for b in agg?["buckets"]?.arrayValue ?? [] {
            if let ms = b["key"]?.intValue { byKey[ReportTime.format(Double(ms) / 1000)] = b["doc_count"]?.intValue ?? 0 }
        }
        return starts.map { byKey[$0] ?? 0 }
    }

    func volume(_ c: JSONValue, _ p: JSONValue, _ links: LinkBuilder) -> Volume? {
        if total(c) == 0 && total(p) == 0 { return nil }
        let datasets = items(counts(c[path: "aggregations.datasets"]), counts(p[path: "aggregations.datasets"])) {
            links.link(.farmOverview, LinkBuilder.term("event.dataset", $0))
        }
        let hosts = items(counts(c[path: "aggregations.hosts"]), counts(p[path: "aggregations.hosts"])) {
            links.link(.hostDrilldown, LinkBuilder.term("host.name", $0))
        }
        let overTime = buckets(c[path: "aggregations.datasets"]).map { Series(key: $0.key, counts: series($0.node["time"])) }
            .sorted { $0.key < $1.key }
        return Volume(total: Item(key: "all", count: total(c), previous: total(p), link: links.link(.farmOverview, "*")),
                      datasets: datasets, hosts: hosts, overTime: overTime)
    }

    func topMessageIDs(_ c: JSONValue) -> [String] {
        buckets(c[path: "aggregations.errors.messages"]).prefix(options.top).map(\.key)
    }

    struct PatternInfo {
        var template: String
        var firstSeen: String
        var hosts: Set<String>
        var lastWrite: String
    }

    /// Per pattern id farm-wide: the earliest first-seen over hosts and the latest-written template.
    func catalogueInfo(_ answer: SearchAnswer) -> [String: PatternInfo] {
        guard case .ok(let v) = answer else { return [:] }
        var out: [String: PatternInfo] = [:]
        for hit in v[path: "hits.hits"]?.arrayValue ?? [] {
            guard let s = hit["_source"], let id = s[path: "log.pattern.id"]?.stringValue ?? s["log.pattern.id"]?.stringValue else { continue }
            let template = s[path: "log.pattern.template"]?.stringValue ?? ""
            let first = s[path: "log.pattern.first_seen"]?.stringValue ?? ""
            let written = s["@timestamp"]?.stringValue ?? ""
            let host = s[path: "host.name"]?.stringValue ?? ""
            var info = out[id] ?? PatternInfo(template: template, firstSeen: first, hosts: [], lastWrite: written)
            if !first.isEmpty && (info.firstSeen.isEmpty || first < info.firstSeen) { info.firstSeen = first }
            if written >= info.lastWrite { info.lastWrite = written; info.template = template }
            if !host.isEmpty { info.hosts.insert(host) }
            out[id] = info
        }
        return out
    }

    func errors(_ c: JSONValue, _ p: JSONValue, _ previousMessages: SearchAnswer, _ patterns: [String: PatternInfo],
                _ links: LinkBuilder) -> Errors {
        let ce = c[path: "aggregations.errors"], pe = p[path: "aggregations.errors"]
        let total = Item(key: "errors", count: ce?["doc_count"]?.intValue ?? 0, previous: pe?["doc_count"]?.intValue ?? 0,
                         link: links.link(.farmOverview, LinkBuilder.errorLevels))
        let levels = items(counts(ce?["levels"]), counts(pe?["levels"])) {
            links.link(.farmOverview, LinkBuilder.term("log.level", $0))
        }
        let hostsAll = items(counts(ce?["hosts"]), counts(pe?["hosts"])) {
            links.link(.hostDrilldown, LinkBuilder.term("host.name", $0) + " and " + LinkBuilder.errorLevels)
        }
        var services: [Service] = []
        for (agg, field) in [("svc_unit", "systemd.unit"), ("svc_process", "process.name"), ("svc_app", "log.syslog.appname")] {
            let list = items(counts(ce?[agg]?["k"]), counts(pe?[agg]?["k"])) {
                links.link(.farmOverview, LinkBuilder.term(field, $0) + " and " + LinkBuilder.errorLevels)
            }
            services += list.map { Service(field: field, item: $0) }
        }
        services.sort { Self.order($0.item, $1.item) || ($0.item == $1.item && $0.field < $1.field) }
        let previousIDs = counts(previousMessages.value?[path: "aggregations.ids"])
        let messages = buckets(ce?["messages"]).prefix(options.top).map { b in
            Message(item: Item(key: b.key, count: b.count, previous: previousIDs[b.key] ?? 0,
                               link: links.link(.patterns, LinkBuilder.term("log.pattern.id", b.key) + " and " + LinkBuilder.errorLevels)),
                    template: patterns[b.key]?.template)
        }.sorted { Self.order($0.item, $1.item) }
        let heat = buckets(ce?["hosts"]).map { Series(key: $0.key, counts: series($0.node["time"])) }
        return Errors(total: total, levels: levels, topHosts: Array(hostsAll.filter { $0.count > 0 }.prefix(options.top)),
                      topServices: Array(services.filter { $0.item.count > 0 }.prefix(options.top)),
                      topMessages: messages, perHostOverTime: heat)
    }

    func hostHealth(_ c: JSONValue, _ p: JSONValue, _ links: LinkBuilder) -> HostHealth? {
        let cur = buckets(c[path: "aggregations.hosts"]), prev = buckets(p[path: "aggregations.hosts"])
        if cur.isEmpty && prev.isEmpty { return nil }
        let curBy = Dictionary(cur.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let prevBy = Dictionary(prev.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        func tail(_ b: Bucket?) -> Int { b?.node["tail"]?["doc_count"]?.intValue ?? 0 }
        func last(_ b: Bucket?) -> String? {
            // The max's numeric value (epoch milliseconds): `value_as_string`'s precision follows the field's type.
            switch b?.node["last"]?["value"] {
            case .int(let ms)?: return ReportTime.format(Double(ms) / 1000)
            case .double(let ms)?: return ReportTime.format(ms / 1000)
            default: return nil
            }
        }
        func host(_ name: String) -> SilentHost {
            SilentHost(host: name, previous: prevBy[name]?.count ?? 0, count: curBy[name]?.count ?? 0, lastSeen: last(curBy[name]),
                       link: links.link(.hostDrilldown, LinkBuilder.term("host.name", name)))
        }
        let silent = prev.filter { $0.count > 0 && tail(curBy[$0.key]) == 0 }.map { host($0.key) }.sorted { $0.host < $1.host }
        let back = cur.filter { tail($0) > 0 && tail(prevBy[$0.key]) == 0 }.map { host($0.key) }.sorted { $0.host < $1.host }
        let documents = cur.reduce(0) { $0 + $1.count }
        let errors = cur.reduce(0) { $0 + ($1.node["errors"]?["doc_count"]?.intValue ?? 0) }
        let farmRate = documents == 0 ? 0 : Double(errors) / Double(documents)
        let outliers: [ErrorRateHost] = cur.compactMap { b in
            let e = b.node["errors"]?["doc_count"]?.intValue ?? 0
            guard e >= Self.errorRateMinimum, b.count > 0 else { return nil }
            let rate = Double(e) / Double(b.count)
            guard farmRate > 0, rate >= Self.errorRateFactor * farmRate else { return nil }
            return ErrorRateHost(host: b.key, documents: b.count, errors: e, rate: Self.round4(rate), farmRate: Self.round4(farmRate),
                                 ratio: (rate / farmRate * 100).rounded() / 100,
                                 link: links.link(.hostDrilldown, LinkBuilder.term("host.name", b.key) + " and " + LinkBuilder.errorLevels))
        }.sorted { $0.ratio != $1.ratio ? $0.ratio > $1.ratio : $0.host < $1.host }
        let rules = [
            "silent: documents in the previous period, none in the last quarter of this one (from \(ReportTime.format(tailFrom)))",
            "came back: none in the last quarter of the previous period, documents in the last quarter of this one",
            "error rate: at least \(Self.errorRateMinimum) errors and an error rate (emerg..err / all documents) at least "
                + "\(Int(Self.errorRateFactor))x the farm's",
        ]
        return HostHealth(silent: silent, cameBack: back, errorRate: outliers, rules: rules)
    }

    static func round4(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }

    func infologger(_ c: JSONValue, _ p: JSONValue, _ links: LinkBuilder) -> InfoLoggerSummary {
        let ci = c[path: "aggregations.infologger"], pi = p[path: "aggregations.infologger"]
        let severities = items(counts(ci?["severities"]), counts(pi?["severities"])) {
            links.link(.infologger, LinkBuilder.term("infologger.severity", $0))
        }
        let cd = buckets(ci?["detectors"])
        let detectors = items(counts(ci?["detectors"]), counts(pi?["detectors"])) {
            links.link(.infologger, LinkBuilder.term("infologger.detector", $0))
        }.map { item in
            Detector(item: item, severities: counts(cd.first { $0.key == item.key }?.node["severities"]))
        }
        return InfoLoggerSummary(severities: severities, detectors: detectors)
    }

    func alarmSection(_ answer: SearchAnswer, _ links: LinkBuilder) -> Section<AlarmSummary> {
        switch answer {
        case .missing:
            return .failed(.missingIndex, "no alarm index (\(options.alarmsIndex)): `logbridge alarms` has never written an alarm to this cluster")
        case .unreadable(let why):
            return .failed(.unreadable, "alarms could not be read: \(why)")
        case .ok(let v):
            let summary = alarms(v, links)
            if summary.episodes.isEmpty { return Section(status: .empty, note: "no alarm raised, active or cleared in the period", data: summary) }
            return Section(status: .ok, data: summary)
        }
    }

    func alarms(_ v: JSONValue, _ links: LinkBuilder) -> AlarmSummary {
        struct Episode { var rule = "", key = "", severity = "", raised = 0.0, cleared: Double?, renotifications = 0 }
        var episodes: [String: Episode] = [:]
        for hit in v[path: "hits.hits"]?.arrayValue ?? [] {
            guard let s = hit["_source"], let at = s["@timestamp"]?.stringValue.flatMap(ReportTime.parse),
                  let raisedText = s[path: "alarm.raised_at"]?.stringValue, let raised = ReportTime.parse(raisedText) else { continue }
            let rule = s[path: "rule.name"]?.stringValue ?? "?"
            let key = s[path: "alarm.key"]?.stringValue ?? ""
            let id = rule + "\u{0}" + key + "\u{0}" + raisedText
            var e = episodes[id] ?? Episode(rule: rule, key: key, severity: s[path: "alarm.severity"]?.stringValue ?? "", raised: raised)
            if s[path: "alarm.state"]?.stringValue == "cleared" {
                if at < options.to { e.cleared = at }
            } else if (s[path: "alarm.notification"]?.intValue ?? 1) >= 2, at >= options.from, at < options.to {
                e.renotifications += 1
            }
            episodes[id] = e
        }
        let from = options.from, to = options.to
        let list: [AlarmEpisode] = episodes.values.compactMap { e in
            if e.raised >= to { return nil }
            if let c = e.cleared, c < from { return nil }
            let clearedIn = e.cleared.map { $0 >= from && $0 < to } ?? false
            return AlarmEpisode(rule: e.rule, key: e.key, severity: e.severity, raisedAt: ReportTime.format(e.raised),
                                clearedAt: e.cleared.map(ReportTime.format), raisedInPeriod: e.raised >= from,
                                clearedInPeriod: clearedIn, activeAtEnd: e.cleared == nil,
                                durationSeconds: (e.cleared ?? to) - e.raised,
                                timeToClearSeconds: clearedIn ? e.cleared! - e.raised : nil,
                                renotifications: e.renotifications,
                                link: links.link(.alarms, LinkBuilder.term("rule.name", e.rule) + " and " + LinkBuilder.term("alarm.key", e.key)))
        }.sorted { ($0.rule, $0.key, $0.raisedAt) < ($1.rule, $1.key, $1.raisedAt) }
        let rules = Dictionary(grouping: list, by: \.rule).map { rule, eps in
            AlarmRuleSummary(rule: rule, raised: eps.filter(\.raisedInPeriod).count, cleared: eps.filter(\.clearedInPeriod).count,
                             activeAtEnd: eps.filter(\.activeAtEnd).count, renotifications: eps.reduce(0) { $0 + $1.renotifications },
                             link: links.link(.alarms, LinkBuilder.term("rule.name", rule)))
        }.sorted { $0.rule < $1.rule }
        return AlarmSummary(rules: rules, episodes: list)
    }

    func newPatternSection(_ candidates: SearchAnswer, _ catalogue: SearchAnswer, _ counts: SearchAnswer,
                           _ info: [String: PatternInfo], _ links: LinkBuilder) -> Section<[NewPattern]> {
        switch candidates {
        case .missing:
            return .failed(.missingIndex, "no pattern catalogue (\(options.patternsIndex)): no shipper has written one (patterns off?)")
        case .unreadable(let why):
            return .failed(.unreadable, "the pattern catalogue could not be read: \(why)")
        case .ok: break
        }
        if case .unreadable(let why) = catalogue { return .failed(.unreadable, "the pattern catalogue could not be read: \(why)") }
        let periodCounts = self.counts(counts.value?[path: "aggregations.ids"])
        // New farm-wide: the earliest first-seen over every host is inside the period.
        let list = info.compactMap { id, p -> NewPattern? in
            guard ReportTime.parse(p.firstSeen).map({ $0 >= options.from && $0 < options.to }) ?? false else { return nil }
            return NewPattern(id: id, template: p.template, firstSeen: ReportTime.format(ReportTime.parse(p.firstSeen)!),
                              hosts: p.hosts.count, count: periodCounts[id] ?? 0,
                              link: links.link(.patterns, LinkBuilder.term("log.pattern.id", id)))
        }.sorted { ($0.firstSeen, $0.id) < ($1.firstSeen, $1.id) }
        if list.isEmpty { return Section(status: .empty, note: "no pattern seen for the first time in the period", data: []) }
        return Section(status: .ok, data: list)
    }

    func deadLetterSection(_ current: SearchAnswer, _ previous: SearchAnswer, _ links: LinkBuilder) -> Section<DeadLetters> {
        switch (current, previous) {
        case (.unreadable(let why), _), (_, .unreadable(let why)):
            return .failed(.unreadable, "dead letters could not be read: \(why)")
        case (.missing, _):
            return .failed(.missingIndex, "no dead-letter index (\(options.deadLetterIndex)): nothing was ever dead-lettered to this cluster")
        case (.ok(let c), _):
            let p = previous.value
            let d = DeadLetters(
                total: Item(key: "dead_letters", count: total(c), previous: p.map(total) ?? 0,
                            link: links.link(.shipperHealth, "*")),
                inputs: items(counts(c[path: "aggregations.inputs"]), counts(p?[path: "aggregations.inputs"])) {
                    links.link(.shipperHealth, LinkBuilder.term("logbridge.input", $0))
                },
                errorTypes: items(counts(c[path: "aggregations.types"]), counts(p?[path: "aggregations.types"])) {
                    links.link(.shipperHealth, LinkBuilder.term("error.type", $0))
                })
            if d.total.count == 0 { return Section(status: .empty, note: "no document dead-lettered in the period", data: d) }
            return Section(status: .ok, data: d)
        }
    }
}

extension ReportReader {
    func shipperSection(_ answer: SearchAnswer, _ links: LinkBuilder) -> Section<ShipperHealth> {
        switch answer {
        case .missing:
            return .failed(.missingIndex, "no shipper health documents (\(options.healthIndex)): shippers older than this version "
                           + "or `health.enabled: false`")
        case .unreadable(let why):
            // Samples written before `logbridge setup` installed their template have `host.name` as text,
            // which the cluster refuses to aggregate (HTTP 400 naming fielddata): say what fixes it.
            let hint = why.contains("fielddata") ? " (the health index was created without LogBridge's mapping: run "
                + "`logbridge setup`; indices created after that have it)" : ""
            return .failed(.unreadable, "shipper health could not be read: \(why)\(hint)")
        case .ok(let v):
            guard let health = shipperHealth(v, links) else {
                return Section(status: .empty, note: "no shipper health sample in the period or the previous one "
                               + "(\(options.healthIndex)): no shipper ran, or all have `health.enabled: false`")
            }
            return Section(status: .ok, data: health)
        }
    }

    /// A metric aggregation's value: sums come back as doubles, a max over no document as null.
    static func value(_ agg: JSONValue?) -> Double? {
        switch agg?["value"] {
        case .int(let n)?: return Double(n)
        case .double(let x)?: return x
        default: return nil
        }
    }

    func shipperHealth(_ v: JSONValue, _ links: LinkBuilder) -> ShipperHealth? {
        let c = v[path: "aggregations.current"], p = v[path: "aggregations.previous"]
        let cur = buckets(c?["hosts"]), prev = buckets(p?["hosts"])
        if cur.isEmpty && prev.isEmpty { return nil }
        func count(_ node: JSONValue?, _ name: String) -> Int { Int((Self.value(node?[name]) ?? 0).rounded()) }
        func time(_ node: JSONValue?) -> Double? { Self.value(node?["last"]).map { $0 / 1000 } }
        func lag(_ node: JSONValue?) -> Double? { Self.value(node?["lag"]).map(Self.round3) }

        var totals = [Item(key: "hosts", count: cur.count, previous: prev.count, link: links.link(.shipperHealth, "*"))]
        // The farm's figures open the dashboard unfiltered: a filter on a health field would empty its panels
        // of log documents and dead letters, which do not carry one.
        for name in Self.healthCounts {
            totals.append(Item(key: name, count: count(c, name), previous: count(p, name), link: links.link(.shipperHealth, "*")))
        }

        // Against the period's end, as the silent-host rule is: a --to still in the future flags every shipper.
        let end = options.to
        var rows: [ShipperHost] = cur.map { b in
            let n = b.node
            let interval = Self.value(n["interval"]).flatMap { $0 > 0 ? $0 : nil } ?? 60
            let last = time(n)
            var flags: [String] = []
            if count(n, "dropped") > 0 { flags.append("dropped") }
            if count(n, "dead_lettered") > 0 { flags.append("dead_lettered") }
            if let l = lag(n), l > Self.shipperLagThreshold { flags.append("lag") }
            if let last, last < end - Self.shipperStoppedIntervals * interval { flags.append("stopped") }
            return ShipperHost(host: b.key, flags: flags, maxLagSeconds: lag(n), lastSample: last.map(ReportTime.format),
                               received: count(n, "received"), deadLettered: count(n, "dead_lettered"),
                               dropped: count(n, "dropped"), malformed: count(n, "malformed"),
                               link: links.link(.shipperHealth, LinkBuilder.term("host.name", b.key)))
        }
        let reporting = Set(cur.map(\.key))
        for b in prev where !reporting.contains(b.key) {
            rows.append(ShipperHost(host: b.key, flags: ["stopped"], maxLagSeconds: nil,
                                    lastSample: time(b.node).map(ReportTime.format),
                                    received: 0, deadLettered: 0, dropped: 0, malformed: 0,
                                    link: links.link(.shipperHealth, LinkBuilder.term("host.name", b.key))))
        }
        // Flagged hosts first, then by worst lag (none last), then by name.
        rows.sort { a, b in
            if a.flags.isEmpty != b.flags.isEmpty { return !a.flags.isEmpty }
            if a.maxLagSeconds != b.maxLagSeconds { return (a.maxLagSeconds ?? -1) > (b.maxLagSeconds ?? -1) }
            return a.host < b.host
        }
        let flagged = rows.filter { !$0.flags.isEmpty }
        let listed = flagged + rows.filter { $0.flags.isEmpty && $0.maxLagSeconds != nil }.prefix(Self.shipperTopByLag)

        let threshold = Int(Self.shipperLagThreshold), stopped = Int(Self.shipperStoppedIntervals)
        let rules = [
            "listed: hosts whose shipper dropped or dead-lettered events, whose worst lag was above \(threshold) s, or that "
                + "stopped reporting; then the \(Self.shipperTopByLag) others with the largest lag",
            "lag: the worst of a host's samples, from the shipper handing a batch of events to its output to the cluster acknowledging it "
                + "(or the age of the oldest unacknowledged batch or spool record)",
            "stopped: the last sample more than \(stopped) sample intervals (60 s by default) before the period's end, "
                + "or samples in the previous period and none in this one",
        ]
        return ShipperHealth(totals: totals, maxLagSeconds: lag(c), previousMaxLagSeconds: lag(p), hosts: Array(listed), rules: rules)
    }

    static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}

/// This period's and the previous period's log searches, judged together.
struct LogFigures {
    let current: ReportReader.SearchAnswer
    let previous: ReportReader.SearchAnswer
    let index: String

    var ok: Bool { current.value != nil && previous.value != nil }

    /// `make` returns nil for "nothing in the period".
    func section<T: Sendable & Codable & Equatable>(emptyNote: String = "no document in the period or the previous one",
                    _ make: (JSONValue, JSONValue) -> T?) -> Section<T> {
        switch (current, previous) {
        case (.unreadable(let why), _), (_, .unreadable(let why)):
            return .failed(.unreadable, "\(index) could not be read: \(why)")
        case (.missing, _):
            return .failed(.missingIndex, "no log index matches \(index): nothing was shipped to this cluster yet")
        case (.ok(let c), let p):
            // The previous period may predate the first index: an empty answer stands for it.
            let prev = p.value ?? JSONValue.object([:])
            guard let data = make(c, prev) else { return Section(status: .empty, note: emptyNote) }
            return Section(status: .ok, data: data)
        }
    }
}
