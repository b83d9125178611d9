import ECS
import Glibc

/// One journal entry's fields, copied out of sd-journal into a reused arena: sd-journal's pointers are only
/// valid until its next call, and the arena keeps the per-entry cost at a memcpy with no allocation.
/// A class with raw buffers, allocated once per input: the reader adds ~25 fields per entry, and an `Array`
/// append per field (uniqueness and capacity checks, generic copy) was a tenth of the reader thread.
final class JournalEntry {
    static let fieldCount = JournalField.allCases.count

    /// The copied bytes; field `start`/`length` and `custom` offsets point into it. Valid until the next `add`.
    private let arena = ByteWriter(capacity: 2048)
    /// Where the copied bytes start, for the encoder; moves when the arena grows, so read it after the last `add`.
    var bytes: UnsafePointer<UInt8> { arena.bytes.baseAddress! }
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
        custom.reserveCapacity(8)
        cursor.reserveCapacity(128)
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
        arena.removeAll()
        present = 0
        if !custom.isEmpty { custom.removeAll(keepingCapacity: true) }
        customDropped = 0
        monotonic = -1
    }

    @inline(__always)
    func has(_ f: JournalField) -> Bool { present & (1 << UInt64(f.rawValue)) != 0 }

    /// Copies `count` bytes to the end of the arena; returns where they start.
    @inline(__always)
    private func copy(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int {
        let at = arena.count
        arena.append(bytes: UnsafeBufferPointer(start: p, count: count))
        return at
    }

    /// Stores one `NAME=value` data item. The first value of a repeated field wins; a repeated
    /// application field is dropped rather than written as a duplicate JSON key the cluster would reject.
    @inline(__always)
    func add(_ data: UnsafePointer<UInt8>, _ count: Int, table: JournalFieldTable, maxCustom: Int) {
        guard let equals = memchr(data, 0x3D, count) else { return }
        let eq = UnsafeRawPointer(equals) - UnsafeRawPointer(data)
        guard eq > 0 else { return }
        let valueLength = count - eq - 1
        if let f = table.lookup(data, eq) {
            let bit: UInt64 = 1 << UInt64(f.rawValue)
            guard present & bit == 0 else { return }
            present |= bit
            start[f.rawValue] = copy(data + eq + 1, valueLength)
            length[f.rawValue] = valueLength
            return
        }
        if custom.count >= maxCustom { customDropped += 1; return }
        for c in custom where c.1 == eq && memcmpEqual(bytes + c.0, data, eq) { return }
        let nameStart = copy(data, count)
        custom.append((nameStart, eq, nameStart + eq + 1, valueLength))
    }

    /// The cursor sd-journal printed for this entry.
    func setCursor(_ text: UnsafePointer<CChar>) {
        cursor.removeAll(keepingCapacity: true)
        text.withMemoryRebound(to: UInt8.self, capacity: 1) { p in
            cursor.append(contentsOf: UnsafeBufferPointer(start: p, count: strlen(text)))
        }
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
