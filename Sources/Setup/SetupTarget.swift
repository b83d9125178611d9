/// The engine and version setup installs into, and what that version can do. Everything flavour-specific
/// setup decides is decided here, from the version alone, so the plan can be tested without a cluster.
public struct SetupTarget: Sendable, Equatable, CustomStringConvertible {
    public enum Flavor: String, Sendable, Equatable { case elasticsearch, opensearch }

    public var flavor: Flavor
    public var major: Int
    public var minor: Int

    public init(flavor: Flavor, major: Int, minor: Int = 0) {
        self.flavor = flavor; self.major = major; self.minor = minor
    }

    /// Reads `8.15.0`, `2.17.1`, `7.6.2-SNAPSHOT`.
    public init(flavor: Flavor, version: String) {
        let numbers = version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
        self.init(flavor: flavor, major: numbers.first ?? 0, minor: numbers.count > 1 ? numbers[1] : 0)
    }

    public var description: String { "\(flavor.rawValue) \(major).\(minor)" }

    private func atLeast(_ major: Int, _ minor: Int) -> Bool {
        self.major > major || (self.major == major && self.minor >= minor)
    }

    /// Elasticsearch 6 needs mapping types; nothing that old is supported.
    public var isSupported: Bool { flavor == .opensearch || major >= 7 }

    /// `_component_template` + `_index_template` (Elasticsearch 7.8; every OpenSearch); else one legacy `_template`.
    public var hasComposableTemplates: Bool { flavor == .opensearch || atLeast(7, 8) }

    /// Composable templates with `"data_stream": {}` (Elasticsearch 7.9; every OpenSearch).
    public var hasDataStreams: Bool { flavor == .opensearch || atLeast(7, 9) }

    public enum Lifecycle: Sendable, Equatable {
        /// Elasticsearch ILM, attached by the `index.lifecycle.name` setting.
        case ilm
        /// OpenSearch ISM, attached by the policy's own `ism_template`.
        case ism
    }

    public var lifecycle: Lifecycle { flavor == .opensearch ? .ism : .ilm }

    /// ILM policies accept `_meta` from Elasticsearch 7.14; before that the version cannot be stored with them.
    public var ilmAcceptsMeta: Bool { flavor == .elasticsearch && atLeast(7, 14) }

    /// The field type for a bounded bag of arbitrary keys (`journald.custom`).
    public enum BoundedObjectMapping: Sendable, Equatable {
        /// OpenSearch 2.7+: one field, every leaf searchable as a keyword.
        case flatObject
        /// Elasticsearch 7.3+: the same idea under another name.
        case flattened
        /// Kept in `_source`, not indexed: nothing searchable, but nothing added to the mapping either.
        case unindexedObject
    }

    public var boundedObjectMapping: BoundedObjectMapping {
        switch flavor {
        case .opensearch: return atLeast(2, 7) ? .flatObject : .unindexedObject
        case .elasticsearch: return atLeast(7, 3) ? .flattened : .unindexedObject
        }
    }
}
