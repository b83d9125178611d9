import Glibc

/// A block of journal entries copied out of sd-journal by the reader thread, encoded by the input's thread.
/// Blocks are recycled, so after warm-up the two threads exchange entries without allocating.
final class EntryBlock: @unchecked Sendable {
    static let capacity = 128
    let entries: [JournalEntry] = (0..<EntryBlock.capacity).map { _ in JournalEntry() }
    var count = 0
    /// Set on the last block: the journal's end (`--once`) or a stop.
    var isLast = false

    func reset() { count = 0; isLast = false }
}

/// The hand-over between the reader thread and the encoding thread: a few blocks circulate between a
/// "filled" and an "empty" queue, which bounds memory and gives the reader back-pressure.
final class EntryBlockChannel: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var changed = pthread_cond_t()
    private var filled: [EntryBlock] = []
    private var empty: [EntryBlock]

    init(blocks: Int = 4) {
        empty = (0..<blocks).map { _ in EntryBlock() }
        pthread_mutex_init(&mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(&changed, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(&changed)
        pthread_mutex_destroy(&mutex)
    }

    func putFilled(_ block: EntryBlock) { push { filled.append(block) } }
    func putEmpty(_ block: EntryBlock) { block.reset(); push { empty.append(block) } }

    /// Waits for an empty block (the encoder is behind: this is the reader's back-pressure).
    func takeEmpty() -> EntryBlock { take(timeoutNanos: nil) { empty.isEmpty ? nil : empty.removeFirst() }! }

    /// The next filled block, or nil after `timeoutNanos` without one.
    func takeFilled(timeoutNanos: UInt64) -> EntryBlock? {
        take(timeoutNanos: timeoutNanos) { filled.isEmpty ? nil : filled.removeFirst() }
    }

    private func push(_ body: () -> Void) {
        pthread_mutex_lock(&mutex)
        body()
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
    }

    private func take(timeoutNanos: UInt64?, _ pick: () -> EntryBlock?) -> EntryBlock? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        var deadline = timespec()
        if let t = timeoutNanos {
            clock_gettime(CLOCK_MONOTONIC, &deadline)
            let ns = UInt64(deadline.tv_nsec) + t
            deadline.tv_sec += Int(ns / 1_000_000_000)
            deadline.tv_nsec = Int(ns % 1_000_000_000)
        }
        while true {
            if let b = pick() { return b }
            if timeoutNanos == nil {
                pthread_cond_wait(&changed, &mutex)
            } else if pthread_cond_timedwait(&changed, &mutex, &deadline) == ETIMEDOUT {
                return pick()
            }
        }
    }
}
