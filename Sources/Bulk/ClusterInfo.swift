import JSON

/// The product and version behind a cluster, as `GET /` reports them.
public struct ClusterInfo: Sendable, Equatable {
    public enum Flavor: String, Sendable, Equatable { case elasticsearch, opensearch }

    public var flavor: Flavor
    /// e.g. `8.15.0` or `2.17.1`.
    public var version: String
    public var major: Int

    public init(flavor: Flavor, version: String) {
        self.flavor = flavor
        self.version = version
        self.major = Int(version.prefix { $0.isNumber }) ?? 0
    }

    struct ParseError: Error { var message: String }

    /// Reads the root document: OpenSearch says so in `version.distribution`; Elasticsearch has no such field.
    init(rootResponse body: [UInt8]) throws {
        guard let root = try? JSONValue(parsing: body), root.objectValue != nil else {
            throw ParseError(message: "GET / did not return a JSON object")
        }
        guard let number = root["version"]?["number"]?.stringValue else {
            throw ParseError(message: "GET / has no version.number")
        }
        let distribution = root["version"]?["distribution"]?.stringValue?.lowercased()
        self.init(flavor: distribution == "opensearch" ? .opensearch : .elasticsearch, version: number)
    }
}
