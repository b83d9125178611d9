import Foundation
import JSON
import Patterns

/// The pattern alarms (docs/patterns.md, *Pattern alarms*): `new_pattern` and `pattern_rate`, built on the
/// `log.pattern.id` every shipped document carries and on the pattern catalogue (`logbridge-patterns-*`).
///
/// Both are one `size: 0` search per window, like the other types, and go through the same lifecycle, ledger
/// state and sinks. What they add is how the answer is read, and alarm text that names the template and an
/// example instead of a 16-digit id.
enum PatternRules {
    static let idField = "log.pattern.id"
    static let templateField = "log.pattern.template"
    static let exampleField = "log.pattern.example"
    static let firstSeenField = "log.pattern.first_seen"
    /// The catalogue's fields a `query_key` or filter may name: each catalogue document is one (pattern, host,
    /// input) and carries the dataset.
    static let catalogueFields: Set<String> = ["host.name", "data_stream.dataset", "logbridge.input"]
    /// New patterns asked per key and window, newest first. More than this in one window is reported as
    /// "50 or more": the alarm is about a burst, not an inventory.
    static let newPatternsPerKey = 50
    /// Examples and templates in alarm text are cut to this many characters.
    static let shownCharacters = 160

    // MARK: new_pattern

    /// "Never seen" from the catalogue (`log.pattern.first_seen`, the minimum over every catalogue document of the
    /// key, so also over earlier months and other inputs of the host) when the rule's key and filters name only
    /// fields the catalogue holds; otherwise from the log documents of `history` before the window.
    static func usesCatalogue(_ rule: Rule, _ o: Rule.NewPatternOptions) -> Bool {
        switch o.source {
        case .catalogue: return true
        case .logs: return false
        case .auto:
            return rule.queryKey.allSatisfy(catalogueFields.contains)
                && rule.filters.allSatisfy { RuleLint.fieldsNamed(in: $0).allSatisfy(catalogueFields.contains) }
        }
    }

    /// The window in which a first appearance is new: from `buffer_time` before the previous window's end, as the
    /// event-like rules look back, so a document indexed late is still caught (and announced once: `Announced`).
    static func newZoneStart(_ rule: Rule, previousEnd: Double) -> Double { previousEnd - rule.bufferTime }

    /// Per key: does it have any history before the window (a key without one is learning, not alarming), and its
    /// patterns ordered by first appearance, newest first, each with its first time and its oldest document (the
    /// catalogue's template and example, or the first message).
    static func newPatternProbe(_ rule: Rule, _ o: Rule.NewPatternOptions, previousEnd: Double, end: Double) -> Probe {
        let zone = newZoneStart(rule, previousEnd: previousEnd)
        let catalogue = usesCatalogue(rule, o)
        let time = catalogue ? firstSeenField : rule.timestampField
        let from = catalogue ? nil : zone - o.history
        var range: [String: JSONValue] = ["lt": .string(Timestamps.format(end)), "format": "strict_date_optional_time"]
        if let from { range["gte"] = .string(Timestamps.format(from)) }
        var filter: [JSONValue] = [["range": [time: .object(range)]], ["exists": ["field": .string(idField)]]]
        filter += rule.filters.compactMap(JSONValue.clause)
        var perPattern: [String: JSONValue] = [
            "first": ["min": ["field": .string(time)]],
            "oldest": ["top_hits": ["size": 1, "sort": [[time: ["order": "asc"]]],
                                    "_source": ["includes": catalogue ? JSONValue([templateField, exampleField]) : ["message"]]]],
        ]
        // Without query_key the alarm names the host when all of a pattern's first documents came from one.
        if rule.queryKey.isEmpty { perPattern["hosts"] = ["terms": ["field": "host.name", "size": 2]] }
        let sub: [String: JSONValue] = [
            "known": ["filter": QueryBuilder.range(time, from ?? 0, zone)],
            "p": ["terms": ["field": .string(idField), "size": .int(newPatternsPerKey), "order": ["first": "desc"]],
                  "aggs": .object(perPattern)],
        ]
        var request: [String: JSONValue] = ["size": 0, "track_total_hits": true, "query": ["bool": ["filter": .array(filter)]]]
        request["aggs"] = keyAggregation(rule.queryKey, sub)
        return Probe(ruleName: rule.name, purpose: .evaluate, end: end, start: from ?? zone,
                     index: catalogue ? o.catalogueIndex : rule.indices.joined(separator: ","), body: JSONValue.object(request).compactText)
    }

    /// The sub-aggregations at the top, or under a `terms` (one field) / `composite` (several) over the key.
    private static func keyAggregation(_ keys: [String], _ sub: [String: JSONValue]) -> JSONValue {
        if keys.isEmpty { return .object(sub) }
        let grouping: JSONValue = keys.count == 1
            ? ["terms": ["field": .string(keys[0]), "size": .int(QueryBuilder.maxKeys), "min_doc_count": 1], "aggs": .object(sub)]
            : ["composite": ["size": .int(QueryBuilder.maxKeys), "sources": QueryBuilder.compositeSources(keys)], "aggs": .object(sub)]
        return ["keys": grouping]
    }

    /// The (key, pattern) pairs already announced, with their first appearance, kept in the rule's `terms:<rule>`
    /// state document so a window that still covers an announced pattern (`buffer_time`), a restarted instance or
    /// another one taking the rule over does not announce it again. An entry is dropped once the next window starts
    /// after its first appearance: from then on that pattern is no longer new anyway.
    struct Announced {
        var firstSeen: [String: Int] = [:]  // "key\tpattern id" → first appearance (ms)

        init(_ stored: Set<String>) {
            for entry in stored {
                let parts = entry.split(separator: "\t", omittingEmptySubsequences: false)
                guard parts.count == 3, let ms = Int(parts[2]) else { continue }
                firstSeen[parts[0] + "\t" + parts[1]] = ms
            }
        }

        var stored: Set<String> { Set(firstSeen.map { "\($0.key)\t\($0.value)" }) }

        mutating func forget(before horizonMs: Int) { firstSeen = firstSeen.filter { $0.value >= horizonMs } }
    }

    struct NewPattern: Equatable {
        var id: String
        var first: Double
        var template: String
        var example: String
        var hosts: [String]
    }

    /// One finding per key with patterns new in this window (first appearance at or after the window's start,
    /// key with history before it, not announced yet): a burst on one host is one alarm listing its patterns.
    static func newPatternFindings(_ rule: Rule, _ o: Rule.NewPatternOptions, response: JSONValue, previousEnd: Double,
                                   end: Double, announced: inout Announced) -> [Finding] {
        let zoneMs = Int((newZoneStart(rule, previousEnd: previousEnd) * 1000).rounded())
        let catalogue = usesCatalogue(rule, o)
        var out: [Finding] = []
        for g in Evaluator.groups(response, keys: rule.queryKey) {
            guard Evaluator.subCount(g.aggs, "known") > 0 else { continue }
            let buckets = g.aggs["p"]?["buckets"]?.arrayValue ?? []
            var fresh: [NewPattern] = []
            for b in buckets {
                guard let id = b["key"]?.plainText, let first = Evaluator.subValue(b, "first") else { continue }
                let firstMs = Int(first.rounded())
                guard firstMs >= zoneMs else { break }  // ordered newest first: the rest are older
                let entry = g.key + "\t" + id
                guard announced.firstSeen[entry] == nil else { continue }
                announced.firstSeen[entry] = firstMs
                let source = b["oldest"]?["hits"]?["hits"]?[0]?["_source"].flatMap { $0.objectValue == nil ? nil : $0 } ?? .object([:])
                var template = "", example = ""
                if catalogue {
                    template = DocumentFields.value(source, path: templateField)?.plainText ?? ""
                    example = DocumentFields.value(source, path: exampleField)?.plainText ?? ""
                } else if let message = DocumentFields.value(source, path: "message")?.plainText {
                    example = message
                    template = Self.template(of: message)
                }
                let hosts = bucketKeys(b["hosts"])
                fresh.append(NewPattern(id: id, first: first / 1000, template: template, example: example, hosts: hosts))
            }
            guard !fresh.isEmpty else { continue }
            fresh.sort { ($0.first, $0.id) < ($1.first, $1.id) }  // in order of appearance
            out.append(newPatternFinding(key: g.key, keyFields: g.fields, fresh, capped: buckets.count >= newPatternsPerKey
                && fresh.count == buckets.count, maxListed: o.maxListed))
        }
        return out
    }

    static func newPatternFinding(key: String, keyFields: [String: String], _ fresh: [NewPattern], capped: Bool, maxListed: Int) -> Finding {
        let n = fresh.count
        let count = capped ? "\(n) or more new patterns" : n == 1 ? "1 new pattern" : "\(n) new patterns"
        let listed = fresh.prefix(max(1, maxListed)).map { p in
            "\(short(p.id)) \"\(cut(p.template.isEmpty ? p.example : p.template))\""
        }
        var reason = count + ": " + listed.joined(separator: "; ")
        if n > listed.count { reason += "; and \(n - listed.count) more" }
        var fields = keyFields
        fields[idField] = fresh.map(\.id).joined(separator: ",")
        if let p = fresh.first {
            if !p.template.isEmpty { fields[templateField] = p.template }
            if !p.example.isEmpty { fields[exampleField] = p.example }
        }
        let hosts = Set(fresh.flatMap(\.hosts))
        if keyFields["host.name"] == nil, hosts.count == 1, fresh.allSatisfy({ $0.hosts.count == 1 }) { fields["host.name"] = hosts.first! }
        return Finding(key: key, fields: fields, value: Double(n), reason: reason)
    }

    // MARK: new_pattern replays (`ReplaySeries`)

    /// A (key, pattern) over a replay: its latest document in the history before the first window's new zone, and
    /// per bucket of the zones (one `run_every`) its count, first time, oldest document and hosts.
    struct PatternSeries {
        var lastBeforeMs: Double?
        var buckets: [Int: (count: Int, firstMs: Double, oldest: JSONValue?, hosts: [String])] = [:]
    }

    /// One search for the windows of a replay (logs mode): per key and pattern, the latest document of the history
    /// before `zoneStart` and a `date_histogram` of [zoneStart, to) whose buckets carry what the window's own search
    /// asks per pattern (`first`, `oldest`, `hosts`). A window's answer is then exact: a pattern is known there when
    /// it has a document in [zone − history, zone) — the latest one before the replay, or a bucket — and new when it
    /// is not but has one in the zone. 120 one-minute windows searched one by one returned the same oldest document
    /// per host and pattern 120 times (24.7 MB and 61 s for 200 hosts in `make bench-alarms`).
    static func newPatternSeriesProbe(_ rule: Rule, _ o: Rule.NewPatternOptions, zoneStart: Double, to: Double, seconds: Int,
                                      offsetMs: Int = 0) -> Probe {
        let from = zoneStart - o.history
        var filter: [JSONValue] = [QueryBuilder.range(rule.timestampField, from, to), ["exists": ["field": .string(idField)]]]
        filter += rule.filters.compactMap(JSONValue.clause)
        let time = JSONValue.string(rule.timestampField)
        var perBucket: [String: JSONValue] = [
            "first": ["min": ["field": time]],
            "oldest": ["top_hits": ["size": 1, "sort": [[rule.timestampField: ["order": "asc"]]], "_source": ["includes": ["message"]]]],
        ]
        if rule.queryKey.isEmpty { perBucket["hosts"] = ["terms": ["field": "host.name", "size": 2]] }
        var histogram = QueryBuilder.histogram(rule, seconds: seconds, offsetMs: offsetMs)
        histogram["aggs"] = .object(perBucket)
        let perPattern: JSONValue = [
            "before": ["filter": QueryBuilder.range(rule.timestampField, from, zoneStart), "aggs": ["last": ["max": ["field": time]]]],
            "zone": ["filter": QueryBuilder.range(rule.timestampField, zoneStart, to), "aggs": ["series": .object(histogram)]],
        ]
        var request: [String: JSONValue] = ["size": 0, "query": ["bool": ["filter": .array(filter)]]]
        request["aggs"] = keyAggregation(rule.queryKey, ["p": ["terms": ["field": .string(idField), "size": .int(QueryBuilder.maxKeys)],
                                                               "aggs": perPattern]])
        return Probe(ruleName: rule.name, purpose: .evaluate, end: to, start: from,
                     index: rule.indices.joined(separator: ","), body: JSONValue.object(request).compactText)
    }

    /// The `key`s of a `terms` aggregation's buckets, as text (the hosts of a pattern).
    private static func bucketKeys(_ terms: JSONValue?) -> [String] {
        (terms?["buckets"]?.arrayValue ?? []).compactMap { $0["key"]?.plainText }
    }

    static func newPatternSeries(_ rule: Rule, response: JSONValue) -> [String: ReplaySeries.Series] {
        var out: [String: ReplaySeries.Series] = [:]
        for g in Evaluator.groups(response, keys: rule.queryKey) {
            var key = ReplaySeries.Series(fields: g.fields, buckets: [:])
            for p in g.aggs["p"]?["buckets"]?.arrayValue ?? [] {
                guard let id = p["key"]?.plainText else { continue }
                var ps = PatternSeries()
                if Evaluator.subCount(p, "before") > 0 { ps.lastBeforeMs = Evaluator.subValue(p["before"] ?? .object([:]), "last") }
                for b in p["zone"]?["series"]?["buckets"]?.arrayValue ?? [] {
                    guard let count = b["doc_count"]?.intValue, count > 0, let first = Evaluator.subValue(b, "first"),
                          let start = Evaluator.bucketStart(b) else { continue }
                    ps.buckets[start] = (count, first, b["oldest"], bucketKeys(b["hosts"]))
                }
                key.patterns[id] = ps
            }
            out[g.key] = key
        }
        return out
    }

    /// The answer `newPatternProbe` would give for one window, from the replay's series: per key with history
    /// before the zone, its new patterns (none in [zone − history, zone), some in [zone, end)), newest first.
    static func newPatternAnswer(_ rule: Rule, _ o: Rule.NewPatternOptions, _ series: [String: ReplaySeries.Series],
                                 previousEnd: Double, end: Double) -> JSONValue {
        let zone = newZoneStart(rule, previousEnd: previousEnd)
        let zoneMs = Int((zone * 1000).rounded()), endMs = Int((end * 1000).rounded())
        let historyMs = Int(((zone - o.history) * 1000).rounded())
        var groups: [JSONValue] = []
        for key in series.keys.sorted() {
            let s = series[key]!
            var known = false
            var fresh: [(first: Double, id: String, bucket: JSONValue)] = []
            for (id, p) in s.patterns {
                let before = (p.lastBeforeMs.map { $0 >= Double(historyMs) } ?? false)
                    || p.buckets.keys.contains { $0 >= historyMs && $0 < zoneMs }
                if before { known = true; continue }
                let inZone = p.buckets.filter { $0.key >= zoneMs && $0.key < endMs }
                guard let earliest = inZone.min(by: { $0.key < $1.key }) else { continue }
                var hosts: [String] = []
                for b in inZone.sorted(by: { $0.key < $1.key }) { for h in b.value.hosts where !hosts.contains(h) { hosts.append(h) } }
                var bucket: [String: JSONValue] = ["key": .string(id), "doc_count": .int(inZone.values.reduce(0) { $0 + $1.count }),
                                                   "first": ["value": .double(earliest.value.firstMs)]]
                if let oldest = earliest.value.oldest { bucket["oldest"] = oldest }
                if rule.queryKey.isEmpty { bucket["hosts"] = ["buckets": .array(hosts.prefix(2).map { ["key": .string($0)] })] }
                fresh.append((earliest.value.firstMs, id, .object(bucket)))
            }
            guard known, !fresh.isEmpty else { continue }
            fresh.sort { ($0.first, $1.id) > ($1.first, $0.id) }
            var group: [String: JSONValue] = ["known": ["doc_count": 1], "p": ["buckets": .array(fresh.prefix(newPatternsPerKey).map(\.bucket))]]
            if rule.queryKey.isEmpty { return ["aggregations": .object(group)] }
            group["key"] = rule.queryKey.count == 1 ? .string(s.fields[rule.queryKey[0]] ?? key) : JSONValue(s.fields)
            group["doc_count"] = 1
            groups.append(.object(group))
        }
        if rule.queryKey.isEmpty { return ["aggregations": ["known": ["doc_count": 0], "p": ["buckets": []]]] }
        return ["aggregations": ["keys": ["buckets": .array(groups)]]]
    }

    // MARK: pattern_rate

    /// Each (key, pattern)'s count in the window and in each of the `history_windows` windows of the same length
    /// before it: one `filters` aggregation with a bucket per window (`w0` is the current one) under the
    /// pattern's bucket. The patterns are a `terms` under the key's bucket with `min_doc_count: min_count`: a
    /// pattern with fewer documents in all the windows together can rise to `min_count` no more than it can
    /// usually run at it, so only patterns that could fire are returned (docs/patterns.md: the answer sizes).
    static func rateProbe(_ rule: Rule, _ o: Rule.PatternRateOptions, end: Double) -> Probe {
        let tf = rule.timeframe ?? rule.bufferTime
        let from = end - Double(o.historyWindows + 1) * tf
        var windows: [String: JSONValue] = [:]
        for i in 0...o.historyWindows {
            windows["w\(i)"] = QueryBuilder.range(rule.timestampField, end - Double(i + 1) * tf, end - Double(i) * tf)
        }
        var filter: [JSONValue] = [QueryBuilder.range(rule.timestampField, from, end), ["exists": ["field": .string(idField)]]]
        filter += rule.filters.compactMap(JSONValue.clause)
        var request: [String: JSONValue] = ["size": 0, "track_total_hits": true, "query": ["bool": ["filter": .array(filter)]]]
        let patterns: JSONValue = [
            "terms": ["field": .string(idField), "size": .int(QueryBuilder.maxKeys), "min_doc_count": .int(o.minCount)],
            "aggs": ["w": ["filters": ["filters": .object(windows)]]],
        ]
        request["aggs"] = keyAggregation(rule.queryKey, ["p": patterns])
        return Probe(ruleName: rule.name, purpose: .evaluate, end: end, start: from,
                     index: rule.indices.joined(separator: ","), body: JSONValue.object(request).compactText)
    }

    /// The usual count of a pattern: the median of its earlier windows, and their spread as a robust standard
    /// deviation (1.4826 × the median absolute deviation, which equals the standard deviation for normal data and
    /// ignores a few outlying windows), at least √median (the spread of a Poisson count: a pattern that ran at
    /// exactly 30 every window is not "4 sd off" at 33) and at least 1.
    struct Baseline: Equatable {
        var median: Double
        var sd: Double

        init(_ counts: [Int]) {
            let c = counts.map(Double.init)
            let m = Self.median(c)
            let mad = Self.median(c.map { abs($0 - m) })
            median = m
            sd = max(1.4826 * mad, m.squareRoot(), 1)
        }

        static func median(_ values: [Double]) -> Double {
            guard !values.isEmpty else { return 0 }
            let s = values.sorted(), n = s.count
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
        }
    }

    enum Deviation: String { case up, down }

    /// Up: at least `min_count` in the window, `deviation` sd above the median and `ratio` times it. Down: a median
    /// of at least `min_count`, `deviation` sd below it and at most median ÷ `ratio`. A pattern with no document in
    /// any earlier window is new, not faster: that is `new_pattern`'s finding (`rateFindings` skips it, and one
    /// still warming up).
    static func deviation(current: Int, _ b: Baseline, _ o: Rule.PatternRateOptions) -> Deviation? {
        let cur = Double(current)
        if o.direction != .down, current >= o.minCount, cur >= b.median + o.deviation * b.sd, cur >= o.ratio * b.median {
            return .up
        }
        if o.direction != .up, b.median >= Double(o.minCount), cur <= b.median - o.deviation * b.sd, cur <= b.median / o.ratio {
            return .down
        }
        return nil
    }

    static func rateFindings(_ rule: Rule, _ o: Rule.PatternRateOptions, response: JSONValue) -> [Finding] {
        var out: [Finding] = []
        for group in Evaluator.groups(response, keys: rule.queryKey) {
            for p in group.aggs["p"]?["buckets"]?.arrayValue ?? [] {
                guard let pattern = p["key"]?.plainText else { continue }
                var fields = group.fields
                fields[idField] = pattern
                let windows = p["w"]?["buckets"]?.objectValue ?? [:]
                if let f = rateFinding(rule, o, fields: fields, windows: windows) { out.append(f) }
            }
        }
        return out
    }

    /// One (key, pattern): its alarm key is that of `QueryBuilder.groupingFields` (query_key + log.pattern.id).
    static func rateFinding(_ rule: Rule, _ o: Rule.PatternRateOptions, fields: [String: String], windows: [String: JSONValue]) -> Finding? {
        func count(_ i: Int) -> Int { windows["w\(i)"]?["doc_count"]?.intValue ?? 0 }
        let history = (1...max(1, o.historyWindows)).map(count)
        guard history.contains(where: { $0 > 0 }) else { return nil }
        let cur = count(0), b = Baseline(history)
        // Warming up: a pattern absent from most earlier windows and from the oldest one started within the
        // baseline; against the windows before it existed every count would look like a rise.
        if b.median == 0, history.last == 0 { return nil }
        guard let d = deviation(current: cur, b, o) else { return nil }
        let window = Evaluator.formatSpan(rule.timeframe ?? rule.bufferTime)
        let factor = b.median > 0 ? " ×" + decimal(Double(cur) / b.median) : ""
        let reason = "pattern \(short(fields[idField] ?? "")): \(grouped(cur)) in \(window), usual \(decimal(b.median)) ± \(decimal(b.sd))"
            + " (\(d.rawValue)\(factor); median and robust sd of the \(o.historyWindows) \(window) windows before)"
        return Finding(key: Evaluator.keyText(fields), fields: fields, value: Double(cur), reason: reason)
    }

    // MARK: text

    /// The template of one message, as the shipper's miner makes it when the message founds a pattern: its
    /// parameters (numbers, addresses, ids, paths…) masked as `<*>`. Used where the catalogue is not asked; a
    /// catalogue template may be wider (a word parameter seen by the shipper in several messages).
    static func template(of message: String) -> String {
        let miner = PatternMiner()
        return miner.template(of: miner.assign(message)) ?? message
    }

    /// The first 8 hex digits, as shown in alarm text ("3f2a1b0c…"); fields and labels carry the full id.
    static func short(_ id: String) -> String { id.count > 8 ? String(id.prefix(8)) + "…" : id }

    static func cut(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > shownCharacters ? String(flat.prefix(shownCharacters)) + "…" : flat
    }

    /// "1,240": thousands grouped, as an on-call expert reads counts.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Whole numbers as integers (grouped), others with one decimal.
    static func decimal(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return grouped(Int(x)) }
        let tenths = Int((x * 10).rounded())
        return grouped(tenths / 10) + "." + String(abs(tenths % 10))
    }

    /// The lines a pattern alarm adds to its text: the template and an example of the (first) pattern.
    static func detailLines(_ fields: [String: String]) -> String {
        var lines: [String] = []
        if let t = fields[templateField] { lines.append("template: " + cut(t)) }
        if let e = fields[exampleField] { lines.append("example: " + cut(e)) }
        if let ids = fields[idField] { lines.append("pattern id: " + ids) }
        return lines.joined(separator: "\n")
    }
}
