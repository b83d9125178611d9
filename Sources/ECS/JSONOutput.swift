/// Where the encoders in this module write. Two kinds: `[UInt8]` (a bulk body, a spool record, a test's
/// buffer) and `ByteWriter`, the reused scratch buffer of the per-event paths.
///
/// The encoders are generic over it and `@inlinable`, so each input gets them specialized for its buffer.
public protocol JSONOutput {
    mutating func append(_ byte: UInt8)
    mutating func append(bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: JSONOutput where Element == UInt8 {
    @inlinable @inline(__always)
    public mutating func append(bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
}

extension JSONOutput {
    @inlinable @inline(__always)
    public mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { append(bytes: $0) }
    }

    @inlinable @inline(__always)
    public mutating func append(bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append(bytes: $0) }
    }
}

/// A growable byte buffer written through a raw pointer. Writing a document is ~60 small appends; on an
/// `Array` each one checks uniqueness and capacity out of line, which was a sixth of the journald encoder's
/// time. Here an append is a compare and a store or `memcpy`, and the finished document is handed to the
/// bulk body in one copy. One owner (an encoder, a journal entry's arena) reuses it for every event: no
/// allocation after warm-up, and no sharing between threads.
public final class ByteWriter: JSONOutput {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    @usableFromInline var used = 0

    public init(capacity: Int = 4096) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// Bytes written since the last `removeAll`.
    public var count: Int { used }

    /// The bytes written, valid until the next write.
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: used) }

    public func removeAll() { used = 0 }

    @inlinable @inline(__always)
    public func append(_ byte: UInt8) {
        if used == capacity { grow(minimum: used + 1) }
        base[used] = byte
        used += 1
    }

    @inlinable @inline(__always)
    public func append(bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        let n = bytes.count
        if used + n > capacity { grow(minimum: used + n) }
        (base + used).update(from: source, count: n)
        used += n
    }

    @usableFromInline
    func grow(minimum: Int) {
        var bigger = capacity * 2
        while bigger < minimum { bigger *= 2 }
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        fresh.update(from: base, count: used)
        base.deallocate()
        base = fresh
        capacity = bigger
    }
}
