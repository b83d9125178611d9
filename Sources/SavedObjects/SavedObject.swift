import JSON
import Setup

/// One saved object (index pattern, visualization, search, dashboard) as a line of an `.ndjson` file.
public struct SavedObject: Sendable, Equatable {
    public var json: JSONValue
    /// Where it was read from, for messages: `Dashboards/farm-overview.ndjson:3`.
    public var file: String
    public var line: Int

    public init(json: JSONValue, file: String = "", line: Int = 0) {
        self.json = json; self.file = file; self.line = line
    }

    public var type: String { json["type"]?.stringValue ?? "" }
    public var id: String { json["id"]?.stringValue ?? "" }
    public var title: String { json[path: "attributes.title"]?.stringValue ?? "" }
    public var location: String { "\(file):\(line)" }

    public struct Reference: Sendable, Equatable {
        public var name: String
        public var type: String
        public var id: String
    }

    public var references: [Reference] {
        (json["references"]?.arrayValue ?? []).map { ref in
            Reference(name: ref["name"]?.stringValue ?? "", type: ref["type"]?.stringValue ?? "",
                      id: ref["id"]?.stringValue ?? "")
        }
    }

    public func reference(named name: String) -> Reference? { references.first { $0.name == name } }

    /// The attributes the engines store as JSON *text* inside the JSON object. The normal form keeps them as
    /// text (the import API wants that) but re-prints each with sorted keys, so equal content is equal bytes.
    public static let nestedJSONAttributes = [
        "visState", "panelsJSON", "optionsJSON", "uiStateJSON", "fields", "fieldFormatMap", "kibanaSavedObjectMeta.searchSourceJSON",
    ]

    /// A nested JSON attribute, parsed; nil when absent; throws when it is not JSON.
    public func nested(_ attribute: String) throws -> JSONValue? {
        guard let text = json[path: "attributes." + attribute]?.stringValue else { return nil }
        return try JSONValue(parsing: text)
    }

    /// Sorted keys everywhere, nested JSON text re-printed compact with sorted keys; engine bookkeeping that
    /// changes on every export (`updated_at`, `version`, `namespaces`) removed.
    public func normalised() throws -> SavedObject {
        guard var attributes = json["attributes"] else { return self }
        for name in Self.nestedJSONAttributes {
            let path = name.split(separator: ".").map(String.init)
            guard let text = attributes.value(at: path)?.stringValue else { continue }
            attributes = attributes.replacing(path: path, with: .string(try JSONValue(parsing: text).compactText))
        }
        var normal = json.setting("attributes", to: attributes)
        for volatile in ["updated_at", "version", "namespaces", "coreMigrationVersion", "originId"] {
            normal = normal.removing(path: [volatile])
        }
        return SavedObject(json: normal, file: file, line: line)
    }
}
