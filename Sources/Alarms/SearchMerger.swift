import JSON

/// Folds the probes of a cycle into a few searches, and splits the answers back into one per probe.
///
/// A search engine pays per search and per document visited far more than per aggregation, so every probe
/// over the same index and timestamp field becomes one `filter` aggregation (the probe's own query: its window
/// range and its rule's filters) of one shared search, holding the probe's sub-aggregations. The shared search
/// only narrows the documents to the union of the windows; each rule still counts exactly its own window, so
/// answers are those of the unmerged searches. Probes asking exactly the same question (rules that differ only by
/// thresholds) share one aggregation. A sibling `filter` per rule rather than one `filters` aggregation, because
/// rules need different sub-aggregations.
enum SearchMerger {
    /// One search sent to the cluster: a shared one with `aggregations` members, or (0) a probe sent as it is.
    struct Search {
        var index: String
        var body: String
        var aggregations: Int
    }

    struct Plan {
        var searches: [Search] = []
        /// Per probe: which search answers it, and under which aggregation name (nil: the whole answer is its own).
        var slots: [(search: Int, agg: String?)] = []
    }

    /// Caps a shared search's size: its answer is parsed in one piece, and a search the cluster refuses takes
    /// its members down with it (they are then retried unmerged).
    static let maxAggregationsPerSearch = 100

    static func plan(_ probes: [Probe]) -> Plan {
        var plan = Plan()
        // Group key (index + timestamp field) → index of the open search and its aggregation bodies.
        var open: [String: Int] = [:]
        var aggs: [[String: JSONValue]] = []
        var ranges: [(field: String, from: String, to: String)?] = []
        var dedup: [[String: String]] = []  // per search: aggregation JSON → name
        for probe in probes {
            guard let parts = Parts(probe.body) else {
                plan.searches.append(Search(index: probe.index, body: probe.body, aggregations: 0))
                aggs.append([:]); ranges.append(nil); dedup.append([:])
                plan.slots.append((plan.searches.count - 1, nil))
                continue
            }
            let group = probe.index + "\u{0}" + parts.timestampField
            var s = open[group] ?? -1
            let agg = parts.aggregation()
            let aggText = agg.compactText
            if s >= 0, let name = dedup[s][aggText] { plan.slots.append((s, name)); continue }
            if s < 0 || plan.searches[s].aggregations >= maxAggregationsPerSearch {
                plan.searches.append(Search(index: probe.index, body: "", aggregations: 0))
                aggs.append([:]); ranges.append((parts.timestampField, parts.from, parts.to)); dedup.append([:])
                s = plan.searches.count - 1
                open[group] = s
            }
            let name = "p\(plan.searches[s].aggregations)"
            plan.searches[s].aggregations += 1
            aggs[s][name] = agg
            dedup[s][aggText] = name
            if let r = ranges[s] { ranges[s] = (r.field, min(r.from, parts.from), max(r.to, parts.to)) }
            plan.slots.append((s, name))
        }
        for s in plan.searches.indices where plan.searches[s].aggregations > 0 {
            // Timestamps are all written by `Timestamps.format` (fixed width, UTC), so text order is time order.
            var query: [JSONValue] = ranges[s].map { [QueryBuilder.rangeText($0.field, $0.from, $0.to)] } ?? []
            query += hoistCommonFilters(&aggs[s])
            var request: [String: JSONValue] = ["size": 0, "aggs": .object(aggs[s])]
            if !query.isEmpty { request["query"] = ["bool": ["filter": .array(query)]] }
            plan.searches[s].body = JSONValue.object(request).compactText
        }
        return plan
    }

    /// The filters every member of a shared search has (the rule's own filters when the members are the windows of
    /// one rule, as a catch-up's or the what-matched searches of a replay are), moved from the members' `filter`
    /// aggregations into the search's query. The cluster then narrows the documents once, and each member looks
    /// only at those instead of at every document of the union of the windows: osmem evaluates a member's filter on
    /// each document the query let through, so the 110 what-matched aggregations of `kernel-io-oom`'s replay (285
    /// raises over two hours of 25,000 documents) took 1.74 s of its CPU, and 0.27 s with the rule's two filters
    /// in the query. Every document a member counts passed those filters anyway: the answers are the same.
    static func hoistCommonFilters(_ members: inout [String: JSONValue]) -> [JSONValue] {
        func filters(_ member: JSONValue) -> [JSONValue] { member["filter"]?["bool"]?["filter"]?.arrayValue ?? [] }
        var common: Set<String>? = nil
        var byText: [String: JSONValue] = [:]
        for member in members.values {
            var texts = Set<String>()
            for f in filters(member) { let t = f.compactText; texts.insert(t); byText[t] = f }
            common = common.map { $0.intersection(texts) } ?? texts
        }
        guard let common, !common.isEmpty else { return [] }
        for (name, member) in members {
            guard case .object(var agg) = member else { continue }
            agg["filter"] = ["bool": ["filter": .array(filters(member).filter { !common.contains($0.compactText) })]]
            members[name] = .object(agg)
        }
        return common.sorted().compactMap { byText[$0] }
    }

    /// The answer of one member, shaped like the answer of its own search: total hits = the bucket's count,
    /// aggregations = the bucket's sub-aggregations.
    static func split(_ response: JSONValue, agg: String) -> JSONValue? {
        guard var bucket = response["aggregations"]?[agg]?.objectValue else { return nil }
        let count = bucket.removeValue(forKey: "doc_count")?.intValue ?? 0
        return ["hits": ["total": ["value": .int(count), "relation": "eq"]], "aggregations": .object(bucket)]
    }

    /// A probe body in the form QueryBuilder writes: `size: 0`, a `bool` query of filters only, the first of
    /// which is the window's range on the timestamp field. Anything else is sent unmerged.
    private struct Parts {
        var filters: [JSONValue]
        var aggs: JSONValue?
        var timestampField: String
        var from: String
        var to: String

        init?(_ body: String) {
            guard let json = (try? JSONValue(parsing: body))?.objectValue,
                  json["size"] == .int(0),
                  Set(json.keys).isSubset(of: ["size", "track_total_hits", "query", "aggs"]),
                  let query = json["query"]?.objectValue, query.count == 1,
                  let bool = query["bool"]?.objectValue, bool.count == 1,
                  let filters = bool["filter"]?.arrayValue,
                  let range = filters.first?["range"]?.objectValue, range.count == 1,
                  let entry = range.first, entry.value.objectValue != nil,
                  let from = entry.value["gte"]?.stringValue, let to = entry.value["lt"]?.stringValue
            else { return nil }
            self.filters = filters
            self.aggs = json["aggs"].flatMap { $0.objectValue == nil ? nil : $0 }
            timestampField = entry.key
            self.from = from
            self.to = to
        }

        func aggregation() -> JSONValue {
            var agg: [String: JSONValue] = ["filter": ["bool": ["filter": .array(filters)]]]
            if let aggs, aggs.objectValue?.isEmpty == false { agg["aggs"] = aggs }
            return .object(agg)
        }
    }
}
