import Config
import Yams

/// One YAML node of a rule file with its key path, so every problem names file, line and key.
struct RuleNode {
    let node: Node
    let keyPath: String
    let file: String

    var line: Int? { node.mark?.line }

    func error(_ message: String) -> ConfigError {
        ConfigError(file: file, line: line, keyPath: keyPath, message: message)
    }

    var isNull: Bool {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    var shapeDescription: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s): return isNull ? "nothing" : "\"\(s.string)\""
        }
    }

    func child(_ key: String, _ node: Node) -> RuleNode {
        RuleNode(node: node, keyPath: keyPath.isEmpty ? key : keyPath + "." + key, file: file)
    }

    func string() throws(ConfigError) -> String {
        guard case .scalar(let s) = node, !isNull else { throw error("expected a string, got \(shapeDescription)") }
        guard !s.string.allSatisfy(\.isWhitespace) else { throw error("must not be empty") }
        return s.string
    }

    func number() throws(ConfigError) -> Double {
        let text = try string()
        guard let value = Double(text), value.isFinite else { throw error("expected a number, got \"\(text)\"") }
        return value
    }

    func int(min: Int = 0) throws(ConfigError) -> Int {
        let text = try string()
        guard let value = Int(text) else { throw error("expected a whole number, got \"\(text)\"") }
        guard value >= min else { throw error("must be at least \(min), got \(value)") }
        return value
    }

    func bool() throws(ConfigError) -> Bool {
        switch try string().lowercased() {
        case "true": return true
        case "false": return false
        default: throw error("expected true or false, got \(shapeDescription)")
        }
    }

    func list() throws(ConfigError) -> [RuleNode] {
        guard case .sequence(let items) = node else { throw error("expected a list, got \(shapeDescription)") }
        return items.enumerated().map { RuleNode(node: $1, keyPath: "\(keyPath)[\($0)]", file: file) }
    }

    /// A list of strings; a lone string stands for a one-element list, as ElastAlert accepts for `index` and `query_key`.
    func stringList() throws(ConfigError) -> [String] {
        if case .scalar = node { return [try string()] }
        var out: [String] = []
        for item in try list() { out.append(try item.string()) }
        return out
    }

    /// The entries of a mapping, in file order, after checking every key against `keys`.
    func mapping(keys: [String], explained: [String: String] = [:]) throws(ConfigError) -> [(String, RuleNode)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping, got \(shapeDescription)") }
        var seen: [String: Int] = [:]
        var out: [(String, RuleNode)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else { throw error("keys must be plain words") }
            let key = keyScalar.string
            let keyed = RuleNode(node: keyNode, keyPath: keyPath.isEmpty ? key : keyPath + "." + key, file: file)
            if let reason = explained[key] { throw keyed.error(reason) }
            guard keys.isEmpty || keys.contains(key) else {
                throw keyed.error("unknown option" + hint(for: key, among: keys))
            }
            if let first = seen[key] { throw keyed.error("duplicate key (first set on line \(first))") }
            seen[key] = keyNode.mark?.line ?? 0
            out.append((key, child(key, valueNode)))
        }
        return out
    }

    /// A duration as ElastAlert writes it (`{minutes: 5}`, several units add up) or as LogBridge does (`5m`, `1h30m`, `2d`).
    func duration() throws(ConfigError) -> Double {
        if case .mapping = node {
            var total = 0.0
            for (unit, value) in try mapping(keys: Array(elastAlertUnits.keys).sorted()) {
                let amount = try value.number()
                guard amount >= 0 else { throw value.error("must not be negative") }
                total += amount * elastAlertUnits[unit]!
            }
            return total
        }
        let text = try string()
        if let days = text.hasSuffix("d") ? Double(text.dropLast()) : nil, days >= 0 { return days * 86_400 }
        if let weeks = text.hasSuffix("w") ? Double(text.dropLast()) : nil, weeks >= 0 { return weeks * 604_800 }
        guard let seconds = parseDurationSeconds(text) else {
            throw error("expected a duration like 5m, 1h, 2d or {minutes: 5}, got \"\(text)\"")
        }
        return seconds
    }

    func positiveDuration() throws(ConfigError) -> Double {
        let value = try duration()
        guard value > 0 else { throw error("must be longer than 0s") }
        return value
    }
}

private let elastAlertUnits: [String: Double] = [
    "weeks": 604_800, "days": 86_400, "hours": 3600, "minutes": 60, "seconds": 1, "milliseconds": 0.001,
]

/// `; did you mean "timeframe"?` or the accepted keys when nothing is close.
func hint(for word: String, among candidates: [String]) -> String {
    if let best = Suggestion.closest(to: word, among: candidates) { return "; did you mean \"\(best)\"?" }
    return candidates.count <= 12 ? "; valid here: " + candidates.joined(separator: ", ") : ""
}
