import JSON
import Setup

/// The search a dashboard sends for one panel, built the way OpenSearch Dashboards / Kibana build it: the
/// time range and the panel's filters in `bool.filter`, bucket aggregations nested in their order, metrics
/// under every bucket level (so a terms order by a metric can see it), a saved search as sorted hits.
public struct PanelSearch: Sendable {
    public var objectID: String
    public var title: String
    /// The index pattern's title, used as the search path: `/<index>/_search`.
    public var index: String
    public var body: JSONValue

    public struct TimeRange: Sendable {
        public var from: String
        public var to: String
        /// What `interval: auto` becomes; the applications derive it from the range, about 50 buckets.
        public var autoInterval: String
        public init(from: String, to: String, autoInterval: String) {
            self.from = from; self.to = to; self.autoInterval = autoInterval
        }
    }

    public var path: String { "/\(index)/_search" }

    /// One search per visualization or saved search in `objects` (dashboards and index patterns have none).
    public static func searches(for objects: [SavedObject], range: TimeRange) throws -> [PanelSearch] {
        try objects.compactMap { object in
            guard let panel = try Panel(object) else { return nil }
            guard let pattern = objects.first(where: { $0.type == "index-pattern" && $0.id == panel.indexPatternID }) else {
                throw Panel.Problem(description: "\(object.id): index pattern \(panel.indexPatternID) not found")
            }
            return PanelSearch(panel: panel, pattern: pattern, range: range)
        }
    }

    init(panel: Panel, pattern: SavedObject, range: TimeRange) {
        objectID = panel.object.id
        title = panel.object.title
        index = pattern.json[path: "attributes.title"]?.stringValue ?? ""
        let timeField = pattern.json[path: "attributes.timeFieldName"]?.stringValue
        var must: [JSONValue] = [], mustNot: [JSONValue] = []
        if let timeField {
            must.append(.object(["range": .object([timeField: .object([
                "gte": .string(range.from), "lte": .string(range.to), "format": .string("strict_date_optional_time")])])]))
        }
        for filter in panel.filters {
            guard let query = filter["query"] else { continue }
            if filter[path: "meta.negate"] == .bool(true) { mustNot.append(query) } else { must.append(query) }
        }
        var query: [String: JSONValue] = ["filter": .array(must)]
        if !mustNot.isEmpty { query["must_not"] = .array(mustNot) }
        var body: [String: JSONValue] = ["query": .object(["bool": .object(query)])]

        switch panel.kind {
        case .search:
            body["size"] = .int(50)
            body["sort"] = .array(panel.sortFields.map { .object([$0: .object(["order": .string("desc")])]) })
        case .controls:
            body["size"] = .int(0)
            var aggs: [String: JSONValue] = [:]
            for (index, control) in panel.controlFields.enumerated() {
                aggs["control_\(index)"] = .object(["terms": .object([
                    "field": .string(control.field), "size": .int(control.size), "order": .object(["_count": .string("desc")])])])
            }
            body["aggs"] = .object(aggs)
        case .visualization:
            body["size"] = .int(0)
            let metrics = panel.aggregations.filter { !$0.isBucket && $0.type != "count" }
            var metricAggs: [String: JSONValue] = [:]
            for metric in metrics { metricAggs[metric.id] = Self.metric(metric) }
            // Innermost first: each bucket aggregation wraps the ones after it.
            var inner = metricAggs
            let counts = Set(panel.aggregations.filter { $0.type == "count" }.map(\.id))
            for bucket in panel.aggregations.filter(\.isBucket).reversed() {
                var agg = Self.bucket(bucket, range: range, counts: counts)
                let children = inner.merging(metricAggs) { current, _ in current }
                if !children.isEmpty { agg = agg.setting("aggs", to: .object(children)) }
                inner = [bucket.id: agg]
            }
            if !inner.isEmpty { body["aggs"] = .object(inner) }
        }
        self.body = .object(body)
    }

    private static func metric(_ agg: Panel.Aggregation) -> JSONValue {
        .object([agg.type: .object(["field": .string(agg.field ?? "")])])
    }

    /// `counts`: the ids of the panel's count metrics; a terms order by one of them is `_count`, by any other
    /// metric (the worst lag of a host) that metric, as the applications send it.
    private static func bucket(_ agg: Panel.Aggregation, range: TimeRange, counts: Set<String>) -> JSONValue {
        let field = JSONValue.string(agg.field ?? "")
        switch agg.type {
        case "date_histogram":
            var params: [String: JSONValue] = ["field": field, "min_doc_count": .int(agg.params["min_doc_count"]?.intValue ?? 1)]
            let interval = agg.params["interval"]?.stringValue ?? "auto"
            switch interval {
            case "auto": params["fixed_interval"] = .string(range.autoInterval)
            case "ms", "s", "m", "h", "d": params["fixed_interval"] = .string("1" + interval)
            case "w", "M", "y": params["calendar_interval"] = .string("1" + interval)
            default: params["fixed_interval"] = .string(interval)
            }
            return .object(["date_histogram": .object(params)])
        default:
            let orderBy = agg.params["orderBy"]?.stringValue ?? "1"
            let direction = JSONValue.string(agg.params["order"]?.stringValue ?? "desc")
            let order: JSONValue = switch orderBy {
            case "_key": .object(["_key": direction])
            case _ where orderBy == "_count" || counts.contains(orderBy): .object(["_count": direction])
            default: .object([orderBy: direction])
            }
            return .object(["terms": .object(["field": field, "size": .int(agg.params["size"]?.intValue ?? 10),
                                              "order": order])])
        }
    }

    /// True when the answer would draw something: hits for a saved search, else at least one bucket in the
    /// outermost aggregation.
    public static func hasResults(_ response: JSONValue) -> Bool {
        if let aggregations = response["aggregations"]?.objectValue, !aggregations.isEmpty {
            return aggregations.values.allSatisfy { !($0["buckets"]?.arrayValue ?? []).isEmpty }
        }
        return !(response[path: "hits.hits"]?.arrayValue ?? []).isEmpty
    }
}
