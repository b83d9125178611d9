import ECS

/// RFC 5424 structured data the way ECS types `log.syslog.structured_data` (`flattened`): one object per SD-ID
/// holding its parameters, `[id@1 a="1" b="x\"y"][id2]` → `{"id@1":{"a":"1","b":"x\"y"},"id2":{}}`.
/// `SyslogParser` has already checked the syntax. A repeated SD-ID or parameter name keeps its first value: a
/// JSON object cannot hold a key twice, and the cluster would refuse the whole document. One writer per encoder:
/// its buffers keep their capacity, so a line with structured data allocates nothing once they have grown.
struct StructuredDataWriter {
    private var ids: [Range<Int>] = []
    private var names: [Range<Int>] = []
    private var plain: [UInt8] = []

    /// Writes the object for `range` of `line`; false when a name or value was not valid UTF-8 (replaced, as in
    /// every other field).
    mutating func write<Out: JSONOutput>(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout Out) -> Bool {
        var valid = true
        ids.removeAll(keepingCapacity: true)
        var i = range.lowerBound
        out.append(0x7B)
        while i < range.upperBound, line[i] == 0x5B {
            i += 1
            let id = i..<Self.end(ofNameIn: line, from: i)
            i = id.upperBound
            let keep = !ids.contains { Self.equal(line, $0, id) }
            if keep {
                if !ids.isEmpty { out.append(0x2C) }
                ids.append(id)
                valid = Self.appendKey(line, id, &out) && valid
                out.append(0x7B)
            }
            names.removeAll(keepingCapacity: true)
            while i < range.upperBound, line[i] == 0x20 {
                let name = (i + 1)..<Self.end(ofNameIn: line, from: i + 1)
                let valueStart = name.upperBound + 2  // past `="`
                var valueEnd = valueStart, escaped = false
                while line[valueEnd] != 0x22 {
                    if line[valueEnd] == 0x5C { escaped = true; valueEnd += 1 }
                    valueEnd += 1
                }
                i = valueEnd + 1
                guard keep, !names.contains(where: { Self.equal(line, $0, name) }) else { continue }
                if !names.isEmpty { out.append(0x2C) }
                names.append(name)
                valid = Self.appendKey(line, name, &out) && valid
                valid = appendValue(line, valueStart..<valueEnd, unescaping: escaped, &out) && valid
            }
            if keep { out.append(0x7D) }
            i += 1  // `]`
        }
        out.append(0x7D)
        return valid
    }

    /// SD-IDs and parameter names end at a space, `=` or `]` (the parser allows nothing else in them).
    private static func end(ofNameIn line: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        while line[i] != 0x20, line[i] != 0x3D, line[i] != 0x5D { i += 1 }
        return i
    }

    private static func equal(_ line: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { line[$0] == line[$1] }
    }

    private static func appendKey<Out: JSONOutput>(_ line: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ out: inout Out) -> Bool {
        let valid = JSONBytes.appendString(UnsafeBufferPointer(rebasing: line[r]), to: &out)
        out.append(0x3A)
        return valid
    }

    /// Inside a value `\"`, `\\` and `\]` stand for the character; any other backslash is itself (RFC 5424 §6.3.3).
    private mutating func appendValue<Out: JSONOutput>(_ line: UnsafeBufferPointer<UInt8>, _ r: Range<Int>,
                                                       unescaping: Bool, _ out: inout Out) -> Bool {
        guard unescaping else { return JSONBytes.appendString(UnsafeBufferPointer(rebasing: line[r]), to: &out) }
        plain.removeAll(keepingCapacity: true)
        var i = r.lowerBound
        while i < r.upperBound {
            if line[i] == 0x5C, i + 1 < r.upperBound, line[i + 1] == 0x22 || line[i + 1] == 0x5C || line[i + 1] == 0x5D { i += 1 }
            plain.append(line[i])
            i += 1
        }
        return JSONBytes.appendString(plain, to: &out)
    }
}
