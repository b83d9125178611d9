import SyslogFormat

/// Cuts a TCP byte stream into syslog messages per RFC 6587: octet counting (`LEN SP MSG`) or
/// LF-delimited. The method is chosen on a connection's first frame and kept; in octet-counting mode a frame
/// that does not start with `digits SP` (a sender's wrong count) is read up to the next LF instead.
///
/// Messages longer than `maxBytes` are cut there, reported as truncated, and the rest of that message
/// is skipped, so one huge message never stops the connection.
public struct SyslogFramer {
    public let maxBytes: Int
    private var pending: [UInt8] = []
    private var skipRemaining = 0
    private var discardingToLF = false
    private var octetCounting: Bool? = nil

    public init(maxBytes: Int) { self.maxBytes = max(16, maxBytes) }

    /// Calls `emit(frame, truncated)` for each complete message in `data`; keeps an incomplete tail.
    public mutating func feed(_ data: UnsafeRawBufferPointer, _ emit: (UnsafeBufferPointer<UInt8>, Bool) -> Void) {
        feed(data, until: { frame, truncated in emit(frame, truncated); return true })
    }

    /// Like `feed`, but `emit` returning false stops after that message: the rest of `data` is kept, as raw
    /// bytes, for the next `feed` (an empty one resumes). A connection over its memory budget stops this way
    /// in the middle of a read instead of encoding the whole read.
    public mutating func feed(_ data: UnsafeRawBufferPointer, until emit: (UnsafeBufferPointer<UInt8>, Bool) -> Bool) {
        let bytes = data.bindMemory(to: UInt8.self)
        if pending.isEmpty {
            let used = process(bytes, emit)
            if used < bytes.count { pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[used...])) }
        } else {
            pending.append(contentsOf: bytes)
            let used = pending.withUnsafeBufferPointer { process($0, emit) }
            pending.removeSubrange(0..<used)
        }
    }

    /// Keeps `data` unframed, for a connection that is paused (a read already under way when it paused).
    public mutating func hold(_ data: UnsafeRawBufferPointer) {
        pending.append(contentsOf: data.bindMemory(to: UInt8.self))
    }

    /// The connection closed: whatever is left is one last message (marked truncated when a count promised more).
    public mutating func finish(_ emit: (UnsafeBufferPointer<UInt8>, Bool) -> Void) {
        defer { pending = []; skipRemaining = 0; discardingToLF = false }
        guard !discardingToLF, skipRemaining == 0 else { return }
        var start = 0
        while start < pending.count, isSeparator(pending[start]) { start += 1 }
        guard start < pending.count else { return }
        pending.withUnsafeBufferPointer { p in
            var body = start
            var truncated = false
            if octetCounting == true, let (_, s) = countPrefix(p, start) { body = s; truncated = true }
            if body < p.count {
                emit(UnsafeBufferPointer(rebasing: p[body..<min(p.count, body + maxBytes)]), truncated || p.count - body > maxBytes)
            }
        }
    }

    /// Bytes waiting for the rest of their message (bounded by `maxBytes` plus a length prefix), or held by a
    /// stopped `feed` (bounded by one read).
    public var pendingBytes: Int { pending.count }

    @inline(__always) private func isSeparator(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D || b == 0x00 }

    /// `digits SP` at `i`: the count and where the message starts; nil when it is not that shape.
    private func countPrefix(_ p: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Int, Int)? {
        var k = i, v = 0
        while k < p.count, k - i < 10, isDigit(p[k]) { v = v * 10 + Int(p[k] &- 0x30); k += 1 }
        guard k > i, k < p.count, p[k] == 0x20, v > 0 else { return nil }
        return (v, k + 1)
    }

    private mutating func process(_ p: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>, Bool) -> Bool) -> Int {
        let n = p.count
        var i = 0
        while i < n {
            if skipRemaining > 0 {
                let k = min(skipRemaining, n - i)
                i += k; skipRemaining -= k
                continue
            }
            if discardingToLF {
                guard let lf = indexOfLF(p, i) else { return n }
                i = lf + 1; discardingToLF = false
                continue
            }
            if isSeparator(p[i]) { i += 1; continue }
            if octetCounting == nil {
                // Decide on the first frame; wait while it could still be a count.
                var k = i
                while k < n, k - i < 10, isDigit(p[k]) { k += 1 }
                if k == n && k - i < 10 { return i }
                octetCounting = countPrefix(p, i) != nil
            }
            if octetCounting == true, isDigit(p[i]) {
                if let (count, start) = countPrefix(p, i) {
                    if count > maxBytes {
                        guard n - start >= maxBytes else { return i }
                        let go = emit(UnsafeBufferPointer(rebasing: p[start..<(start + maxBytes)]), true)
                        skipRemaining = count - maxBytes
                        i = start + maxBytes
                        if !go { return i }
                    } else {
                        guard n - start >= count else { return i }
                        let go = emit(UnsafeBufferPointer(rebasing: p[start..<(start + count)]), false)
                        i = start + count
                        if !go { return i }
                    }
                    continue
                }
                // Could still become `digits SP` with more bytes.
                var k = i
                while k < n, k - i < 10, isDigit(p[k]) { k += 1 }
                if k == n && k - i < 10 { return i }
            }
            if let lf = indexOfLF(p, i) {
                // The CR of a CRLF is not part of the message, so it does not count against maxBytes.
                let end = lf > i && p[lf - 1] == 0x0D ? lf - 1 : lf
                let go = end - i > maxBytes ? emit(UnsafeBufferPointer(rebasing: p[i..<(i + maxBytes)]), true)
                                            : emit(UnsafeBufferPointer(rebasing: p[i..<end]), false)
                i = lf + 1
                if !go { return i }
            } else {
                // Only cut once the message is certainly longer than maxBytes: with maxBytes + 1 bytes and no LF
                // the last byte may be the CR of a CRLF still in flight, and the verdict must not depend on how
                // TCP split the stream (found by fuzz-syslog).
                guard n - i > maxBytes + 1 else { return i }
                _ = emit(UnsafeBufferPointer(rebasing: p[i..<(i + maxBytes)]), true)
                discardingToLF = true
                i = n
            }
        }
        return i
    }

    @inline(__always) private func indexOfLF(_ p: UnsafeBufferPointer<UInt8>, _ from: Int) -> Int? {
        guard from < p.count, let base = p.baseAddress else { return nil }
        guard let hit = memchr(base + from, 0x0A, p.count - from) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }
}

#if canImport(Glibc)
import Glibc
#endif
