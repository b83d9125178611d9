/// The rules a `Mappings/` directory must keep, checked when it is loaded so a broken file stops setup
/// before anything is sent, not halfway through.
extension MappingSet {
    func validate() throws {
        for entry in components + indexTemplates {
            let version = try Self.templateVersion(of: entry)
            if entry.body[path: "_meta.version"]?.intValue != version {
                throw SetupError.invalidMappings(file: entry.file, reason: "_meta.version must equal version (\(version))")
            }
        }
        for entry in components where entry.body["template"]?.objectValue == nil {
            throw SetupError.invalidMappings(file: entry.file, reason: "a component template needs a \"template\" object")
        }
        for entry in indexTemplates {
            guard let patterns = entry.body["index_patterns"]?.arrayValue, !patterns.isEmpty else {
                throw SetupError.invalidMappings(file: entry.file, reason: "index_patterns is missing or empty")
            }
            guard entry.body["priority"]?.intValue != nil else {
                throw SetupError.invalidMappings(file: entry.file, reason: "priority is missing")
            }
            for name in composedOf(entry) where component(named: name) == nil {
                throw SetupError.invalidMappings(file: entry.file, reason: "composed_of names \(name), which components/ lacks")
            }
        }
        for entry in ilmPolicies where entry.body[path: "policy._meta.version"]?.intValue == nil {
            throw SetupError.invalidMappings(file: entry.file, reason: "policy._meta.version (integer) is missing")
        }
        for entry in ismPolicies where entry.body[path: "_meta.version"]?.intValue == nil || entry.body["policy"] == nil {
            throw SetupError.invalidMappings(file: entry.file, reason: "needs _meta.version (integer) and policy")
        }
    }

    static func templateVersion(of entry: Entry) throws -> Int {
        guard let version = entry.body["version"]?.intValue else {
            throw SetupError.invalidMappings(file: entry.file, reason: "version (integer) is missing")
        }
        return version
    }

    func composedOf(_ indexTemplate: Entry) -> [String] {
        (indexTemplate.body["composed_of"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}
