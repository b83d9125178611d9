import JSON
import Setup

/// Lint rules on what a visualization holds, beyond its fields: content its stamped migration version would not
/// have (the application migrates only objects stamped older, so a pre-7.7 shape stamped 7.10.0 is never fixed),
/// parameters only one of the two applications reads, and requests the applications silently coarsen or the
/// engine refuses.
struct PanelContentRules {
    /// `histogram:maxBars` in OpenSearch Dashboards and Kibana alike: a date histogram that would draw more
    /// buckets over the dashboard's time range is re-scaled to a coarser interval without a word.
    static let maxBars = 100
    /// `search.max_buckets` (OpenSearch 65,535; Elasticsearch 8: 65,536): a request nesting more buckets fails.
    static let maxBuckets = 65_535
    /// Since 7.7.0 a split chart's direction is `params.row`; before, it was on the split terms aggregation.
    static let rowMovedIn = "7.7.0"
    /// The series type both applications expect in `params.type` of a vislib XY chart (a horizontal bar is a
    /// rotated histogram; Kibana's 7.12 migration to the XY plugin skips any other value).
    static let seriesType = ["histogram": "histogram", "horizontal_bar": "histogram", "line": "line", "area": "area"]
    /// Each application reads only its own name; both default to true, so the portable choice is to leave it out.
    static let productOnlyParameters = [
        "useNormalizedEsInterval": "Kibana's name; OpenSearch Dashboards reads useNormalizedOpenSearchInterval",
        "useNormalizedOpenSearchInterval": "OpenSearch Dashboards' name; Kibana reads useNormalizedEsInterval",
    ]

    /// `rangeSeconds`: the longest time range a dashboard showing the panel opens on, when one is known.
    static func problems(visState: JSONValue, migration: String?, aggregations: [Panel.Aggregation],
                         rangeSeconds: Double?) -> [String] {
        var problems: [String] = []
        let type = visState["type"]?.stringValue ?? ""
        if let expected = seriesType[type], let actual = visState[path: "params.type"]?.stringValue, actual != expected {
            problems.append("params.type is \(actual), but a \(type) chart's series type is \(expected) in both applications")
        }
        if let migration, !DashboardLinter.isNewer(rowMovedIn, than: migration),
           aggregations.contains(where: { $0.schema == "split" && $0.params["row"] != nil }) {
            problems.append("row sits on the split aggregation, the place before \(rowMovedIn); stamped \(migration), "
                            + "the migration that moves it to params.row never runs")
        }
        var buckets = 1.0
        for agg in aggregations where agg.isBucket {
            for (name, why) in productOnlyParameters.sorted(by: { $0.key < $1.key }) where agg.params[name] != nil {
                problems.append("aggregation \(agg.id): \(name) is \(why); leave it out (both default to true)")
            }
            switch agg.type {
            case "date_histogram":
                let interval = agg.params["interval"]?.stringValue ?? "auto"
                var bars = Double(maxBars)
                if let seconds = intervalSeconds(interval), let rangeSeconds {
                    let wanted = rangeSeconds / seconds
                    if wanted > Double(maxBars) {
                        problems.append("aggregation \(agg.id): interval \(interval) over the dashboard's time range asks for "
                                        + "\(Int(wanted)) buckets; both applications draw at most \(maxBars) "
                                        + "(histogram:maxBars) and silently coarsen it: use auto")
                    }
                    bars = min(bars, wanted.rounded(.up))
                }
                buckets *= bars
            case "terms": buckets *= Double(agg.params["size"]?.intValue ?? 10)
            case "filters": buckets *= Double(max(1, agg.params["filters"]?.arrayValue?.count ?? 1))
            default: break
            }
        }
        if buckets > Double(maxBuckets) {
            problems.append("its aggregations nest up to \(Int(buckets)) buckets (date histogram up to \(maxBars) × the terms "
                            + "sizes); the engine refuses more than \(maxBuckets) (search.max_buckets)")
        }
        return problems
    }

    /// `m`, `30m`, `2h`, `1d`; nil for `auto`. Calendar units count as their longest fixed length.
    static func intervalSeconds(_ text: String) -> Double? {
        let millis = text.hasSuffix("ms")
        guard let unit = text.last, let seconds = millis ? 0.001 : unitSeconds[unit] else { return nil }
        let digits = millis ? text.dropLast(2) : text.dropLast()
        if digits.isEmpty { return seconds }
        return Double(digits).map { $0 * seconds }
    }

    /// `now-24h` … `now` → 86,400; nil for absolute times or anything else.
    static func rangeSeconds(from: String, to: String) -> Double? {
        func ago(_ text: String) -> Double? {
            let text = text.split(separator: "/").first.map(String.init) ?? text  // `now-1d/d`: rounding ignored
            if text == "now" { return 0 }
            guard text.hasPrefix("now-") else { return nil }
            return intervalSeconds(String(text.dropFirst(4)))
        }
        guard let start = ago(from), let end = ago(to), start > end else { return nil }
        return start - end
    }

    private static let unitSeconds: [Character: Double] = [
        "s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800, "M": 31 * 86_400, "y": 366 * 86_400,
    ]
}
