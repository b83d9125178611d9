/// Writing a `JSONValue` as text: compact (request bodies, documents, NDJSON lines) or indented (the form every
/// file in `Mappings/` is kept in: 2-space indent, `"key": value`, the same as `python3 -m json.tool --sort-keys`).
///
/// Written by hand rather than with `JSONSerialization`: an alarm cycle encodes thousands of small objects
/// (probes, state and history documents), and `JSONSerialization` with sorted keys spent most of a cycle's CPU
/// in dynamic casts, `isValidJSONObject` and ICU collation (which also touched several MB of ICU data). Keys
/// are sorted by Swift's `String` order (Unicode scalar order for the ASCII keys we write), which is
/// deterministic and needs no locale: requests stay byte-for-byte reproducible for `--explain`, and equal
/// objects give equal bytes. Sorting can be switched off where nobody compares the bytes.
extension JSONValue {
    /// One line, keys sorted.
    public var compactText: String { String(decoding: compactBytes, as: UTF8.self) }

    /// One line, keys sorted.
    public var compactBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        append(to: &out)
        return out
    }

    /// Indented, keys sorted, ending in a newline: the form of every file in `Mappings/`.
    public var prettyText: String {
        var out: [UInt8] = []
        write(to: &out, sortedKeys: true, indent: 0)
        out.append(0x0A)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the compact text to `out` (a bulk body, a request being built).
    public func append(to out: inout [UInt8], sortedKeys: Bool = true) {
        write(to: &out, sortedKeys: sortedKeys, indent: nil)
    }

    /// `indent` nil: compact; a number: the depth of indented text.
    private func write(to out: inout [UInt8], sortedKeys: Bool, indent: Int?) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: value ? "true".utf8 : "false".utf8)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .double(let value): Self.appendDouble(value, to: &out)
        case .string(let value): Self.appendString(value, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.newline(indent.map { $0 + 1 }, to: &out)
                item.write(to: &out, sortedKeys: sortedKeys, indent: indent.map { $0 + 1 })
            }
            if !items.isEmpty { Self.newline(indent, to: &out) }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            var first = true
            func member(_ key: String, _ value: JSONValue) {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                Self.newline(indent.map { $0 + 1 }, to: &out)
                Self.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                if indent != nil { out.append(UInt8(ascii: " ")) }
                value.write(to: &out, sortedKeys: sortedKeys, indent: indent.map { $0 + 1 })
            }
            if sortedKeys {
                for (key, value) in members.sorted(by: { $0.key < $1.key }) { member(key, value) }
            } else {
                for (key, value) in members { member(key, value) }
            }
            if !members.isEmpty { Self.newline(indent, to: &out) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ indent: Int?, to out: inout [UInt8]) {
        guard let indent else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    /// Whole numbers print as integers (`2.0` → `2`), as every reader of ours reads them back the same;
    /// NaN and infinities, which JSON cannot hold, as `null`.
    public static func appendDouble(_ d: Double, to out: inout [UInt8]) {
        guard d.isFinite else { out.append(contentsOf: "null".utf8); return }
        if d == d.rounded(), abs(d) < 9e15 { out.append(contentsOf: String(Int64(d)).utf8) } else { out.append(contentsOf: "\(d)".utf8) }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// A JSON string literal: quotes, backslashes and control characters escaped, the rest as UTF-8.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
