import JSON
import Setup

/// The fields an index pattern can see, with their types, as `Mappings/` defines them: every index template
/// whose patterns overlap the index pattern's title contributes its components' fields.
public struct FieldCatalog: Sendable {
    /// Field path → the types it has across the matching templates (more than one: a conflict).
    public private(set) var fieldsByPattern: [String: [String: Set<String>]] = [:]
    private let mappings: MappingSet

    public init(mappings: MappingSet) {
        self.mappings = mappings
    }

    public func fields(forPattern title: String) -> [String: Set<String>] {
        var fields: [String: Set<String>] = [:]
        for template in mappings.indexTemplates where Self.overlaps(title, template) {
            for (name, type) in leafFields(of: template) { fields[name, default: []].insert(type) }
        }
        return fields
    }

    /// `logs-*` overlaps `logs-system.journal-2*`; `logbridge-alarms-*` overlaps `logbridge-alarms-state`.
    static func overlaps(_ title: String, _ template: MappingSet.Entry) -> Bool {
        let wanted = title.split(separator: ",").map { $0.prefix { $0 != "*" } }
        let patterns = (template.body["index_patterns"]?.arrayValue ?? []).compactMap(\.stringValue)
        return patterns.contains { pattern in
            let prefix = pattern.prefix { $0 != "*" }
            return wanted.contains { prefix.hasPrefix($0) || $0.hasPrefix(prefix) }
        }
    }

    private func leafFields(of template: MappingSet.Entry) -> [(String, String)] {
        let components = (template.body["composed_of"]?.arrayValue ?? []).compactMap(\.stringValue)
        let bodies = components.compactMap { mappings.component(named: $0)?.body["template"] } + [template.body["template"]]
        return bodies.flatMap { Self.leaves($0?[path: "mappings.properties"], prefix: "") }
    }

    private static func leaves(_ properties: JSONValue?, prefix: String) -> [(String, String)] {
        guard let members = properties?.objectValue else { return [] }
        return members.flatMap { name, mapping -> [(String, String)] in
            let path = prefix + name
            if mapping["properties"] != nil { return leaves(mapping["properties"], prefix: path + ".") }
            guard let type = mapping["type"]?.stringValue, type != "object" else { return [] }
            var out = [(path, type)]
            for (sub, subMapping) in mapping["fields"]?.objectValue ?? [:] {
                if let subType = subMapping["type"]?.stringValue { out.append((path + "." + sub, subType)) }
            }
            return out
        }
    }
}

/// What a panel does with a field, and which mapping types allow it.
public enum FieldUse: String, Sendable {
    /// terms, cardinality, a control's options, sorting: needs doc values.
    case aggregate = "aggregated"
    case dateHistogram = "used in a date histogram"
    /// min/max: numbers and dates.
    case minMax = "used in min/max"
    /// avg/sum.
    case numeric = "summed or averaged"
    /// a filter or a column: any mapped field.
    case show = "shown or filtered"

    static let numbers: Set<String> = ["long", "integer", "short", "byte", "double", "float", "half_float",
                                       "scaled_float", "unsigned_long"]
    static let dates: Set<String> = ["date", "date_nanos"]
    static let aggregatable = numbers.union(dates).union(["keyword", "ip", "boolean", "constant_keyword"])

    public func allows(_ type: String) -> Bool {
        switch self {
        case .aggregate: return Self.aggregatable.contains(type)
        case .dateHistogram: return Self.dates.contains(type)
        case .minMax: return Self.numbers.contains(type) || Self.dates.contains(type)
        case .numeric: return Self.numbers.contains(type)
        case .show: return true
        }
    }
}
