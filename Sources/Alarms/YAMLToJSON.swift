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
///
/// Written by hand rather than with `JSONSerialization`: a cycle encodes thousands of small objects (probes,
/// state and history documents), and `JSONSerialization` with sorted keys spent most of a cycle's CPU in
/// dynamic casts, `isValidJSONObject` and ICU collation (which also touched several MB of ICU data).
/// Keys are sorted by Unicode scalar order, which is deterministic and needs no locale.
enum JSONText {
    static func encode(_ value: Any) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func append(_ value: Any, to out: inout [UInt8]) {
        if let s = value as? String { appendString(s, to: &out); return }
        if let s = value as? Substring { appendString(String(s), to: &out); return }
        // Exact Swift types first: a Swift Int also casts to NSNumber, and an NSNumber 1 also casts to Bool.
        let type = Swift.type(of: value)
        if type == Bool.self { out += (value as! Bool) ? "true".utf8 : "false".utf8; return }
        if type == Int.self { out.append(contentsOf: String(value as! Int).utf8); return }
        if type == Double.self { appendDouble(value as! Double, to: &out); return }
        if let d = value as? [String: Any] {
            out.append(UInt8(ascii: "{"))
            var first = true
            for (k, v) in d.sorted(by: { $0.key < $1.key }) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendString(k, to: &out)
                out.append(UInt8(ascii: ":"))
                append(v, to: &out)
            }
            out.append(UInt8(ascii: "}"))
            return
        }
        if let a = value as? [Any] {
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                append(v, to: &out)
            }
            out.append(UInt8(ascii: "]"))
            return
        }
        // Numbers and booleans decoded by JSONSerialization (a boolean is an NSNumber of type "c").
        if let n = value as? NSNumber {
            switch String(cString: n.objCType) {
            case "c", "B": out += n.boolValue ? "true".utf8 : "false".utf8
            case "d", "f": appendDouble(n.doubleValue, to: &out)
            default: out.append(contentsOf: String(n.int64Value).utf8)
            }
            return
        }
        out.append(contentsOf: "null".utf8)
    }

    private static func appendDouble(_ d: Double, to out: inout [UInt8]) {
        guard d.isFinite else { out.append(contentsOf: "null".utf8); return }
        if d == d.rounded(), abs(d) < 9e15 { out.append(contentsOf: String(Int64(d)).utf8) } else { out += Array("\(d)".utf8) }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func decode(_ bytes: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }
}
