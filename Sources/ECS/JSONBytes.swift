/// JSON written straight into a byte buffer. Strings are validated as UTF-8 while they are escaped: an invalid
/// sequence becomes U+FFFD instead of producing a document the cluster would reject as a whole.
public enum JSONBytes {
    /// `"` + escaped bytes + `"`. Returns false when invalid UTF-8 had to be replaced.
    @inlinable @discardableResult @inline(__always)
    public static func appendString<Out: JSONOutput>(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout Out) -> Bool {
        out.append(0x22)
        let valid = appendEscaped(bytes, to: &out)
        out.append(0x22)
        return valid
    }

    @inlinable @discardableResult
    public static func appendString<Out: JSONOutput>(_ s: String, to out: inout Out) -> Bool {
        var s = s
        return s.withUTF8 { appendString($0, to: &out) }
    }

    @inlinable @discardableResult
    public static func appendString<Out: JSONOutput>(_ bytes: [UInt8], to out: inout Out) -> Bool {
        bytes.withUnsafeBufferPointer { appendString($0, to: &out) }
    }

    /// The escaped bytes without quotes. Returns false when invalid UTF-8 had to be replaced.
    @inlinable @discardableResult
    public static func appendEscaped<Out: JSONOutput>(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout Out) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let n = bytes.count
        var valid = true
        var i = 0
        var runStart = 0
        while i < n {
            // Eight bytes at a time while they are plain ASCII that needs no escaping (most log text).
            while i + 8 <= n {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if Self.needsAttention(w) { break }
                i += 8
            }
            if i >= n { break }
            let b = base[i]
            if b >= 0x20 && b != 0x22 && b != 0x5C && b < 0x80 { i += 1; continue }
            if b >= 0x80 {
                let len = validSequenceLength(base, i, n)
                if len > 0 { i += len; continue }
                flush(base, runStart, i, &out)
                out.append("\u{FFFD}")
                valid = false
                i += 1
                runStart = i
                continue
            }
            flush(base, runStart, i, &out)
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            default:
                out.append("\\u00")
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0xF)])
            }
            i += 1
            runStart = i
        }
        flush(base, runStart, n, &out)
        return valid
    }

    /// `"` + every byte of `bytes` as a JSON string: valid UTF-8 as text (escaped as JSON needs), each byte
    /// of an invalid sequence as the four characters `\xNN` (lower-case hex). For `event.original`, which
    /// must keep what arrived where `appendString` would put U+FFFD; only lines that were malformed pay for it.
    public static func appendOriginal<Out: JSONOutput>(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout Out) {
        out.append(0x22)
        if let base = bytes.baseAddress {
            let n = bytes.count
            var i = 0
            var runStart = 0
            while i < n {
                if base[i] < 0x80 { i += 1; continue }
                let len = validSequenceLength(base, i, n)
                if len > 0 { i += len; continue }
                appendEscaped(UnsafeBufferPointer(start: base + runStart, count: i - runStart), to: &out)
                out.append(0x5C); out.append(0x5C); out.append(0x78)  // JSON `\\x`: the text `\x`
                out.append(hexDigits[Int(base[i] >> 4)])
                out.append(hexDigits[Int(base[i] & 0xF)])
                i += 1
                runStart = i
            }
            appendEscaped(UnsafeBufferPointer(start: base + runStart, count: n - runStart), to: &out)
        }
        out.append(0x22)
    }

    /// True when any of the eight bytes is < 0x20, `"`, `\\` or ≥ 0x80 (the classic SWAR "has byte" tests).
    @inlinable @inline(__always)
    static func needsAttention(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = (w &- ones &* 0x20) & ~w & highs
        let q = w ^ (ones &* 0x22)
        let quote = (q &- ones) & ~q & highs
        let bs = w ^ (ones &* 0x5C)
        let backslash = (bs &- ones) & ~bs & highs
        return (control | quote | backslash | (w & highs)) != 0
    }

    @inlinable @inline(__always)
    static func flush<Out: JSONOutput>(_ base: UnsafePointer<UInt8>, _ from: Int, _ to: Int, _ out: inout Out) {
        if to > from { out.append(bytes: UnsafeBufferPointer(start: base + from, count: to - from)) }
    }

    /// Length of the well-formed UTF-8 sequence at `i` (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF), or 0.
    @inlinable @inline(__always)
    static func validSequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        let b0 = p[i]
        @inline(__always) func cont(_ k: Int) -> Bool { i + k < n && p[i + k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return (i + 1 < n && p[i + 1] >= 0xA0 && p[i + 1] <= 0xBF && cont(2)) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return (cont(1) && cont(2)) ? 3 : 0
        case 0xED: return (i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F && cont(2)) ? 3 : 0
        case 0xF0: return (i + 1 < n && p[i + 1] >= 0x90 && p[i + 1] <= 0xBF && cont(2) && cont(3)) ? 4 : 0
        case 0xF1...0xF3: return (cont(1) && cont(2) && cont(3)) ? 4 : 0
        case 0xF4: return (i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x8F && cont(2) && cont(3)) ? 4 : 0
        default: return 0
        }
    }

    @inlinable @inline(__always)
    public static func appendInteger<Out: JSONOutput>(_ value: Int64, to out: inout Out) {
        if value < 0 {
            out.append(0x2D)
            if value == Int64.min { out.append("9223372036854775808"); return }
            appendUnsigned(UInt64(-value), to: &out)
        } else {
            appendUnsigned(UInt64(value), to: &out)
        }
    }

    @inlinable @inline(__always)
    public static func appendUnsigned<Out: JSONOutput>(_ value: UInt64, to out: inout Out) {
        if value < 10 { out.append(0x30 &+ UInt8(value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var v = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 { d[19 - count] = 0x30 &+ UInt8(v % 10); v /= 10; count += 1 }
            let digitsStart = d.baseAddress!.assumingMemoryBound(to: UInt8.self) + (20 - count)
            out.append(bytes: UnsafeBufferPointer(start: digitsStart, count: count))
        }
    }

    @usableFromInline static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `value` as a JSON string of 16 lowercase hex digits (how pattern ids are written), without a heap buffer.
    @inlinable @inline(__always)
    public static func appendQuotedHex64<Out: JSONOutput>(_ value: UInt64, to out: inout Out) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0x22, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x22)
        withUnsafeMutableBytes(of: &digits) { d in
            var v = value
            var i = 16
            while i > 0 {
                d[i] = v & 0xF < 10 ? 0x30 &+ UInt8(v & 0xF) : 0x57 &+ UInt8(v & 0xF)
                v >>= 4; i -= 1
            }
            out.append(bytes: UnsafeBufferPointer(start: d.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 18))
        }
    }
}
