#if canImport(Glibc)
import Glibc
#endif

/// Reads one segment file through a fixed buffer, so memory stays bounded however large the backlog:
/// the buffer only grows for a single record larger than it (never past header + `maxRecordBytes`).
final class SegmentCursor {
    private(set) var fd: Int32 = -1
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    /// File offset of `buffer[0]` and how many bytes after it are valid.
    private var base = 0
    private var filled = 0

    init(bufferBytes: Int) {
        capacity = max(4096, bufferBytes)
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        if fd >= 0 { close(fd) }
        buffer.deallocate()
    }

    /// Takes ownership of `fd`, closing the previous one.
    func attach(_ newFD: Int32) {
        if fd >= 0 { close(fd) }
        fd = newFD
        base = 0; filled = 0
    }

    func detach() { attach(-1) }

    /// Bytes `offset..<offset+count` of the file, reading more as needed but never past `limit` (the writer's
    /// published end; nil = end of file). Nil when the file does not hold them (yet). Valid until the next call.
    func view(offset: Int, count: Int, limit: Int?) throws -> UnsafeRawBufferPointer? {
        if offset < base || offset > base + filled { base = offset; filled = 0 }
        if offset + count <= base + filled {
            return UnsafeRawBufferPointer(start: buffer + (offset - base), count: count)
        }
        // Slide what is still wanted to the front, then read into the rest of the buffer.
        let keep = base + filled - offset
        if keep > 0 && offset > base { memmove(buffer, buffer + (offset - base), keep) }
        base = offset; filled = max(0, keep)
        if count > capacity { grow(to: count) }
        while filled < count {
            var want = capacity - filled
            if let limit { want = min(want, limit - (base + filled)) }
            if want <= 0 { break }
            let n = pread(fd, buffer + filled, want, off_t(base + filled))
            if n < 0 {
                if errno == EINTR { continue }
                throw SpoolError.io(path: "fd \(fd)", what: "read", errno: errno)
            }
            if n == 0 { break }
            filled += n
        }
        return filled >= count ? UnsafeRawBufferPointer(start: buffer, count: count) : nil
    }

    /// Bytes of the file at and after `offset` that the last read saw (to tell a torn tail from a clean end).
    func bytesSeen(after offset: Int) -> Int { max(0, base + filled - offset) }

    private func grow(to count: Int) {
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 16)
        bigger.copyMemory(from: buffer, byteCount: filled)
        buffer.deallocate()
        buffer = bigger
        capacity = count
    }
}
