import JSON

/// `rules test` over hours, and the daemon's catch-up after downtime: many windows of a counting rule answered by
/// a few searches instead of one each.
///
/// A replay of two hours at `run_every: 1m` is 120 windows; a keyed flatline window looks back an hour, so one
/// search per window made osmem visit every document about sixty times (a minute for a 200-host data set, and
/// one huge shared search that once hit the 60 s `request_timeout`). Instead, one search per chunk of windows
/// returns each key's documents in buckets (a `date_histogram` under the key aggregation), and every window's
/// answer is added up from the buckets in the shape of its own search, so the evaluation — `MatchLedger`
/// included — is exactly that of the window-by-window run. This works for the types that only count documents
/// or list keys (`frequency`, `flatline`, `spike`, `any`, `blacklist`, `whitelist`, `new_term`, `pattern_rate`)
/// and for `new_pattern` in logs mode (`PatternRules.newPatternSeriesProbe`), whose window edges all fall on
/// bucket edges; the others, and windows off the grid, are searched window by window as before. A catch-up's
/// windows continue from the stored end, at any millisecond: their grid is shifted to it (`chunks`).
enum ReplaySeries {
    /// Windows per search: bounds a search's answer (keys × buckets) and its time, so each request stays far
    /// below `request_timeout` however long the replay.
    static let windowsPerSearch = 240

    /// The bucket width in seconds: every window edge of the rule is a multiple of it. Nil: not replayed from buckets.
    static func bucketSeconds(_ rule: Rule) -> Int? {
        func whole(_ seconds: Double) -> Int? { seconds >= 1 && seconds == seconds.rounded() ? Int(seconds) : nil }
        guard let run = whole(rule.runEvery), let tf = whole(rule.timeframe ?? rule.bufferTime),
              let history = whole(QueryBuilder.keyHistory(rule.timeframe ?? rule.bufferTime)) else { return nil }
        switch rule.kind {
        case .any, .blacklist, .whitelist: return MatchLedger.bucketSeconds(rule) == run ? run : nil
        case .frequency, .newTerm: return gcd(run, tf)
        case .flatline: return rule.queryKey.isEmpty ? gcd(run, tf) : gcd(gcd(run, tf), history)
        case .spike: return gcd(gcd(run, tf), history)
        // Every window edge (end − i × timeframe) is on the grid of gcd(run_every, timeframe).
        case .patternRate: return gcd(run, tf)
        // Logs mode: window edges, the new zone (buffer_time back) and the history edge on the run_every grid.
        case .newPattern(let o):
            guard !PatternRules.usesCatalogue(rule, o), let h = whole(o.history), let b = whole(rule.bufferTime),
                  h % run == 0, b % run == 0 else { return nil }
            return run
        default: return nil
        }
    }

    /// `from` and `to` moved down to the rule's bucket grid, so every window of a replay is on it.
    static func aligned(_ rule: Rule, from: Double, to: Double) -> (from: Double, to: Double) {
        guard let width = bucketSeconds(rule).map(Double.init) else { return (from, to) }
        return ((from / width).rounded(.down) * width, (to / width).rounded(.down) * width)
    }

    struct Chunk {
        var probe: Probe
        /// The windows (indices into the plan's ends) this search answers.
        var steps: Range<Int>
    }

    /// The searches that answer the first windows of `ends` (each window starting where the previous ended): those
    /// whose edges are on the rule's bucket grid laid from `previous`. A replay's windows are all on it (`aligned`);
    /// a catch-up's continue from the stored end, so the grid is shifted by that end (the histogram's `offset`) and
    /// its last window, ending at now − query_delay, is usually off it and searched on its own. The match ledger's
    /// rules keep buckets on the epoch grid (their stored counts are keyed by it), so their grid is never shifted.
    /// Empty when no window is on the grid.
    static func chunks(_ rule: Rule, previous: Double, ends: [Double]) -> [Chunk] {
        guard let width = bucketSeconds(rule), !ends.isEmpty else { return [] }
        let widthMs = width * 1000
        func ms(_ t: Double) -> Int { Int((t * 1000).rounded()) }
        let offsetMs = ((ms(previous) % widthMs) + widthMs) % widthMs
        if offsetMs != 0, MatchLedger.applies(to: rule) { return [] }
        let covered = ends.prefix { ((ms($0) - offsetMs) % widthMs + widthMs) % widthMs == 0 }.count
        var out: [Chunk] = []
        for first in stride(from: 0, to: covered, by: windowsPerSearch) {
            let steps = first..<min(first + windowsPerSearch, covered)
            let previousEnd = first == 0 ? previous : ends[first - 1]
            let from = QueryBuilder.windowStart(rule, previousEnd: previousEnd, end: ends[first])
            let to = ends[steps.upperBound - 1]
            if case .newPattern(let o) = rule.kind {
                out.append(Chunk(probe: PatternRules.newPatternSeriesProbe(rule, o, zoneStart: from, to: to, seconds: width,
                                                                           offsetMs: offsetMs), steps: steps))
            } else {
                out.append(Chunk(probe: QueryBuilder.series(rule, from: from, to: to, seconds: width, offsetMs: offsetMs), steps: steps))
            }
        }
        return out
    }

    /// A key's documents per bucket start (milliseconds), with the key's field values.
    struct Series {
        var fields: [String: String]
        var buckets: [Int: Int]
        /// `new_pattern`: the key's patterns (`PatternRules.NewPatternSeries`).
        var patterns: [String: PatternRules.PatternSeries] = [:]
    }

    static func series(_ rule: Rule, response: JSONValue) -> [String: Series] {
        if case .newPattern = rule.kind { return PatternRules.newPatternSeries(rule, response: response) }
        var out: [String: Series] = [:]
        for g in Evaluator.groups(response, keys: QueryBuilder.groupingFields(rule)) {
            var buckets: [Int: Int] = [:]
            for b in g.aggs["series"]?["buckets"]?.arrayValue ?? [] {
                guard let count = b["doc_count"]?.intValue, count > 0, let start = Evaluator.bucketStart(b) else { continue }
                buckets[start, default: 0] += count
            }
            out[g.key] = Series(fields: g.fields, buckets: buckets)
        }
        return out
    }

    /// The answer the window's own search (`QueryBuilder.probe`) would have given, added up from the buckets.
    static func answer(_ rule: Rule, _ series: [String: Series], previousEnd: Double, end: Double) -> JSONValue {
        if case .patternRate(let o) = rule.kind { return rateAnswer(rule, o, series, end: end) }
        if case .newPattern(let o) = rule.kind { return PatternRules.newPatternAnswer(rule, o, series, previousEnd: previousEnd, end: end) }
        let keys = QueryBuilder.groupingFields(rule)
        let tf = rule.timeframe ?? rule.bufferTime
        let from = QueryBuilder.windowStart(rule, previousEnd: previousEnd, end: end)
        func count(_ s: Series, _ a: Double, _ b: Double) -> Int {
            let lo = Int((a * 1000).rounded()), hi = Int((b * 1000).rounded())
            return s.buckets.reduce(0) { $0 + ($1.key >= lo && $1.key < hi ? $1.value : 0) }
        }
        func subAggs(_ s: Series) -> [String: JSONValue] {
            var aggs: [String: JSONValue] = [:]
            switch rule.kind {
            case .flatline where !keys.isEmpty:
                aggs["cur"] = ["doc_count": .int(count(s, end - tf, end))]
            case .spike:
                aggs["before"] = ["doc_count": .int(count(s, from, end - 2 * tf))]
                aggs["ref"] = ["doc_count": .int(count(s, end - 2 * tf, end - tf))]
                aggs["cur"] = ["doc_count": .int(count(s, end - tf, end))]
            case .any, .blacklist, .whitelist:
                let lo = Int((from * 1000).rounded()), hi = Int((end * 1000).rounded())
                aggs["seen"] = ["buckets": .array(s.buckets.filter { $0.key >= lo && $0.key < hi }.sorted { $0.key < $1.key }
                    .map { ["key": .int($0.key), "doc_count": .int($0.value)] })]
            default: break
            }
            return aggs
        }
        if keys.isEmpty {
            let s = series[Rule.wholeRuleKey] ?? Series(fields: [:], buckets: [:])
            return ["hits": ["total": ["value": .int(count(s, from, end))]], "aggregations": .object(subAggs(s))]
        }
        var buckets: [JSONValue] = []
        for key in series.keys.sorted() {
            let s = series[key]!
            let n = count(s, from, end)
            guard n > 0 else { continue }
            var bucket = subAggs(s)
            bucket["doc_count"] = .int(n)
            // The shapes `Evaluator.groups` reads: a `terms` bucket's key is the value, a `composite` one's the fields.
            bucket["key"] = keys.count == 1 ? .string(s.fields[keys[0]] ?? key) : JSONValue(s.fields)
            buckets.append(.object(bucket))
        }
        return ["aggregations": ["keys": ["buckets": .array(buckets)]]]
    }

    /// `pattern_rate`'s answer (`PatternRules.rateProbe`): per key, the patterns with at least `min_count` documents
    /// in the current and the `history_windows` earlier windows together (the probe's `min_doc_count`), each with
    /// its count per window. The series is keyed by (query_key fields, pattern id), its buckets on the timeframe grid.
    static func rateAnswer(_ rule: Rule, _ o: Rule.PatternRateOptions, _ series: [String: Series], end: Double) -> JSONValue {
        let tf = rule.timeframe ?? rule.bufferTime
        let endMs = (end * 1000).rounded(), tfMs = tf * 1000
        var order: [String] = []
        var groups: [String: (fields: [String: String], count: Int, patterns: [JSONValue])] = [:]
        for key in series.keys.sorted() {
            let s = series[key]!
            var counts = Array(repeating: 0, count: o.historyWindows + 1)
            for (start, n) in s.buckets {
                let i = Int(((endMs - Double(start)) / tfMs).rounded(.up)) - 1   // window i = [end − (i+1)·tf, end − i·tf)
                if i >= 0, i < counts.count { counts[i] += n }
            }
            let total = counts.reduce(0, +)
            guard total >= o.minCount else { continue }
            var fields = s.fields
            let pattern = fields.removeValue(forKey: PatternRules.idField) ?? ""
            let groupKey = rule.queryKey.isEmpty ? Rule.wholeRuleKey : Evaluator.keyText(fields)
            if groups[groupKey] == nil { groups[groupKey] = (fields, 0, []); order.append(groupKey) }
            var windows: [String: JSONValue] = [:]
            for (i, c) in counts.enumerated() { windows["w\(i)"] = ["doc_count": .int(c)] }
            groups[groupKey]!.count += total
            groups[groupKey]!.patterns.append(["key": .string(pattern), "doc_count": .int(total), "w": ["buckets": .object(windows)]])
        }
        if rule.queryKey.isEmpty {
            return ["aggregations": ["p": ["buckets": .array(groups[Rule.wholeRuleKey]?.patterns ?? [])]]]
        }
        let buckets: [JSONValue] = order.map { k in
            let g = groups[k]!
            return ["key": rule.queryKey.count == 1 ? .string(g.fields[rule.queryKey[0]] ?? k) : JSONValue(g.fields),
                    "doc_count": .int(g.count), "p": ["buckets": .array(g.patterns)]]
        }
        return ["aggregations": ["keys": ["buckets": .array(buckets)]]]
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}
