import Config
import Foundation
import JSON

/// The fields the cluster knows, read from the component templates in `Mappings/`, so `rules lint` can refuse a
/// rule that names a field no input writes (a typo there makes a rule silently never fire).
public struct FieldCatalog: Sendable {
    /// Dotted field name → mapping type (`keyword`, `text`, `long`, `date_nanos`, …).
    public var types: [String: String]
    /// Object fields whose sub-fields are free (`journald.custom`): any name below them is accepted.
    public var openObjects: [String]

    public init(types: [String: String], openObjects: [String] = []) {
        self.types = types; self.openObjects = openObjects
    }

    public static func load(mappingsDirectory: String) throws -> FieldCatalog {
        let dir = mappingsDirectory + "/components"
        var catalog = FieldCatalog(types: [:])
        for file in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where file.hasSuffix(".json") {
            guard let properties = try Self.properties(of: dir + "/" + file) else { continue }
            catalog.collect(properties, prefix: "")
        }
        return catalog
    }

    /// A component template's `template.mappings.properties`; nil when it has none.
    private static func properties(of path: String) throws -> [String: JSONValue]? {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            return try JSONValue(parsing: Array(data))[path: "template.mappings.properties"]?.objectValue
        } catch {
            throw AlarmsError("\(path): \(error)")
        }
    }

    private mutating func collect(_ properties: [String: JSONValue], prefix: String) {
        for (name, field) in properties {
            guard field.objectValue != nil else { continue }
            let path = prefix + name
            if let sub = field["properties"]?.objectValue {
                if field["enabled"] == .bool(false) || field["type"] == .string("object") && sub.isEmpty { openObjects.append(path) }
                collect(sub, prefix: path + ".")
            } else if let type = field["type"]?.stringValue {
                types[path] = type
                if type == "flat_object" || type == "flattened" || type == "object" { openObjects.append(path) }
            } else {
                openObjects.append(path)
            }
        }
    }

    public enum Problem: Equatable { case unknown(suggestion: String?), notAggregatable(type: String) }

    /// Nil when `field` exists (and, with `aggregatable`, can be counted by value).
    public func problem(with field: String, aggregatable: Bool) -> Problem? {
        if openObjects.contains(where: { field.hasPrefix($0 + ".") }) { return nil }
        guard let type = types[field] else {
            let scored = types.keys.map { ($0, Suggestion.editDistance(field, $0)) }.min(by: { $0.1 < $1.1 })
            return .unknown(suggestion: scored.flatMap { $0.1 <= max(2, field.count / 3) ? $0.0 : nil })
        }
        if aggregatable, type == "text" { return .notAggregatable(type: type) }
        return nil
    }

    /// Also used by tests to create indices mapped exactly like `logbridge setup` maps them.
    public static func mergedMappings(mappingsDirectory: String, components: [String]) throws -> JSONValue {
        var merged: [String: JSONValue] = [:]
        for name in components {
            let properties = try Self.properties(of: "\(mappingsDirectory)/components/\(name).json") ?? [:]
            merged.merge(properties) { a, _ in a }
        }
        return ["properties": .object(merged)]
    }
}
