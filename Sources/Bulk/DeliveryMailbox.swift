import CCurl
import Foundation
import Pipeline

/// The only state shared between callers of `BulkOutput` and its delivery thread, all behind one condition.
final class DeliveryMailbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var incoming: [Batch] = []
    private var unfinished = 0
    private var stopping = false
    private var loopRunning = false
    private var stats = BulkStats()
    /// Set while the delivery thread's multi handle exists, so `curl_multi_wakeup` never sees a freed one.
    private var multi: UnsafeMutableRawPointer? = nil

    /// Blocks while `limit` batches are unfinished; false once the output is stopping (the batch is not taken).
    func submit(_ batch: Batch, limit: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while unfinished >= limit && !stopping { condition.wait() }
        if stopping { return false }
        incoming.append(batch)
        unfinished += 1
        stats.batchesPending = unfinished
        if let multi { curl_multi_wakeup(multi) }
        return true
    }

    func takeIncoming() -> (batches: [Batch], stopping: Bool) {
        condition.lock()
        defer { condition.unlock() }
        let out = incoming
        incoming.removeAll()
        return (out, stopping)
    }

    func finishedBatch() {
        condition.lock()
        unfinished -= 1
        stats.batchesPending = unfinished
        condition.broadcast()
        condition.unlock()
    }

    func waitUntilIdle() {
        condition.lock()
        while unfinished > 0 && loopRunning { condition.wait() }
        condition.unlock()
    }

    func waitUntilIdle(deadline: Date) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while unfinished > 0 && loopRunning {
            if !condition.wait(until: deadline) { return unfinished == 0 }
        }
        return unfinished == 0
    }

    func updateStats(_ change: (inout BulkStats) -> Void) {
        condition.lock()
        change(&stats)
        condition.unlock()
    }

    var snapshot: BulkStats {
        condition.lock()
        defer { condition.unlock() }
        return stats
    }

    /// Called before the thread is spawned, so `waitUntilIdle` and `stop` right after `start` see it running.
    func willStartLoop() {
        condition.lock()
        loopRunning = true
        condition.unlock()
    }

    func loopStarted(multi: UnsafeMutableRawPointer) {
        condition.lock()
        self.multi = multi
        if !incoming.isEmpty { curl_multi_wakeup(multi) }
        condition.unlock()
    }

    /// Called by the delivery thread before it frees the multi handle.
    func loopEnded() {
        condition.lock()
        multi = nil
        loopRunning = false
        stats.inFlight = 0
        condition.broadcast()
        condition.unlock()
    }

    /// Asks the loop to end and waits until it has.
    func stopAndWait() {
        condition.lock()
        stopping = true
        if let multi { curl_multi_wakeup(multi) }
        condition.broadcast()
        while loopRunning { condition.wait() }
        condition.unlock()
    }

    var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }
}
