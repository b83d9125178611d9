import JSON
/// One object setup wants on the cluster, already adapted to the target: where it lives and what to PUT.
public struct PlannedObject: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case ilmPolicy = "ILM policy"
        case ismPolicy = "ISM policy"
        case componentTemplate = "component template"
        case indexTemplate = "index template"
        case legacyTemplate = "legacy template"
    }

    public var kind: Kind
    public var name: String
    /// GET and PUT both go here (an ISM update adds its concurrency parameters).
    public var path: String
    public var body: JSONValue
    /// The version the cluster will report once this is installed; nil when the cluster cannot store one
    /// (ILM before Elasticsearch 7.14), which makes every run re-apply it.
    public var version: Int?

    var isDataStream: Bool { kind == .indexTemplate && body["data_stream"] != nil }
    var indexPatterns: JSONValue? { kind == .indexTemplate ? body["index_patterns"] : nil }

    /// e.g. `component template logbridge-ecs`.
    public var label: String { "\(kind.rawValue) \(name)" }
}
