import Config
import Foundation
import JSON

/// `logbridge rules lint`: the checks that need more than the rule file itself, i.e. that every field a rule
/// names is one the inputs write.
public enum RuleLint {
    public static func check(_ rule: Rule, catalog: FieldCatalog) -> [ConfigError] {
        var errors: [ConfigError] = []
        func need(_ field: String, key: String, aggregatable: Bool) {
            switch catalog.problem(with: field, aggregatable: aggregatable) {
            case nil: break
            case .unknown(let suggestion)?:
                errors.append(ConfigError(file: rule.file, line: nil, keyPath: key,
                                          message: "field \"\(field)\" is not in Mappings/" + (suggestion.map { "; did you mean \"\($0)\"?" } ?? "")))
            case .notAggregatable(let type)?:
                errors.append(ConfigError(file: rule.file, line: nil, keyPath: key,
                                          message: "field \"\(field)\" is \(type): it cannot be counted by value; use a keyword field"))
            }
        }
        need(rule.timestampField, key: "timestamp_field", aggregatable: false)
        for f in rule.queryKey { need(f, key: "query_key", aggregatable: true) }
        for f in rule.include { need(f, key: "include", aggregatable: false) }
        switch rule.kind {
        case .blacklist(let k, _), .whitelist(let k, _, _), .change(let k, _): need(k, key: "compare_key", aggregatable: true)
        case .newTerm(let fields, _): for f in fields { need(f, key: "fields", aggregatable: true) }
        case .cardinality(let f, _, _): need(f, key: "cardinality_field", aggregatable: true)
        case .metricAggregation(let f, _, _, _): need(f, key: "metric_agg_key", aggregatable: true)
        // The pattern types count the pattern id the shipper writes (and read the catalogue's fields by name).
        case .newPattern, .patternRate: need(PatternRules.idField, key: "type", aggregatable: true)
        default: break
        }
        for clause in rule.filters {
            for field in fieldsNamed(in: clause) { need(field, key: "filter", aggregatable: false) }
        }
        return errors
    }

    /// Field names in a clause: keys under term/terms/range/match/prefix/wildcard/regexp/exists, and `field:` terms
    /// of a query_string (best effort: quoted phrases and escaped colons are skipped).
    static func fieldsNamed(in clauseJSON: String) -> [String] {
        guard let clause = JSONValue.clause(clauseJSON) else { return [] }
        var out: [String] = []
        func walk(_ value: JSONValue) {
            guard let object = value.objectValue else {
                value.arrayValue?.forEach(walk); return
            }
            for (name, body) in object {
                switch name {
                case "term", "terms", "range", "match", "match_phrase", "prefix", "wildcard", "regexp":
                    body.objectValue?.keys.filter { $0 != "boost" }.forEach { out.append($0) }
                case "exists":
                    if let f = body["field"]?.stringValue { out.append(f) }
                case "query_string":
                    if let q = body["query"]?.stringValue { out += queryStringFields(q) }
                    if let f = body["default_field"]?.stringValue { out.append(f) }
                default: walk(body)
                }
            }
        }
        walk(clause)
        return out
    }

    static func queryStringFields(_ query: String) -> [String] {
        var out: [String] = [], current = "", inQuotes = false, previous: Character = " "
        for c in query {
            if c == "\"" && previous != "\\" { inQuotes.toggle(); current = "" }
            else if inQuotes {}
            else if c == ":" && previous != "\\" {
                let name = current.trimmingCharacters(in: CharacterSet(charactersIn: "()+-!"))
                if !name.isEmpty && !name.contains("*") && name != "_exists_" { out.append(name) }
                current = ""
            } else if c.isWhitespace || c == "(" { current = "" }
            else { current.append(c) }
            previous = c
        }
        return out
    }
}
