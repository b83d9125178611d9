import Foundation
import Logging
import Spool
import Synchronization

/// Moves encoded records from the event loops to the spool on a thread of its own, so an append that blocks
/// (spool full under `when_full: block`, disk full, `fsync: always`) never stalls a loop. The queue between
/// them is bounded: above `highWater` bytes TCP connections stop reading and UDP datagrams are dropped
/// (counted); connections resume once the appender has brought it under `lowWater`.
final class SpoolAppender: @unchecked Sendable {
    /// Several records, back to back, with the end offset of each.
    struct Chunk: Sendable {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var isEmpty: Bool { ends.isEmpty }
        mutating func endRecord() { ends.append(bytes.count) }
    }

    let highWater: Int
    let lowWater: Int
    private let logger: Logger
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [Chunk] = []
    private var head = 0
    private var queuedBytes = 0
    private var stopping = false
    private var busy = false
    private var waiters: [@Sendable () -> Void] = []
    private var spool: Spool?
    private var thread: Thread?

    let appended = Atomic<Int>(0)
    let failed = Atomic<Int>(0)

    init(highWater: Int = 8 << 20, logger: Logger) {
        self.highWater = highWater
        self.lowWater = highWater / 4
        self.logger = logger
    }

    func start(spool: Spool, name: String) {
        self.spool = spool
        burst = SpoolWriteBatch(maxRecordBytes: spool.options.maxRecordBytes, reservingCapacity: 1 << 20)
        let t = Thread { [self] in run() }
        t.name = name
        thread = t
        t.start()
    }

    /// Queues `chunk`; returns false when the queue is above the high-water mark (the caller should pause).
    func offer(_ chunk: Chunk) -> Bool {
        condition.lock(); defer { condition.unlock() }
        queue.append(chunk)
        queuedBytes += chunk.bytes.count
        condition.signal()
        return queuedBytes < highWater
    }

    /// Queues `chunk` only when there is room; false means it was dropped (UDP, which cannot be paused).
    func offerOrDrop(_ chunk: Chunk) -> Bool {
        condition.lock(); defer { condition.unlock() }
        guard queuedBytes < highWater else { return false }
        queue.append(chunk)
        queuedBytes += chunk.bytes.count
        condition.signal()
        return true
    }

    /// Runs `resume` once the queue is under the low-water mark (at once when it already is).
    func whenDrained(_ resume: @escaping @Sendable () -> Void) {
        condition.lock()
        if queuedBytes < lowWater { condition.unlock(); resume(); return }
        waiters.append(resume)
        condition.unlock()
    }

    /// Gives queued records up to `timeout` seconds to reach the spool, then stops the thread.
    func stop(timeout: Double = 5) {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        while (queuedBytes > 0 || busy) && Date() < deadline { condition.wait(until: min(deadline, Date().addingTimeInterval(0.05))) }
        stopping = true
        let lost = queue[head...].reduce(0) { $0 + $1.ends.count }
        condition.broadcast()
        condition.unlock()
        if lost > 0 {
            logger.error("stopping with received messages not yet in the spool; they are lost", metadata: ["messages": "\(lost)"])
            failed.add(lost, ordering: .relaxed)
        }
    }

    var queued: Int { condition.lock(); defer { condition.unlock() }; return queuedBytes }

    private func run() {
        guard let spool else { return }
        while true {
            condition.lock()
            while head == queue.count && !stopping { condition.wait() }
            if stopping { condition.unlock(); return }
            let chunk = queue[head]
            head += 1
            if head > 64 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
            busy = true
            condition.unlock()

            write(chunk, to: spool)

            condition.lock()
            busy = false
            queuedBytes -= chunk.bytes.count
            var wake: [@Sendable () -> Void] = []
            if queuedBytes < lowWater && !waiters.isEmpty { swap(&wake, &waiters) }
            condition.broadcast()
            condition.unlock()
            for w in wake { w() }
        }
    }

    /// Reused for every chunk: records are laid out with their headers here and go to the spool in one
    /// `append` (one lock, one `pwrite`) instead of one per message, the cost that capped TCP syslog.
    private var burst = SpoolWriteBatch(reservingCapacity: 0)

    private func write(_ chunk: Chunk, to spool: Spool) {
        burst.removeAll()
        var refused = 0
        chunk.bytes.withUnsafeBytes { all in
            var start = 0
            for end in chunk.ends {
                let record = UnsafeRawBufferPointer(rebasing: all[start..<end])
                start = end
                do { try burst.append(record) } catch {
                    refused += 1
                    logger.error("cannot append a received message to the spool; dropped", metadata: ["error": "\(error)"])
                }
            }
        }
        if refused > 0 { failed.add(refused, ordering: .relaxed) }
        guard !burst.isEmpty else { return }
        do {
            try spool.append(burst)
            appended.add(burst.count, ordering: .relaxed)
        } catch {
            // `append` blocks while the spool is full; an error here is the spool closing or an I/O failure it
            // could not wait out. A prefix of the burst may be in the spool, but which is unknown: every message
            // of it is counted as lost (an over-count, never an under-count) and logged.
            failed.add(burst.count, ordering: .relaxed)
            logger.error("cannot append received messages to the spool; dropped", metadata: ["messages": "\(burst.count)", "error": "\(error)"])
        }
    }
}
