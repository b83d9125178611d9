import JSON
/// What a GET says about the object already on the cluster.
struct InstalledObject: Equatable {
    /// nil: present but carrying no version setup can read (installed by hand, or ILM before 7.14).
    var version: Int?
    /// ISM refuses an update without the policy's current sequence number and primary term.
    var seqNo: Int?
    var primaryTerm: Int?
    /// An index template's `data_stream` object: switching `output.mode` changes it without a version bump.
    var isDataStream = false
    /// An index template's patterns: a data-stream namespace changes them without a version bump.
    var indexPatterns: JSONValue?

    /// Reads a 2xx GET answer for `object`; nil when the answer does not contain it.
    init?(object: PlannedObject, response: JSONValue) {
        switch object.kind {
        case .componentTemplate:
            guard let found = Self.named(object.name, in: response["component_templates"], key: "component_template")
            else { return nil }
            version = found["version"]?.intValue
        case .indexTemplate:
            guard let found = Self.named(object.name, in: response["index_templates"], key: "index_template")
            else { return nil }
            version = found["version"]?.intValue
            isDataStream = found["data_stream"] != nil
            indexPatterns = found["index_patterns"]
        case .legacyTemplate:
            guard let found = response[object.name] else { return nil }
            version = found["version"]?.intValue
        case .ilmPolicy:
            guard let found = response[object.name] else { return nil }
            version = found[path: "policy._meta.version"]?.intValue
        case .ismPolicy:
            guard let policy = response["policy"] else { return nil }
            version = policy["description"]?.stringValue.flatMap(ISMVersionMark.version(inDescription:))
            seqNo = response["_seq_no"]?.intValue
            primaryTerm = response["_primary_term"]?.intValue
        }
    }

    private static func named(_ name: String, in list: JSONValue?, key: String) -> JSONValue? {
        list?.arrayValue?.first { $0["name"]?.stringValue == name }?[key]
    }
}
