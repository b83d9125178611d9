import Yams

/// One YAML node together with its key path, so that whatever goes wrong with it can say where.
/// `package`: alarm rule files (module Alarms) are read with the same values and the same messages.
package struct ConfigValue {
    package let node: Node
    package let keyPath: String
    package let source: ConfigSource

    package init(node: Node, keyPath: String, source: ConfigSource) {
        self.node = node; self.keyPath = keyPath; self.source = source
    }

    package var line: Int? { node.mark?.line }

    package func error(_ message: String) -> ConfigError {
        ConfigError(file: source.file, line: line, keyPath: keyPath, message: message)
    }

    /// `key:` with nothing after it. Treated as "not set", so a section whose entries are all commented out
    /// (`tls:` followed only by comments) means the defaults rather than an error.
    package var isNull: Bool {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// How a node is described in "expected …, got …" messages; a scalar is quoted as written.
    package var shapeDescription: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s): return isNull ? "nothing" : "\"\(s.string)\""
        }
    }

    package func child(_ key: String, _ node: Node) -> ConfigValue {
        ConfigValue(node: node, keyPath: keyPath.isEmpty ? key : keyPath + "." + key, source: source)
    }

    // MARK: Typed reads

    package func scalarText(expected: String) throws(ConfigError) -> String {
        guard case .scalar(let s) = node, !isNull else { throw error("expected \(expected), got \(shapeDescription)") }
        return s.string
    }

    package func string() throws(ConfigError) -> String {
        try scalarText(expected: "a string")
    }

    /// A string that must say something: empty or blank values are almost always a mistake.
    package func nonEmptyString() throws(ConfigError) -> String {
        let text = try string()
        guard !text.trimmingWhitespace().isEmpty else { throw error("must not be empty") }
        return text
    }

    package func int() throws(ConfigError) -> Int {
        let text = try scalarText(expected: "a whole number")
        guard let value = Int(text) else { throw error("expected a whole number, got \"\(text)\"") }
        return value
    }

    package func int(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let value = try int()
        guard range.contains(value) else { throw error("must be between \(range.lowerBound) and \(range.upperBound), got \(value)") }
        return value
    }

    package func bool() throws(ConfigError) -> Bool {
        let text = try scalarText(expected: "true or false")
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw error("expected true or false, got \"\(text)\"")
        }
    }

    func byteSize() throws(ConfigError) -> Int {
        let text = try scalarText(expected: "a size like 5MiB")
        guard let bytes = parseByteSize(text) else { throw error("expected a size like 5MiB, got \"\(text)\"") }
        return bytes
    }

    package func seconds() throws(ConfigError) -> Double {
        let text = try scalarText(expected: "a duration like 1s or 250ms")
        guard let seconds = parseDurationSeconds(text) else {
            throw error("expected a duration like 1s or 250ms, got \"\(text)\"")
        }
        return seconds
    }

    /// A duration that must be strictly positive (timeouts, intervals: zero would spin or never wait).
    package func positiveSeconds() throws(ConfigError) -> Double {
        let value = try seconds()
        guard value > 0 else { throw error("must be longer than 0s") }
        return value
    }

    /// One of a fixed set of words, e.g. `head | tail`.
    func choice<T: RawRepresentable & CaseIterable>(_: T.Type) throws(ConfigError) -> T where T.RawValue == String {
        let names = T.allCases.map(\.rawValue)
        let text = try scalarText(expected: "one of " + names.joined(separator: ", "))
        guard let value = T(rawValue: text) else {
            throw error("unknown value \"\(text)\"" + Suggestion.hint(for: text, among: names, listName: "expected one of"))
        }
        return value
    }

    package func list() throws(ConfigError) -> [ConfigValue] {
        guard case .sequence(let items) = node else { throw error("expected a list, got \(shapeDescription)") }
        return items.enumerated().map { ConfigValue(node: $1, keyPath: "\(keyPath)[\($0)]", source: source) }
    }

    /// A list of strings; with `allowingSingle`, a lone string stands for a one-element list (`hosts: https://es:9200`).
    package func stringList(allowingSingle: Bool = false) throws(ConfigError) -> [String] {
        if allowingSingle, case .scalar = node, !isNull { return [try nonEmptyString()] }
        var out: [String] = []
        for item in try list() { out.append(try item.nonEmptyString()) }
        return out
    }

    func mapping(keys: [String], forbidden: [String: String] = [:]) throws(ConfigError) -> ConfigMapping {
        try ConfigMapping(self, keys: keys, forbidden: forbidden)
    }
}
