/// Reading JSON text (RFC 8259) from outside: cluster answers, saved-object exports, `Mappings/` files.
///
/// Recursive descent over the bytes, written by hand rather than with `JSONSerialization` or `JSONDecoder`:
/// `JSONSerialization` builds a second tree of Foundation objects, about 30 bytes of heap per byte of a search
/// answer, which was the alarm cycle's largest allocation; `JSONDecoder` into a free-form value tries each
/// type in turn per node. Errors say what was wrong and at which byte, so a bad file or answer can be found.
extension JSONValue {
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        /// Byte offset (0-based) into the input where reading stopped.
        public var offset: Int
        public var reason: String

        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// Deeper nesting than any cluster answer or mapping file has: refused rather than risking the stack.
    public static let maxDepth = 256

    /// Exactly one JSON value, with optional whitespace around it.
    public init(parsing bytes: [UInt8]) throws(ParseError) {
        self = try bytes.withUnsafeBufferPointer { buffer throws(ParseError) in
            var reader = JSONReader(buffer)
            let value = try reader.value(depth: 0)
            reader.skipWhitespace()
            guard reader.atEnd else { throw reader.error("unexpected text after the JSON value") }
            return value
        }
    }

    public init(parsing text: String) throws(ParseError) {
        try self.init(parsing: Array(text.utf8))
    }
}

private struct JSONReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { i == bytes.count }

    func error(_ reason: String) -> JSONValue.ParseError { JSONValue.ParseError(offset: i, reason: reason) }

    private func unexpected(_ wanted: String) -> JSONValue.ParseError {
        guard i < bytes.count else { return error("unexpected end of input, expected \(wanted)") }
        let b = bytes[i]
        let shown = (0x20..<0x7F).contains(b) ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
        return error("unexpected \(shown), expected \(wanted)")
    }

    mutating func skipWhitespace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func value(depth: Int) throws(JSONValue.ParseError) -> JSONValue {
        skipWhitespace()
        guard i < bytes.count else { throw unexpected("a value") }
        guard depth < JSONValue.maxDepth else { throw error("nested deeper than \(JSONValue.maxDepth) levels") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw unexpected("a value")
        }
    }

    private mutating func object(depth: Int) throws(JSONValue.ParseError) -> JSONValue {
        i += 1
        var out: [String: JSONValue] = [:]
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(out) }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw unexpected("a string key") }
            let key = try string()
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw unexpected("':'") }
            i += 1
            out[key] = try value(depth: depth + 1)
            skipWhitespace()
            guard i < bytes.count else { throw unexpected("',' or '}'") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(out) }
            throw unexpected("',' or '}'")
        }
    }

    private mutating func array(depth: Int) throws(JSONValue.ParseError) -> JSONValue {
        i += 1
        var out: [JSONValue] = []
        skipWhitespace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(out) }
        while true {
            out.append(try value(depth: depth + 1))
            skipWhitespace()
            guard i < bytes.count else { throw unexpected("',' or ']'") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(out) }
            throw unexpected("',' or ']'")
        }
    }

    private mutating func string() throws(JSONValue.ParseError) -> String {
        i += 1
        let start = i
        // Fast path: no escapes, the bytes are the string.
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\"), bytes[i] >= 0x20 { i += 1 }
        guard i < bytes.count else { throw error("unterminated string") }
        if bytes[i] == UInt8(ascii: "\"") {
            defer { i += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if b < 0x20 { throw error("control character 0x\(String(b, radix: 16)) in a string") }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { break }
            let e = bytes[i]
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                i += 1
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"),
                   bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { i -= 4; throw error("\\u escape after a high surrogate is not a low one") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                // A lone surrogate has no scalar: U+FFFD, as Foundation's reader does.
                let text = String(Unicode.Scalar(scalar) ?? "\u{FFFD}")
                out.append(contentsOf: text.utf8)
                continue
            default: throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
            }
            i += 1
        }
        throw error("unterminated string")
    }

    private mutating func hex4() throws(JSONValue.ParseError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard i < bytes.count else { throw error("unterminated \\u escape") }
            let b = bytes[i]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: throw unexpected("a hex digit")
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    private mutating func digits() -> Int {
        let start = i
        while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
        return i - start
    }

    private mutating func number() throws(JSONValue.ParseError) -> JSONValue {
        let start = i
        var integral = true
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        let first = i
        guard digits() > 0 else { throw unexpected("a digit") }
        if bytes[first] == UInt8(ascii: "0"), i - first > 1 { i = first + 1; throw error("leading zero in a number") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            integral = false
            i += 1
            guard digits() > 0 else { throw unexpected("a digit after '.'") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            integral = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw unexpected("a digit in the exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        // An integer beyond Int is a Double, not an error (as in Foundation's reader).
        if integral, let n = Int(text) { return .int(n) }
        // `1e999` is refused rather than read as infinity, which JSON cannot hold: what is read can be written back.
        guard let d = Double(text), d.isFinite else { i = start; throw error("number out of range") }
        return .double(d)
    }

    private mutating func literal(_ word: StaticString) throws(JSONValue.ParseError) {
        let n = word.utf8CodeUnitCount
        let matches = word.withUTF8Buffer { w in
            i + n <= bytes.count && (0..<n).allSatisfy { bytes[i + $0] == w[$0] }
        }
        guard matches else { throw unexpected("'\(word)'") }
        i += n
    }
}
