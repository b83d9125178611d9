import Foundation
import JSON

/// The contents of a `Mappings/` directory, read and checked, still flavour-neutral.
///
/// Layout: `components/<name>.json` (component templates), `index-templates/<name>.json` (composable index
/// templates), `policies/ilm-<name>.json` (Elasticsearch) and `policies/ism-<name>.json` (OpenSearch). The
/// object's name on the cluster is its file name without `.json` (and without the `ilm-`/`ism-` prefix).
public struct MappingSet: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var body: JSONValue
        /// The file it was read from, for messages.
        public var file: String
    }

    public var components: [Entry]
    public var indexTemplates: [Entry]
    public var ilmPolicies: [Entry]
    public var ismPolicies: [Entry]

    public init(components: [Entry], indexTemplates: [Entry], ilmPolicies: [Entry], ismPolicies: [Entry]) {
        self.components = components; self.indexTemplates = indexTemplates
        self.ilmPolicies = ilmPolicies; self.ismPolicies = ismPolicies
    }

    /// Reads and validates every file; the first problem found is thrown as `SetupError.invalidMappings`.
    public static func load(from directory: String) throws -> MappingSet {
        let set = MappingSet(
            components: try readEntries(directory, "components"),
            indexTemplates: try readEntries(directory, "index-templates"),
            ilmPolicies: try readEntries(directory, "policies", prefix: "ilm-"),
            ismPolicies: try readEntries(directory, "policies", prefix: "ism-"))
        try set.validate()
        return set
    }

    public func component(named name: String) -> Entry? { components.first { $0.name == name } }

    private static func readEntries(_ directory: String, _ folder: String, prefix: String = "") throws -> [Entry] {
        let folderPath = (directory as NSString).appendingPathComponent(folder)
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folderPath)
        } catch {
            throw SetupError.invalidMappings(file: folderPath, reason: "cannot list the directory: \(error.localizedDescription)")
        }
        // Sorted, so the plan (and a dry run) comes out in the same order on every machine.
        return try names.filter { $0.hasSuffix(".json") && $0.hasPrefix(prefix) }.sorted().map { fileName in
            let path = (folderPath as NSString).appendingPathComponent(fileName)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SetupError.invalidMappings(file: path, reason: "cannot be read")
            }
            let body: JSONValue
            do {
                body = try JSONValue(parsing: Array(data))
            } catch {
                throw SetupError.invalidMappings(file: path, reason: "not JSON: \(error)")
            }
            guard body.objectValue != nil else {
                throw SetupError.invalidMappings(file: path, reason: "must hold one JSON object")
            }
            let name = String(fileName.dropFirst(prefix.count).dropLast(".json".count))
            return Entry(name: name, body: body, file: path)
        }
    }
}
