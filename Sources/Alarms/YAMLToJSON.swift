import Foundation
import Yams

/// Query DSL clauses are copied from YAML into the request as JSON. Plain scalars keep YAML's reading
/// (numbers, booleans, null); quoted scalars stay strings, as a user quoting `"404"` means.
enum YAMLToJSON {
    static func object(_ node: Node) -> Any {
        switch node {
        case .scalar(let s):
            guard s.style == .plain || s.style == .any else { return s.string }
            if ["null", "~", ""].contains(s.string) { return NSNull() }
            if s.string == "true" { return true }
            if s.string == "false" { return false }
            if let i = Int(s.string) { return i }
            if let d = Double(s.string), s.string.contains(where: { $0 == "." || $0 == "e" }) { return d }
            return s.string
        case .sequence(let items): return items.map(object)
        case .mapping(let mapping):
            var out: [String: Any] = [:]
            for (k, v) in mapping { out[k.string ?? ""] = object(v) }
            return out
        }
    }

    static func text(_ node: Node) -> String { JSONText.encode(object(node)) }
}

/// Compact, key-sorted JSON text of Foundation objects: requests stay byte-for-byte reproducible for `--explain`.
enum JSONText {
    static func encode(_ value: Any) -> String {
        guard JSONSerialization.isValidJSONObject([value]),
              let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ bytes: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }
}
