#if canImport(Glibc)
import Glibc
#endif

/// Bytes read from one connection and not yet consumed. One allocation per connection, grown only for a
/// record larger than the current capacity (bounded by the caller's limit).
final class ReceiveBuffer {
    private(set) var storage: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    /// Unconsumed bytes are `start..<end`.
    var start = 0
    private(set) var end = 0

    init(capacity: Int = 256 << 10) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    var count: Int { end - start }
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage + start, count: end - start) }

    /// One `read(2)`: the byte count, 0 at end of stream, -1 on error.
    func read(from fd: Int32, reserving minimum: Int = 64 << 10) -> Int {
        if start == end { start = 0; end = 0 }
        if capacity - end < minimum && start > 0 { compact() }
        if capacity - end < minimum { grow(to: max(capacity * 2, end + minimum)) }
        while true {
            let n = Glibc.read(fd, storage + end, capacity - end)
            if n < 0 && errno == EINTR { continue }
            if n > 0 { end += n }
            return n
        }
    }

    private func compact() {
        storage.update(from: storage + start, count: end - start)
        end -= start
        start = 0
    }

    private func grow(to size: Int) {
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        bigger.update(from: storage + start, count: end - start)
        storage.deallocate()
        storage = bigger
        end -= start
        start = 0
        capacity = size
    }
}
