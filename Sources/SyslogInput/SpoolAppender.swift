import Foundation
import Inputs
import Listeners
import Logging
import Reporting
import Spool
import Synchronization

/// Moves records from the event loops to the spool on a thread of its own, so an append that blocks
/// (spool full under `when_full: block`, disk full, `fsync: always`) never stalls a loop. The queue between
/// them is bounded: above `highWater` bytes TCP connections stop reading and UDP datagrams are dropped
/// (counted); connections resume once the appender has brought it under `lowWater`.
///
/// The event loops encode each message straight into a `SpoolWriteBatch` (records with their spool headers,
/// as they go on disk), so the appender writes a read's records with one `pwrite` and copies nothing. Written
/// batches come back to a small pool: a busy connection reuses the same few buffers instead of allocating,
/// growing and freeing one per read, which cost page faults and (with glibc's per-thread arenas) resident memory
/// well beyond what was actually queued.
final class SpoolAppender: @unchecked Sendable {
    let highWater: Int
    let lowWater: Int
    private let logger: Logger
    private let counters: InputCounters?
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [SpoolWriteBatch?] = []
    private var head = 0
    private var queuedBytes = 0
    private var stopping = false
    private var busy = false
    private var waiters: [@Sendable () -> Void] = []
    private var spare: [SpoolWriteBatch] = []
    private var spareBytes = 0
    private var spool: Spool?
    private var maxRecordBytes = 16 << 20
    private var thread: Thread?

    let appended = Atomic<Int>(0)
    let failed = Atomic<Int>(0)

    /// Mirrors `queuedBytes` for `/metrics` (`bufferedBytes`, read without the lock).
    private let stats: ListenerStats?
    /// Reads per wake-up of the input's TCP/TLS connections, set from the queue at each `offer`.
    let bursts: ReadBursts

    /// `highWater` is the input's `max_buffered`. The queue only has to absorb the spool's append latency (an
    /// fsync, a segment roll); more would just be received data held in memory, invisible to the spool's cap
    /// (and lost at a crash). 1 MiB kept the 1M-line TCP bench at the same rate as 4 MiB with ~5 MB less peak RSS.
    init(highWater: Int = 1 << 20, logger: Logger, counters: InputCounters? = nil, stats: ListenerStats? = nil) {
        self.highWater = highWater
        self.lowWater = highWater / 4
        self.logger = logger
        self.counters = counters
        self.stats = stats
        self.bursts = ReadBursts(highWater: highWater)
    }

    func start(spool: Spool, name: String) {
        self.spool = spool
        maxRecordBytes = spool.options.maxRecordBytes
        let t = Thread { [self] in run() }
        t.name = name
        thread = t
        t.start()
    }

    /// An empty batch to encode the next read into: a recycled one when there is one.
    func emptyBatch() -> SpoolWriteBatch {
        condition.lock()
        guard var batch = spare.popLast() else {
            condition.unlock()
            return SpoolWriteBatch(maxRecordBytes: maxRecordBytes, reservingCapacity: 64 << 10)
        }
        spareBytes -= batch.capacity
        condition.unlock()
        // Emptied here, by its only owner: clearing a buffer someone else still references would copy it.
        batch.removeAll()
        return batch
    }

    /// Takes back a batch that will not be queued, for reuse.
    func recycle(_ batch: consuming SpoolWriteBatch) {
        condition.lock(); defer { condition.unlock() }
        keepLocked(batch)
    }

    /// Keeps at most `lowWater` bytes of buffers: enough for the batches in flight at a steady rate, while a
    /// burst's extra buffers are freed.
    private func keepLocked(_ batch: SpoolWriteBatch) {
        guard spareBytes + batch.capacity <= lowWater else { return }
        spareBytes += batch.capacity
        spare.append(batch)
    }

    /// Queues `batch`; returns false when the queue is above the high-water mark (the caller should pause).
    func offer(_ batch: SpoolWriteBatch) -> Bool {
        condition.lock()
        queuedBytes += batch.bytes.count
        let queued = queuedBytes
        stats?.bufferedBytes.store(queued, ordering: .relaxed)
        queue.append(batch)
        condition.signal()
        condition.unlock()
        bursts.queued(queued)
        return queued < highWater
    }

    /// Queues `batch` only when there is room; false means it was dropped (UDP, which cannot be paused).
    func offerOrDrop(_ batch: consuming SpoolWriteBatch) -> Bool {
        condition.lock(); defer { condition.unlock() }
        guard queuedBytes < highWater else {
            keepLocked(batch)
            return false
        }
        queuedBytes += batch.bytes.count
        stats?.bufferedBytes.store(queuedBytes, ordering: .relaxed)
        queue.append(batch)
        condition.signal()
        return true
    }

    /// True while the queue is at or above the high-water mark: a connection should not start a read.
    var isFull: Bool {
        condition.lock(); defer { condition.unlock() }
        return queuedBytes >= highWater
    }

    /// Runs `resume` once the queue is under the low-water mark (at once when it already is).
    func whenDrained(_ resume: @escaping @Sendable () -> Void) {
        condition.lock()
        if queuedBytes < lowWater { condition.unlock(); resume(); return }
        waiters.append(resume)
        condition.unlock()
    }

    /// Counts messages that were received but will never reach the spool.
    func lost(_ n: Int) {
        failed.add(n, ordering: .relaxed)
        counters?.dropped.add(n, ordering: .relaxed)
    }

    /// Gives queued records up to `timeout` seconds to reach the spool, then stops the thread.
    func stop(timeout: Double = 5) {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        while (queuedBytes > 0 || busy) && Date() < deadline { condition.wait(until: min(deadline, Date().addingTimeInterval(0.05))) }
        stopping = true
        let lost = queue[head...].reduce(0) { $0 + ($1?.count ?? 0) }
        condition.broadcast()
        condition.unlock()
        if lost > 0 {
            logger.error("stopping with received messages not yet in the spool; they are lost", metadata: ["messages": "\(lost)"])
            self.lost(lost)
        }
    }

    var queued: Int { condition.lock(); defer { condition.unlock() }; return queuedBytes }

    func metrics() -> [Metric] {
        [
            Metric("logbridge_syslog_spooled_total", .counter, help: "Syslog records the appender wrote to the spool.",
                   appended.load(ordering: .relaxed)),
            Metric("logbridge_syslog_spool_failed_total", .counter,
                   help: "Syslog records the appender could not write to the spool (also in logbridge_input_dropped_total).",
                   failed.load(ordering: .relaxed)),
        ]
    }

    private func run() {
        guard let spool else { return }
        while true {
            condition.lock()
            while head == queue.count && !stopping { condition.wait() }
            if stopping { condition.unlock(); return }
            // Moved out of the queue, not copied: the batch must be uniquely referenced to be reused in place.
            let batch = queue[head]!
            queue[head] = nil
            head += 1
            if head > 64 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
            busy = true
            condition.unlock()

            write(batch, to: spool)
            let size = batch.bytes.count

            condition.lock()
            busy = false
            queuedBytes -= size
            stats?.bufferedBytes.store(queuedBytes, ordering: .relaxed)
            keepLocked(consume batch)
            var wake: [@Sendable () -> Void] = []
            if queuedBytes < lowWater && !waiters.isEmpty { swap(&wake, &waiters) }
            condition.broadcast()
            condition.unlock()
            for w in wake { w() }
        }
    }

    private func write(_ batch: SpoolWriteBatch, to spool: Spool) {
        do {
            try spool.append(batch)
            appended.add(batch.count, ordering: .relaxed)
        } catch {
            // `append` blocks while the spool is full; an error here is the spool closing or an I/O failure it
            // could not wait out. A prefix of the batch may be in the spool, but which is unknown: every message
            // of it is counted as lost (an over-count, never an under-count) and logged.
            lost(batch.count)
            logger.error("cannot append received messages to the spool; dropped", metadata: ["messages": "\(batch.count)", "error": "\(error)"])
        }
    }
}
