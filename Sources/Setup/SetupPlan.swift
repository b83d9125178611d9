/// What to PUT where for one target: pure, so every flavour's plan is testable without a cluster.
///
/// Order matters: lifecycle policies first (templates name them), then component templates, then the index
/// templates composed of them.
public enum SetupPlan {
    public static let ismPoliciesPath = "/_plugins/_ism/policies/"
    public static let ilmPoliciesPath = "/_ilm/policy/"

    public static func objects(for mappings: MappingSet, target: SetupTarget,
                               layout: IndexLayout = .dailyIndices) throws -> [PlannedObject] {
        guard target.isSupported else {
            throw SetupError.unsupportedCluster("\(target): Elasticsearch before 7.0 needs mapping types")
        }
        if layout.isDataStreams && !target.hasDataStreams {
            throw SetupError.unsupportedCluster("\(target): output.mode data_stream needs Elasticsearch 7.9 or OpenSearch")
        }
        let adapter = FlavorAdapter(target: target)
        var plan = policies(mappings, target: target, adapter: adapter)
        if target.hasComposableTemplates {
            plan += try mappings.components.map { entry in
                PlannedObject(kind: .componentTemplate, name: entry.name, path: "/_component_template/\(entry.name)",
                              body: adapter.component(entry.body), version: try MappingSet.templateVersion(of: entry))
            }
            plan += try mappings.indexTemplates.map { entry in
                PlannedObject(kind: .indexTemplate, name: entry.name, path: "/_index_template/\(entry.name)",
                              body: layout.indexTemplate(named: entry.name, body: entry.body, target: target),
                              version: try MappingSet.templateVersion(of: entry))
            }
        } else {
            plan += try mappings.indexTemplates.map { entry in
                let legacy = try LegacyTemplate(indexTemplate: entry, in: mappings)
                return PlannedObject(kind: .legacyTemplate, name: entry.name, path: "/_template/\(entry.name)",
                                     body: adapter.legacyTemplate(legacy.body, boundedObjects: legacy.boundedObjects),
                                     version: legacy.version)
            }
        }
        return plan
    }

    private static func policies(_ mappings: MappingSet, target: SetupTarget, adapter: FlavorAdapter) -> [PlannedObject] {
        switch target.lifecycle {
        case .ilm:
            return mappings.ilmPolicies.map { entry in
                let body = adapter.ilmPolicy(entry.body)
                return PlannedObject(kind: .ilmPolicy, name: entry.name, path: ilmPoliciesPath + entry.name, body: body,
                                     version: body[path: "policy._meta.version"]?.intValue)
            }
        case .ism:
            return mappings.ismPolicies.map { entry in
                let version = entry.body[path: "_meta.version"]?.intValue ?? 0
                return PlannedObject(kind: .ismPolicy, name: entry.name, path: ismPoliciesPath + entry.name,
                                     body: ISMVersionMark.policy(entry.body, version: version), version: version)
            }
        }
    }
}
