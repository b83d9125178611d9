import JSON
import Setup

/// What a visualization or saved search asks of the engine, read from its nested JSON: the index pattern, the
/// filters, the aggregations (or columns). Lint checks its fields; `PanelSearch` turns it into a request.
public struct Panel: Sendable {
    public struct Aggregation: Sendable {
        public var id: String
        public var type: String
        public var schema: String
        public var params: JSONValue
        public var field: String? { params["field"]?.stringValue }
        public var isBucket: Bool { schema != "metric" && schema != "radius" }
    }

    public enum Kind: Sendable, Equatable {
        case visualization(type: String)
        case search
        /// `input_control_vis`: options for each control come from a terms aggregation.
        case controls
    }

    public var object: SavedObject
    public var kind: Kind
    /// Reference id of the index pattern (for controls: of the first control).
    public var indexPatternID: String
    public var filters: [JSONValue]
    public var queryText: String
    public var aggregations: [Aggregation]
    public var columns: [String]
    public var sortFields: [String]
    /// For controls: field and number of options.
    public var controlFields: [(field: String, size: Int)]

    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// nil for objects that are not panels (index patterns, dashboards).
    public init?(_ object: SavedObject) throws {
        guard object.type == "visualization" || object.type == "search" else { return nil }
        self.object = object
        let source = try object.nested("kibanaSavedObjectMeta.searchSourceJSON") ?? .object([:])
        filters = (source["filter"]?.arrayValue ?? []).filter { $0[path: "meta.disabled"] != .bool(true) }
        queryText = source[path: "query.query"]?.stringValue ?? ""
        aggregations = []; columns = []; sortFields = []; controlFields = []
        indexPatternID = ""
        if let refName = source["indexRefName"]?.stringValue {
            guard let ref = object.reference(named: refName) else {
                throw Problem(description: "indexRefName \(refName) names no reference")
            }
            indexPatternID = ref.id
        }
        if object.type == "search" {
            kind = .search
            columns = (object.json[path: "attributes.columns"]?.arrayValue ?? []).compactMap(\.stringValue)
                .filter { $0 != "_source" }
            sortFields = (object.json[path: "attributes.sort"]?.arrayValue ?? []).compactMap { $0.arrayValue?.first?.stringValue }
            return
        }
        guard let state = try object.nested("visState") else { throw Problem(description: "visualization without visState") }
        let type = state["type"]?.stringValue ?? ""
        if type == "input_control_vis" {
            kind = .controls
            for control in state[path: "params.controls"]?.arrayValue ?? [] {
                guard let refName = control["indexPatternRefName"]?.stringValue,
                      let ref = object.reference(named: refName) else {
                    throw Problem(description: "a control's indexPatternRefName names no reference")
                }
                if indexPatternID.isEmpty { indexPatternID = ref.id }
                controlFields.append((control["fieldName"]?.stringValue ?? "", control[path: "options.size"]?.intValue ?? 5))
            }
            return
        }
        kind = .visualization(type: type)
        aggregations = (state["aggs"]?.arrayValue ?? []).filter { $0["enabled"] != .bool(false) }.map { agg in
            Aggregation(id: agg["id"]?.stringValue ?? "", type: agg["type"]?.stringValue ?? "",
                        schema: agg["schema"]?.stringValue ?? "", params: agg["params"] ?? .object([:]))
        }
    }

    /// Every field the panel touches and how, for lint.
    public var fieldUses: [(field: String, use: FieldUse, by: String)] {
        var uses: [(String, FieldUse, String)] = []
        for filter in filters {
            if let key = filter[path: "meta.key"]?.stringValue { uses.append((key, .show, "a filter")) }
        }
        for agg in aggregations {
            guard let field = agg.field else { continue }
            let use: FieldUse
            switch agg.type {
            case "date_histogram": use = .dateHistogram
            case "min", "max": use = .minMax
            case "avg", "sum", "median", "percentiles": use = .numeric
            default: use = .aggregate
            }
            uses.append((field, use, "a \(agg.type) aggregation"))
        }
        uses += columns.map { ($0, .show, "a column") }
        uses += sortFields.map { ($0, .aggregate, "the sort") }
        uses += controlFields.map { ($0.field, .aggregate, "a control") }
        return uses
    }
}
