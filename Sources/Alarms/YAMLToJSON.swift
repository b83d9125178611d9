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

    /// Parses JSON into Swift values: `[String: Any]`, `[Any]`, `String`, `Int` (integer literals that fit),
    /// `Double` (any other number), `Bool`, `NSNull`. Not `JSONSerialization`: it builds a second tree of
    /// Foundation objects, about 30 bytes of heap per byte of a search answer, which was the alarm cycle's
    /// largest allocation. nil for anything that is not exactly one JSON value.
    static func decode(_ bytes: [UInt8]) -> Any? {
        bytes.withUnsafeBufferPointer { buffer -> Any? in
            var parser = JSONParser(buffer)
            guard let value = parser.value(depth: 0) else { return nil }
            parser.skipWhitespace()
            return parser.atEnd ? value : nil
        }
    }
}

/// Recursive descent over the bytes of one JSON text (RFC 8259), for `JSONText.decode`.
private struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    /// Deeper nesting than any cluster answer has: refused rather than risking the stack.
    private static let maxDepth = 256

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { i == bytes.count }

    mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func value(depth: Int) -> Any? {
        skipWhitespace()
        guard i < bytes.count, depth < Self.maxDepth else { return nil }
        switch bytes[i] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string()
        case UInt8(ascii: "t"): return literal("true") ? true : nil
        case UInt8(ascii: "f"): return literal("false") ? false : nil
        case UInt8(ascii: "n"): return literal("null") ? NSNull() : nil
        default: return number()
        }
    }

    private mutating func object(depth: Int) -> Any? {
        i += 1
        var out: [String: Any] = [:]
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return out }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            guard let v = value(depth: depth + 1) else { return nil }
            out[key] = v
            skipWhitespace()
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return out }
            return nil
        }
    }

    private mutating func array(depth: Int) -> Any? {
        i += 1
        var out: [Any] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return out }
        while true {
            guard let v = value(depth: depth + 1) else { return nil }
            out.append(v)
            skipWhitespace()
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return out }
            return nil
        }
    }

    private mutating func string() -> String? {
        i += 1
        let start = i
        // Fast path: no escapes, the bytes are the string.
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 { i += 1 }
        guard i < bytes.count else { return nil }
        if bytes[i] == UInt8(ascii: "\"") {
            defer { i += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if b < 0x20 { return nil }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { return nil }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return nil }
                if (0xD800..<0xDC00).contains(scalar), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"),
                   bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8))
            default: return nil
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard i + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    private mutating func number() -> Any? {
        let start = i
        var integral = true
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        let digitsStart = i
        while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
        guard i > digitsStart else { return nil }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            integral = false
            i += 1
            let fraction = i
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            guard i > fraction else { return nil }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            integral = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            let exponent = i
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            guard i > exponent else { return nil }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        if integral, let n = Int(text) { return n }
        return Double(text)
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { w in (0..<n).allSatisfy { bytes[i + $0] == w[$0] } }
        if matches { i += n }
        return matches
    }
}
