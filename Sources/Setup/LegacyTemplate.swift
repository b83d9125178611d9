import JSON
/// One legacy `_template` (Elasticsearch before 7.8) standing in for an index template and its components.
struct LegacyTemplate {
    var body: JSONValue
    /// The sum of the versions of the index template and its components: each of them only ever goes up, so
    /// the sum goes up whenever any part changes, and an unchanged set keeps it.
    var version: Int
    var boundedObjects: [String]

    init(indexTemplate: MappingSet.Entry, in mappings: MappingSet) throws {
        var settings = JSONValue.object([:])
        var mappingsBody = JSONValue.object([:])
        var dynamicTemplates: [JSONValue] = []
        var version = try MappingSet.templateVersion(of: indexTemplate)
        var boundedObjects: [String] = []
        // Later components win, as composed_of order does on a composable cluster.
        for name in mappings.composedOf(indexTemplate) {
            guard let component = mappings.component(named: name) else { continue }
            version += try MappingSet.templateVersion(of: component)
            boundedObjects += FlavorAdapter.boundedObjects(declaredIn: component.body)
            if let componentSettings = component.body[path: "template.settings"] {
                settings = settings.deepMerged(with: componentSettings)
            }
            if let componentMappings = component.body[path: "template.mappings"] {
                dynamicTemplates += componentMappings["dynamic_templates"]?.arrayValue ?? []
                mappingsBody = mappingsBody.deepMerged(with: componentMappings.removing(path: ["dynamic_templates"]))
            }
        }
        if !dynamicTemplates.isEmpty { mappingsBody = mappingsBody.setting("dynamic_templates", to: .array(dynamicTemplates)) }
        var body: [String: JSONValue] = [
            "index_patterns": indexTemplate.body["index_patterns"] ?? .array([]),
            "order": indexTemplate.body["priority"] ?? .int(0),
            "version": .int(version),
            "mappings": mappingsBody,
        ]
        if settings.objectValue?.isEmpty == false { body["settings"] = settings }
        self.body = .object(body)
        self.version = version
        self.boundedObjects = boundedObjects
    }
}
