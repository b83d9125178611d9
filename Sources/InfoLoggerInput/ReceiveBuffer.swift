import Listeners
#if canImport(Glibc)
import Glibc
#endif

/// Bytes read from one connection and not yet consumed. One allocation per connection, grown only for a
/// record larger than the current capacity (bounded by the caller's limit). With a `budget`, what it grows
/// beyond its first capacity is reserved from the budget first, and given back once the buffer is empty.
final class ReceiveBuffer {
    private(set) var storage: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private let initialCapacity: Int
    private let budget: ByteBudget?
    /// Unconsumed bytes are `start..<end`.
    var start = 0
    private(set) var end = 0

    /// `read` returned this: the buffer is full and the budget has no room for it to grow.
    static let noRoom = -2

    init(capacity: Int = 256 << 10, budget: ByteBudget? = nil) {
        self.capacity = capacity
        initialCapacity = capacity
        self.budget = budget
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deallocate()
        budget?.release(capacity - initialCapacity)
    }

    var count: Int { end - start }
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage + start, count: end - start) }

    /// One `read(2)`: the byte count, 0 at end of stream, -1 on error, `noRoom` when it may not grow.
    func read(from fd: Int32, reserving minimum: Int = 64 << 10) -> Int {
        if start == end {
            start = 0; end = 0
            if budget != nil && capacity > initialCapacity { shrink() }
        }
        if capacity - end < minimum && start > 0 { compact() }
        if capacity - end < minimum {
            let size = max(capacity * 2, end + minimum)
            if let budget, !budget.reserve(size - capacity) {
                if capacity - end > 0 { return readSome(fd) }
                return Self.noRoom
            }
            grow(to: size)
        }
        return readSome(fd)
    }

    private func readSome(_ fd: Int32) -> Int {
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

    private func shrink() {
        storage.deallocate()
        storage = .allocate(capacity: initialCapacity)
        budget?.release(capacity - initialCapacity)
        capacity = initialCapacity
    }
}
