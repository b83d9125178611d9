import Yams

/// A YAML mapping whose keys have been checked against the keys that section accepts.
///
/// Checking happens up front, at construction, so a section cannot forget to reject a misspelt key:
/// a typo silently falling back to a default is the configuration bug that is hardest to notice.
struct ConfigMapping {
    let value: ConfigValue
    private var entries: [String: ConfigValue] = [:]

    /// - Parameters:
    ///   - keys: every key this section accepts.
    ///   - forbidden: keys that are refused with a specific explanation rather than "unknown key".
    init(_ value: ConfigValue, keys: [String], forbidden: [String: String] = [:]) throws(ConfigError) {
        self.value = value
        if value.isNull { return }
        guard case .mapping(let mapping) = value.node else {
            throw value.error("expected a mapping, got \(value.shapeDescription)")
        }
        var firstLine: [String: Int] = [:]
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                throw ConfigError(file: value.source.file, line: keyNode.mark?.line, keyPath: value.keyPath,
                                  message: "keys must be plain words, got \(value.child("?", keyNode).shapeDescription)")
            }
            let key = keyScalar.string
            let keyValue = value.child(key, keyNode)
            if let reason = forbidden[key] { throw keyValue.error(reason) }
            guard keys.contains(key) else {
                throw keyValue.error("unknown key" + Suggestion.hint(for: key, among: keys, listName: "valid keys here are"))
            }
            if let first = firstLine[key] {
                throw keyValue.error("duplicate key (first set on line \(first))")
            }
            firstLine[key] = keyNode.mark?.line ?? 0
            entries[key] = value.child(key, valueNode)
        }
    }

    /// The value under `key`, or nil when the key is absent or set to nothing.
    subscript(key: String) -> ConfigValue? {
        guard let entry = entries[key], !entry.isNull else { return nil }
        return entry
    }

    /// A key the section cannot do without; reported at the line of the enclosing mapping since the key itself is not there.
    func required(_ key: String) throws(ConfigError) -> ConfigValue {
        guard let entry = self[key] else { throw value.child(key, value.node).error("missing required key") }
        return entry
    }

    /// The nested section under `key`, empty (all defaults) when it is absent.
    func section(_ key: String, keys: [String], forbidden: [String: String] = [:]) throws(ConfigError) -> ConfigMapping {
        // Not `Tag.implicit`: that builds Yams' default resolver, whose regular expressions load ICU (~3 MB of
        // pages in the shipper) for a placeholder node.
        let placeholder = Node.Scalar("~", Tag(.implicit, .basic, .default), .plain, value.node.mark)
        let child = entries[key] ?? value.child(key, .scalar(placeholder))
        return try ConfigMapping(child, keys: keys, forbidden: forbidden)
    }
}
