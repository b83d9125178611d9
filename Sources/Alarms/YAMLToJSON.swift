import JSON
import Yams

/// Query DSL clauses are copied from YAML into the request as JSON. Plain scalars keep YAML's reading
/// (numbers, booleans, null); quoted scalars stay strings, as a user quoting `"404"` means.
enum YAMLToJSON {
    static func value(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let s):
            guard s.style == .plain || s.style == .any else { return .string(s.string) }
            if ["null", "~", ""].contains(s.string) { return .null }
            if s.string == "true" { return true }
            if s.string == "false" { return false }
            if let i = Int(s.string) { return .int(i) }
            if let d = Double(s.string), s.string.contains(where: { $0 == "." || $0 == "e" }) { return .double(d) }
            return .string(s.string)
        case .sequence(let items): return .array(items.map(value))
        case .mapping(let mapping):
            var out: [String: JSONValue] = [:]
            for (k, v) in mapping { out[k.string ?? ""] = value(v) }
            return .object(out)
        }
    }

    static func text(_ node: Node) -> String { value(node).compactText }
}

extension JSONValue {
    /// A value as alarm text and keys show it: a string as itself, numbers and booleans as Swift prints them
    /// (`5`, `0.5`, `true`), anything else as compact JSON.
    var plainText: String {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return "\(d)"
        case .bool(let b): return b ? "true" : "false"
        case .null, .array, .object: return compactText
        }
    }

    /// A rule's filter clause (JSON text written by `YAMLToJSON`, so always readable) as a value.
    static func clause(_ text: String) -> JSONValue? { try? JSONValue(parsing: text) }
}
