import Config
import Yams

/// A rule file's YAML node: Config's file/line-aware value (`ConfigValue`), so rule errors read exactly like
/// configuration errors (`rules/burst.yaml:6: timefram: unknown option; did you mean "timeframe"?`).
///
/// What rule files need beyond the configuration reader is here: ElastAlert's durations (`{minutes: 5}`),
/// plain numbers, and option mappings. Those differ from `ConfigMapping` on purpose: entries stay in file
/// order (a filter clause is the one entry of its mapping), some keys are refused with a reason ("applies to
/// type frequency"), a filter clause's mapping accepts any key, and the word is "option", as ElastAlert's
/// documentation calls them.
typealias RuleNode = ConfigValue

extension ConfigValue {
    /// The document of one rule file.
    init(document node: Node, file: String) {
        self.init(node: node, keyPath: "", source: ConfigSource(file: file, environment: [:]))
    }

    func number() throws(ConfigError) -> Double {
        let text = try scalarText(expected: "a number")
        guard let value = Double(text), value.isFinite else { throw error("expected a number, got \"\(text)\"") }
        return value
    }

    func int(min: Int) throws(ConfigError) -> Int {
        let value = try int()
        guard value >= min else { throw error("must be at least \(min), got \(value)") }
        return value
    }

    /// A list of strings; a lone string stands for a one-element list, as ElastAlert accepts for `index` and `query_key`.
    func ruleStringList() throws(ConfigError) -> [String] {
        if isNull { throw error("expected a string or a list, got nothing") }
        return try stringList(allowingSingle: true)
    }

    /// The entries of a mapping, in file order, after checking every key against `keys` (empty: any key).
    func options(keys: [String], explained: [String: String] = [:]) throws(ConfigError) -> [(String, RuleNode)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping, got \(shapeDescription)") }
        var seen: [String: Int] = [:]
        var out: [(String, RuleNode)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else { throw error("keys must be plain words") }
            let key = keyScalar.string
            let keyed = child(key, keyNode)
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
            for (unit, value) in try options(keys: Array(elastAlertUnits.keys).sorted()) {
                let amount = try value.number()
                guard amount >= 0 else { throw value.error("must not be negative") }
                total += amount * elastAlertUnits[unit]!
            }
            return total
        }
        let text = try nonEmptyString()
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

/// `; did you mean "timeframe"?`, or the accepted keys when nothing is close and they are few (a rule has
/// forty-odd options: listing them all would bury the message).
func hint(for word: String, among candidates: [String]) -> String {
    if let best = Suggestion.closest(to: word, among: candidates) { return "; did you mean \"\(best)\"?" }
    return candidates.count <= 12 ? "; valid here: " + candidates.joined(separator: ", ") : ""
}
