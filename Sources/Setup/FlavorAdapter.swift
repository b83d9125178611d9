import JSON
/// Rewrites the flavour-neutral files for one target. The files hold what works everywhere (or Elasticsearch's
/// form, for the lifecycle setting); this is the single place that knows the differences.
struct FlavorAdapter {
    var target: SetupTarget

    static let lifecycleSetting = ["index", "lifecycle", "name"]

    func component(_ body: JSONValue) -> JSONValue {
        var body = body
        if var template = body["template"]?.objectValue {
            if let settings = template["settings"] { template["settings"] = adaptSettings(settings) }
            if let mappings = template["mappings"] {
                template["mappings"] = adaptMappings(mappings, boundedObjects: Self.boundedObjects(declaredIn: body))
            }
            body = body.setting("template", to: .object(template))
        }
        return body
    }

    func legacyTemplate(_ body: JSONValue, boundedObjects: [String]) -> JSONValue {
        var body = body
        if let settings = body["settings"] { body = body.setting("settings", to: adaptSettings(settings)) }
        if let mappings = body["mappings"] {
            body = body.setting("mappings", to: adaptMappings(mappings, boundedObjects: boundedObjects))
        }
        return body
    }

    func ilmPolicy(_ body: JSONValue) -> JSONValue {
        guard !target.ilmAcceptsMeta, let policy = body["policy"] else { return body }
        return body.setting("policy", to: policy.removing(path: ["_meta"]))
    }

    /// Fields the component lists in `_meta.bounded_objects`: maps of arbitrary keys that must not grow the mapping.
    static func boundedObjects(declaredIn component: JSONValue) -> [String] {
        (component[path: "_meta.bounded_objects"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    private func adaptSettings(_ settings: JSONValue) -> JSONValue {
        // OpenSearch attaches ISM through the policy's ism_template; it rejects the ILM setting as unknown.
        guard target.lifecycle == .ism else { return settings }
        return settings.removing(path: Self.lifecycleSetting)
            .removing(path: [Self.lifecycleSetting.joined(separator: ".")])
            .removing(path: ["index", "lifecycle.name"])
    }

    private func adaptMappings(_ mappings: JSONValue, boundedObjects: [String]) -> JSONValue {
        var mappings = mappings
        for field in boundedObjects {
            let path = field.split(separator: ".").flatMap { ["properties", String($0)] }
            guard mappings.value(at: path) != nil else { continue }
            mappings = mappings.replacing(path: path, with: boundedObjectMapping)
        }
        return mappings
    }

    private var boundedObjectMapping: JSONValue {
        switch target.boundedObjectMapping {
        case .flatObject: return .object(["type": .string("flat_object")])
        // A value longer than this is kept in _source but not indexed, instead of failing the document.
        case .flattened: return .object(["type": .string("flattened"), "ignore_above": .int(1024)])
        case .unindexedObject: return .object(["type": .string("object"), "dynamic": .bool(false)])
        }
    }
}
