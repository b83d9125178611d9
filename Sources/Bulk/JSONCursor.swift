import Glibc

/// A forward-only reader over JSON bytes that knows just enough to find keys and skip values.
/// Every method returns nil or false on malformed input instead of trapping: responses are untrusted.
struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Consumes `byte` (after whitespace) if it is next.
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// The raw bytes of a string (escapes left as they are), positioned after its closing quote.
    mutating func rawString() -> Range<Int>? {
        guard consume(0x22), let base = bytes.baseAddress else { return nil }
        let start = index
        // Bulk responses are mostly strings (index names, ids, results): jump from quote to quote with memchr
        // instead of a byte loop. A quote preceded by an odd run of backslashes is escaped and skipped.
        var from = index
        while from < bytes.count, let hit = memchr(base + from, 0x22, bytes.count - from) {
            let quote = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            var backslashes = 0
            while quote - backslashes - 1 >= start && base[quote - backslashes - 1] == 0x5C { backslashes += 1 }
            if backslashes % 2 == 0 {
                index = quote + 1
                return start..<quote
            }
            from = quote + 1
        }
        return nil
    }

    /// Whether the raw bytes at `range` are exactly `key`; keys we look for never need unescaping.
    func equals(_ range: Range<Int>, _ key: StaticString) -> Bool {
        guard range.count == key.utf8CodeUnitCount else { return false }
        let k = key.utf8Start
        for i in 0..<range.count where bytes[range.lowerBound + i] != k[i] { return false }
        return true
    }

    /// A string value with its escapes decoded.
    mutating func string() -> String? {
        guard let range = rawString() else { return nil }
        return JSONCursor.unescape(UnsafeBufferPointer(rebasing: bytes[range]))
    }

    /// Reads the key of the next member and the colon after it.
    mutating func key() -> Range<Int>? {
        guard let range = rawString(), consume(0x3A) else { return nil }
        return range
    }

    /// After a member's value: true if another member follows (comma consumed), false at `}` (consumed).
    /// Nil on anything else.
    mutating func nextMember(closing: UInt8 = 0x7D) -> Bool? {
        if consume(0x2C) { return true }
        if consume(closing) { return false }
        return nil
    }

    mutating func bool() -> Bool? {
        skipWhitespace()
        if matchLiteral("true") { return true }
        if matchLiteral("false") { return false }
        return nil
    }

    mutating func integer() -> Int? {
        skipWhitespace()
        var value = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39, digits < 18 {
            value = value * 10 + Int(bytes[index] - 0x30)
            index += 1
            digits += 1
        }
        return digits > 0 ? value : nil
    }

    /// Skips one value of any kind. Nesting is tracked with a counter, not recursion, so hostile depth
    /// cannot overflow the stack.
    mutating func skipValue() -> Bool {
        skipWhitespace()
        guard index < bytes.count else { return false }
        var depth = 0
        repeat {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case 0x22:
                guard rawString() != nil else { return false }
            case 0x7B, 0x5B:
                depth += 1; index += 1
            case 0x7D, 0x5D:
                if depth == 0 { return false }
                depth -= 1; index += 1
            case 0x2C, 0x3A, 0x20, 0x09, 0x0A, 0x0D:
                if depth == 0 { return false }
                index += 1
            default:
                // A scalar: runs until a delimiter.
                let start = index
                while index < bytes.count {
                    let b = bytes[index]
                    if b == 0x2C || b == 0x7D || b == 0x5D || b == 0x3A || b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { break }
                    index += 1
                }
                if index == start { return false }
            }
        } while depth > 0
        return true
    }

    private mutating func matchLiteral(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard bytes.count - index >= n else { return false }
        for i in 0..<n where bytes[index + i] != literal.utf8Start[i] { return false }
        index += n
        return true
    }

    /// Decodes JSON string escapes (including surrogate pairs); invalid escapes become U+FFFD.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        if !raw.contains(0x5C) { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= raw.count else { return nil }
            var v: UInt32 = 0
            for j in at..<(at + 4) {
                let c = raw[j]
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x41...0x46: d = c - 0x41 + 10
                case 0x61...0x66: d = c - 0x61 + 10
                default: return nil
                }
                v = v << 4 | UInt32(d)
            }
            return v
        }
        while i < raw.count {
            let b = raw[i]
            guard b == 0x5C, i + 1 < raw.count else { out.append(b); i += 1; continue }
            let e = raw[i + 1]
            i += 2
            switch e {
            case 0x6E: out.append(0x0A)
            case 0x74: out.append(0x09)
            case 0x72: out.append(0x0D)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x75:
                var scalar = hex4(i).flatMap(Unicode.Scalar.init)
                if let high = hex4(i), (0xD800..<0xDC00).contains(high), i + 10 <= raw.count,
                   raw[i + 4] == 0x5C, raw[i + 5] == 0x75, let low = hex4(i + 6), (0xDC00..<0xE000).contains(low) {
                    scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
                    i += 6
                }
                if hex4(i) != nil { i += 4 }
                out.append(contentsOf: String(scalar ?? "\u{FFFD}").utf8)
            default: out.append(e)  // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
