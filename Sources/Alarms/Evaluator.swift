import JSON

/// Reads a probe's answer and says which keys meet the rule's condition.
public enum Evaluator {
    /// One group of the answer: a composite bucket, or the whole answer for rules without `query_key`.
    struct Group {
        var key: String
        var fields: [String: String]
        var count: Int
        /// The bucket (or the answer's `aggregations`): its sub-aggregations by name.
        var aggs: JSONValue
    }

    /// - Parameter keys: the grouping fields; empty: the whole answer is one group.
    static func groups(_ response: JSONValue, keys: [String]) -> [Group] {
        if keys.isEmpty {
            let total = response["hits"]?["total"]?["value"]?.intValue ?? 0
            let aggs = response["aggregations"].flatMap { $0.objectValue == nil ? nil : $0 } ?? .object([:])
            return [Group(key: Rule.wholeRuleKey, fields: [:], count: total, aggs: aggs)]
        }
        let buckets = response["aggregations"]?["keys"]?["buckets"]?.arrayValue ?? []
        return buckets.compactMap { bucket in
            guard bucket.objectValue != nil else { return nil }
            var fields: [String: String] = [:]
            if let composite = bucket["key"]?.objectValue {
                for (k, v) in composite { fields[k] = v.plainText }
            } else if let single = bucket["key_as_string"] ?? bucket["key"] {
                // A `terms` bucket (one grouping field): the key is the value itself.
                fields[keys[0]] = single.plainText
            }
            return Group(key: keyText(fields), fields: fields, count: bucket["doc_count"]?.intValue ?? 0, aggs: bucket)
        }
    }

    /// A new term as its alarm reads it: `"o2-qc"`, or a composite one as `process.name=o2-qc, log.origin.file.line=321`.
    static func termText(_ rule: Rule, _ g: Group) -> String {
        let label = AlarmText.keyLabel(rule, key: g.key, fields: g.fields)
        return label == g.key ? "\"" + g.key + "\"" : label
    }

    /// Values in `query_key` order would need the rule; sorted field names give the same key on every run.
    static func keyText(_ fields: [String: String]) -> String {
        fields.keys.sorted().map { fields[$0]! }.joined(separator: "/")
    }

    static func subCount(_ aggs: JSONValue, _ name: String) -> Int {
        aggs[name]?["doc_count"]?.intValue ?? 0
    }

    static func subValue(_ aggs: JSONValue, _ name: String) -> Double? {
        aggs[name]?["value"]?.doubleValue
    }

    /// - Parameters:
    ///   - activeKeys: keys alarmed now; a flatline key that logged nothing at all stays alarmed.
    ///   - knownTerms: `new_term` baseline; nil for other types.
    ///   - newMatches: event-like rules: per key, the matching documents no earlier window counted (`MatchLedger`);
    ///     nil counts every document of the window.
    public static func findings(_ rule: Rule, response: JSONValue, activeKeys: Set<String>,
                                knownTerms: Set<String>?, newMatches: [String: Int]? = nil) -> [Finding] {
        switch rule.kind {
        case .patternRate(let o): return PatternRules.rateFindings(rule, o, response: response)
        // Read with the rule's announced patterns by `AlarmJob` (`PatternRules.newPatternFindings`).
        case .newPattern: return []
        default: break
        }
        let keys = QueryBuilder.groupingFields(rule)
        let keyed = !keys.isEmpty
        let groups = groups(response, keys: keys)
        let window = formatSpan(rule.timeframe ?? rule.bufferTime)
        var out: [Finding] = []
        for g in groups {
            func hit(_ value: Double, _ reason: String) { out.append(Finding(key: g.key, fields: g.fields, value: value, reason: reason)) }
            switch rule.kind {
            case .any, .blacklist, .whitelist:
                let count = newMatches.map { $0[g.key] ?? 0 } ?? g.count
                if count > 0 { hit(Double(count), "\(count) matching event(s)") }
            case .frequency(let n):
                if g.count >= n { hit(Double(g.count), "\(g.count) events in \(window) (threshold \(n))") }
            case .flatline(let threshold):
                let count = keyed ? subCount(g.aggs, "cur") : g.count
                if count < threshold { hit(Double(count), "\(count) events in \(window), fewer than \(threshold)") }
            case .spike(let height, let direction, let thresholdRef, let thresholdCur):
                // As ElastAlert 2 decides: thresholds are minimum counts, the boundary itself is a spike
                // (30 → 90 with height 3 fires), a key silent in both windows is forgotten, and nothing fires
                // while the key is warming up (no event of it before its reference window).
                let ref = subCount(g.aggs, "ref"), cur = subCount(g.aggs, "cur")
                guard ref >= thresholdRef, cur >= thresholdCur, ref + cur > 0, subCount(g.aggs, "before") > 0 else { continue }
                let up = Double(cur) >= Double(ref) * height
                let down = Double(cur) <= Double(ref) / height
                if (direction != .down && up) || (direction != .up && down) {
                    hit(Double(cur), "\(cur) events in the last \(window) against \(ref) in the \(window) before (spike ×\(height) \(direction.rawValue))")
                }
            case .change:
                guard let source = g.aggs["last"]?["hits"]?["hits"]?[0]?["_source"], source.objectValue != nil else { continue }
                if case .change(let field, _) = rule.kind {
                    let value = DocumentFields.value(source, path: field)?.plainText ?? ""
                    // The value is compared against the stored one by the lifecycle (knownTerms holds "key=value").
                    if let known = knownTerms, !known.contains(where: { $0.hasPrefix(g.key + "=") }) || known.contains(g.key + "=" + value) { continue }
                    var f = Finding(key: g.key, fields: g.fields, value: 1, reason: "\(field) changed to \"\(value)\"")
                    f.fields[field] = value
                    out.append(f)
                }
            case .newTerm:
                if let known = knownTerms, !known.contains(g.key) { hit(Double(g.count), "new term \(termText(rule, g)) (\(g.count) event(s))") }
            case .cardinality(let field, let max, let min):
                guard g.count > 0 || min != nil, let c = subValue(g.aggs, "c") ?? (g.count == 0 ? 0 : nil) else { continue }
                if let max, c > Double(max) { hit(c, "\(Int(c)) distinct \(field) in \(window), more than \(max)") }
                else if let min, c < Double(min) { hit(c, "\(Int(c)) distinct \(field) in \(window), fewer than \(min)") }
            case .metricAggregation(let field, let aggregation, let max, let min):
                guard let v = subValue(g.aggs, "m") else { continue }
                if let max, v > max { hit(v, "\(aggregation.rawValue)(\(field)) = \(v) in \(window), above \(max)") }
                else if let min, v < min { hit(v, "\(aggregation.rawValue)(\(field)) = \(v) in \(window), below \(min)") }
            case .percentageMatch(_, let min, let max, let minDenominator):
                guard g.count >= minDenominator, g.count > 0 else { continue }
                let pct = Double(subCount(g.aggs, "match")) * 100 / Double(g.count)
                let shown = (pct * 10).rounded() / 10
                if let max, pct > max { hit(pct, "\(shown)% of \(g.count) events match, above \(max)%") }
                else if let min, pct < min { hit(pct, "\(shown)% of \(g.count) events match, below \(min)%") }
            case .newPattern, .patternRate:
                break
            }
        }
        if case .flatline = rule.kind, keyed {
            let seen = Set(groups.map(\.key))
            for key in activeKeys.subtracting(seen) {
                out.append(Finding(key: key, fields: [:], value: 0, reason: "no events in \(window)"))
            }
        }
        return out
    }

    /// Event-like rules: each key's matching documents per bucket start (ms), from the `seen` histogram.
    static func histograms(_ rule: Rule, response: JSONValue) -> [String: [Int: Int]] {
        var out: [String: [Int: Int]] = [:]
        for g in groups(response, keys: QueryBuilder.groupingFields(rule)) {
            let buckets = g.aggs["seen"]?["buckets"]?.arrayValue ?? []
            var counts: [Int: Int] = [:]
            for b in buckets {
                guard let count = b["doc_count"]?.intValue, count > 0 else { continue }
                if let start = bucketStart(b) { counts[start, default: 0] += count }
            }
            if !counts.isEmpty { out[g.key] = counts }
        }
        return out
    }

    /// `change`: the newest value of the compared field per key.
    static func latestValues(_ rule: Rule, field: String, response: JSONValue) -> [String: String] {
        var out: [String: String] = [:]
        for g in groups(response, keys: QueryBuilder.groupingFields(rule)) {
            guard let source = g.aggs["last"]?["hits"]?["hits"]?[0]?["_source"], source.objectValue != nil else { continue }
            out[g.key] = DocumentFields.value(source, path: field)?.plainText ?? ""
        }
        return out
    }

    /// A `date_histogram` bucket's start (ms): an integer, or a whole Double from another writer.
    static func bucketStart(_ bucket: JSONValue) -> Int? {
        switch bucket["key"] {
        case .int(let ms)?: return ms
        case .double(let ms)?: return Int(exactly: ms.rounded(.towardZero))
        default: return nil
        }
    }

    /// The terms of a composite answer, for `new_term` baselines.
    public static func terms(_ rule: Rule, response: JSONValue) -> Set<String> {
        Set(groups(response, keys: QueryBuilder.groupingFields(rule)).map(\.key))
    }

    static func formatSpan(_ seconds: Double) -> String {
        if seconds >= 86_400, seconds.truncatingRemainder(dividingBy: 86_400) == 0 { return "\(Int(seconds / 86_400))d" }
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        return "\(Int(seconds))s"
    }
}

/// Dotted paths into `_source`, which may hold `host.name` as nested objects or as a flat key.
enum DocumentFields {
    static func value(_ source: JSONValue, path: String) -> JSONValue? {
        if let v = source[path] { return v }
        var current: JSONValue? = source
        for part in path.split(separator: ".") { current = current?[String(part)] }
        return current
    }
}
