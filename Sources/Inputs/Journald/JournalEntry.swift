/// One journal entry's fields, copied out of sd-journal into a reused arena: sd-journal's pointers are only
/// valid until its next call, and the arena keeps the per-entry cost at a memcpy with no allocation.
/// A class with fixed buffers, allocated once per input, so the hot loop does no copy-on-write checks.
final class JournalEntry {
    static let fieldCount = JournalField.allCases.count

    var arena: [UInt8] = []
    /// Per known field: start in the arena (valid only when its bit is set in `present`) and length.
    let start: UnsafeMutablePointer<Int>
    let length: UnsafeMutablePointer<Int>
    /// Bit per `JournalField` present.
    var present: UInt64 = 0
    /// Application fields in journal order: (name start, name length, value start, value length).
    var custom: [(Int, Int, Int, Int)] = []
    var customDropped = 0
    var realtime: Int64 = 0
    /// The entry's cursor: its identity and, for the last entry of a batch, the checkpoint.
    var cursor: [UInt8] = []
    var monotonic: Int64 = -1

    init() {
        arena.reserveCapacity(2048)
        custom.reserveCapacity(8)
        start = .allocate(capacity: Self.fieldCount)
        start.initialize(repeating: 0, count: Self.fieldCount)
        length = .allocate(capacity: Self.fieldCount)
        length.initialize(repeating: 0, count: Self.fieldCount)
    }

    deinit {
        start.deallocate()
        length.deallocate()
    }

    func reset() {
        arena.removeAll(keepingCapacity: true)
        present = 0
        if !custom.isEmpty { custom.removeAll(keepingCapacity: true) }
        customDropped = 0
        monotonic = -1
    }

    @inline(__always)
    func has(_ f: JournalField) -> Bool { present & (1 << UInt64(f.rawValue)) != 0 }

    /// Stores one `NAME=value` data item. The first value of a repeated field wins; a repeated
    /// application field is dropped rather than written as a duplicate JSON key the cluster would reject.
    @inline(__always)
    func add(_ data: UnsafePointer<UInt8>, _ count: Int, table: JournalFieldTable, maxCustom: Int) {
        var eq = 0
        while eq < count && data[eq] != 0x3D { eq += 1 }
        guard eq > 0 && eq < count else { return }
        let valueLength = count - eq - 1
        if let f = table.lookup(data, eq) {
            let bit: UInt64 = 1 << UInt64(f.rawValue)
            guard present & bit == 0 else { return }
            present |= bit
            start[f.rawValue] = arena.count
            length[f.rawValue] = valueLength
            arena.append(contentsOf: UnsafeBufferPointer(start: data + eq + 1, count: valueLength))
            return
        }
        if custom.count >= maxCustom { customDropped += 1; return }
        let nameStart = arena.count
        arena.append(contentsOf: UnsafeBufferPointer(start: data, count: count))
        for c in custom where c.1 == eq {
            if arena.withUnsafeBufferPointer({ memcmpEqual($0.baseAddress! + c.0, $0.baseAddress! + nameStart, eq) }) {
                arena.removeSubrange(nameStart...)
                return
            }
        }
        custom.append((nameStart, eq, nameStart + eq + 1, valueLength))
    }
}

/// Decimal integer from journal bytes (fields such as `_PID` are text); nil when not a plain integer.
@inline(__always)
func parseInteger(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
    guard n > 0 && n <= 19 else { return nil }
    var i = 0
    var negative = false
    if p[0] == 0x2D { negative = true; i = 1; if n == 1 { return nil } }
    var v: Int64 = 0
    while i < n {
        let d = p[i] &- 0x30
        if d > 9 { return nil }
        v = v &* 10 &+ Int64(d)
        i += 1
    }
    return negative ? -v : v
}
