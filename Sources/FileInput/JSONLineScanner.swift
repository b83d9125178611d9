/// Just enough of a JSON reader for the `json` format: checks that a line is one well-formed object and
/// lists its top-level members as byte ranges, without building values.
struct JSONLineScanner {
    struct Member { var key: Range<Int>; var value: Range<Int> }   // key without quotes

    /// The object's members, or nil when the line is not exactly one JSON object.
    static func members(_ p: UnsafeBufferPointer<UInt8>, into out: inout [Member]) -> Bool {
        out.removeAll(keepingCapacity: true)
        var i = ws(p, 0)
        guard i < p.count, p[i] == 0x7B else { return false }
        i = ws(p, i + 1)
        if i < p.count, p[i] == 0x7D { return ws(p, i + 1) == p.count }
        while true {
            guard i < p.count, p[i] == 0x22, let keyEnd = string(p, i) else { return false }
            let key = (i + 1)..<(keyEnd - 1)
            i = ws(p, keyEnd)
            guard i < p.count, p[i] == 0x3A else { return false }
            i = ws(p, i + 1)
            guard let valueEnd = value(p, i, depth: 0) else { return false }
            out.append(Member(key: key, value: i..<valueEnd))
            i = ws(p, valueEnd)
            guard i < p.count else { return false }
            if p[i] == 0x2C { i = ws(p, i + 1); continue }
            guard p[i] == 0x7D else { return false }
            return ws(p, i + 1) == p.count
        }
    }

    static func ws(_ p: UnsafeBufferPointer<UInt8>, _ s: Int) -> Int {
        var i = s
        while i < p.count, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0D || p[i] == 0x0A { i += 1 }
        return i
    }

    /// End (after the closing quote) of the string starting at `s`. Control characters are refused, and so
    /// is invalid UTF-8, since the cluster would reject the whole document.
    static func string(_ p: UnsafeBufferPointer<UInt8>, _ s: Int) -> Int? {
        var i = s + 1
        while i < p.count {
            let b = p[i]
            if b == 0x22 { return i + 1 }
            if b == 0x5C { i += 2; continue }
            if b < 0x20 { return nil }
            if b >= 0x80 {
                let n = utf8Length(p, i)
                guard n > 0 else { return nil }
                i += n; continue
            }
            i += 1
        }
        return nil
    }

    static func value(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, depth: Int) -> Int? {
        guard s < p.count, depth < 64 else { return nil }
        switch p[s] {
        case 0x22: return string(p, s)
        case 0x7B, 0x5B:
            let close: UInt8 = p[s] == 0x7B ? 0x7D : 0x5D
            let isObject = p[s] == 0x7B
            var i = ws(p, s + 1)
            if i < p.count, p[i] == close { return i + 1 }
            while true {
                if isObject {
                    guard i < p.count, p[i] == 0x22, let k = string(p, i) else { return nil }
                    i = ws(p, k)
                    guard i < p.count, p[i] == 0x3A else { return nil }
                    i = ws(p, i + 1)
                }
                guard let e = value(p, i, depth: depth + 1) else { return nil }
                i = ws(p, e)
                guard i < p.count else { return nil }
                if p[i] == 0x2C { i = ws(p, i + 1); continue }
                return p[i] == close ? i + 1 : nil
            }
        default:
            var i = s
            while i < p.count, p[i] == 0x2D || p[i] == 0x2B || p[i] == 0x2E || (p[i] | 0x20 >= 0x61 && p[i] | 0x20 <= 0x7A) || (p[i] >= 0x30 && p[i] <= 0x39) { i += 1 }
            guard i > s else { return nil }
            let t = UnsafeBufferPointer(rebasing: p[s..<i])
            if t.elementsEqual("true".utf8) || t.elementsEqual("false".utf8) || t.elementsEqual("null".utf8) { return i }
            guard t.first == 0x2D || (t.first! >= 0x30 && t.first! <= 0x39) else { return nil }
            return i
        }
    }

    static func utf8Length(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let b = p[i]
        let n = p.count
        func cont(_ k: Int) -> Bool { i + k < n && p[i + k] & 0xC0 == 0x80 }
        switch b {
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return i + 1 < n && p[i + 1] >= 0xA0 && p[i + 1] <= 0xBF && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F && cont(2) ? 3 : 0
        case 0xF0: return i + 1 < n && p[i + 1] >= 0x90 && p[i + 1] <= 0xBF && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x8F && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }

    static func keyIs(_ p: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ s: StaticString) -> Bool {
        guard r.count == s.utf8CodeUnitCount else { return false }
        let q = s.utf8Start
        for (k, i) in r.enumerated() where p[i] != q[k] { return false }
        return true
    }
}
