import CCurl
import Config
import Logging
import Pipeline
import Reporting

/// A submitted batch while some of its items are not final yet.
final class BatchProgress {
    var outcome: BatchOutcome
    /// Items not yet indexed, duplicate or durably dead-lettered.
    var unresolved: Int

    init(_ batch: Batch) {
        outcome = BatchOutcome(inputID: batch.inputID, sequence: batch.sequence, checkpoint: batch.checkpoint)
        unresolved = batch.count
    }
}

/// Some items of one batch on their way to the cluster: the whole batch, a retried subset, a half after
/// a 413, or the dead letters of rejected items.
struct Attempt {
    enum Kind { case documents, deadLetters }
    let progress: BatchProgress
    var piece: Batch
    var kind: Kind
    /// Consecutive failed tries of these items, for the backoff.
    var failures = 0
}

/// The delivery thread: one curl multi handle driving up to `maxInFlight` `_bulk` requests, plus the
/// queues of attempts ready to go and attempts waiting out a backoff. Everything here is touched only by
/// that thread; the mailbox is the way in.
final class DeliveryLoop: @unchecked Sendable {
    let settings: OutputSettings
    let logger: Logger
    let mailbox: DeliveryMailbox
    let onComplete: @Sendable (BatchOutcome) -> Void
    let backoff: Backoff
    let deadLetterFile: DeadLetterFile
    var hosts: HostPool
    let retryLog = LogThrottle()

    private var multi: UnsafeMutableRawPointer? = nil
    private var idle: [CurlTransfer] = []
    private var running: [UnsafeMutableRawPointer: (transfer: CurlTransfer, attempt: Attempt, host: Int, started: Double)] = [:]
    /// Slots before `readyHead` were started and are emptied at once: a started attempt's batch body must not
    /// stay alive here after the request finished (with a backlog, up to 64 of them did).
    private var ready: [Attempt?] = []
    private var readyHead = 0
    private var delayed: [(due: Double, attempt: Attempt)] = []

    init(settings: OutputSettings, stateDirectory: String, logger: Logger, mailbox: DeliveryMailbox,
         onComplete: @escaping @Sendable (BatchOutcome) -> Void) {
        self.settings = settings
        self.logger = logger
        self.mailbox = mailbox
        self.onComplete = onComplete
        backoff = Backoff(settings.retry)
        hosts = HostPool(hosts: settings.hosts, backoff: backoff)
        deadLetterFile = DeadLetterFile(stateDirectory: stateDirectory, file: settings.deadLetter.file)
    }

    var maxInFlight: Int { max(1, settings.maxInFlight) }

    /// How much of a `_bulk` answer is kept (the rest is discarded and counted). A 2xx answer holds one result
    /// per item, ~200 bytes for `created` and ~350 for a 409 against Elasticsearch and osmem, and an error's
    /// reason may quote the document: 2 KiB per item plus the request's own size plus 64 KiB covers every real
    /// answer. Any other status is read for its error's type and reason only: 64 KiB. A cluster or proxy that
    /// answers 400 MiB (measured: the process grew to 514 MB) now costs at most that per request in flight.
    static func responseLimit(_ piece: Batch) -> ResponseBodyLimit {
        ResponseBodyLimit(success: errorBodyLimit + piece.count * 2048 + piece.body.count, failure: errorBodyLimit)
    }

    static let errorBodyLimit = 64 << 10

    func run() {
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed (out of memory)") }
        self.multi = multi
        mailbox.loopStarted(multi: multi)
        while true {
            let (batches, stopping) = mailbox.takeIncoming()
            if stopping { break }
            for batch in batches { accept(batch) }
            let now = MonotonicClock.seconds()
            promoteDue(now: now)
            startReady(now: now)
            var stillRunning: Int32 = 0
            _ = curl_multi_perform(multi, &stillRunning)
            collectFinished()
            mailbox.updateStats { $0.inFlight = running.count }
            let timeout = pollTimeout(now: MonotonicClock.seconds())
            if timeout > 0 { _ = lb_multi_poll(multi, Int32(timeout)) }
        }
        // Stopping: in-flight requests are abandoned; their batches never complete, so no checkpoint moves past them.
        for handle in running.keys { _ = curl_multi_remove_handle(multi, handle) }
        running.removeAll()
        idle.removeAll()
        mailbox.loopEnded()
        self.multi = nil
        curl_multi_cleanup(multi)
    }

    private func accept(_ batch: Batch) {
        let progress = BatchProgress(batch)
        if batch.isEmpty {
            complete(progress)
        } else {
            ready.append(Attempt(progress: progress, piece: batch, kind: .documents))
        }
    }

    private func promoteDue(now: Double) {
        guard delayed.contains(where: { $0.due <= now }) else { return }
        var waiting: [(due: Double, attempt: Attempt)] = []
        for entry in delayed {
            if entry.due <= now { ready.append(entry.attempt) } else { waiting.append(entry) }
        }
        delayed = waiting
    }

    private func startReady(now: Double) {
        while running.count < maxInFlight && readyHead < ready.count {
            guard let attempt = ready[readyHead] else { readyHead += 1; continue }
            ready[readyHead] = nil
            readyHead += 1
            start(attempt, now: now)
        }
        // Drop what was started, so a queue that never quite empties does not grow without end.
        if readyHead == ready.count {
            ready.removeAll(keepingCapacity: true)
            readyHead = 0
        } else if readyHead >= 64 {
            ready.removeFirst(readyHead)
            readyHead = 0
        }
    }

    private func start(_ attempt: Attempt, now: Double) {
        guard let multi else { return }
        let hostIndex = hosts.next(now: now)
        let host = hosts.hosts[hostIndex]
        let transfer = idle.popLast() ?? CurlTransfer(settings: settings)
        let request = HTTPRequest(method: "POST", path: "/_bulk", body: attempt.piece.body,
                                  contentType: "application/x-ndjson", responseLimit: Self.responseLimit(attempt.piece))
        do {
            try transfer.prepare(request, host: host)
        } catch {
            idle.append(transfer)
            retryWhole(attempt, host: host, reason: "\(error)", now: now, failover: false)
            return
        }
        _ = curl_multi_add_handle(multi, transfer.handle)
        running[transfer.handle] = (transfer, attempt, hostIndex, now)
        let sent = transfer.bodyBytesSent
        mailbox.updateStats { $0.requests += 1; $0.bytesSent += sent }
    }

    private func collectFinished() {
        guard let multi else { return }
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            _ = curl_multi_remove_handle(multi, handle)
            guard let entry = running.removeValue(forKey: handle) else { continue }
            let result: Result<HTTPResponse, ClusterError>
            do { result = .success(try entry.transfer.finish(code)) } catch let e as ClusterError {
                result = .failure(e)
            } catch {
                result = .failure(.transport(host: entry.transfer.host, message: "\(error)"))
            }
            idle.append(entry.transfer)
            let now = MonotonicClock.seconds()
            let answered: Bool
            if case .success(let r) = result, (200..<300).contains(r.status) { answered = true } else { answered = false }
            let discarded = (try? result.get())?.discardedBytes ?? 0
            mailbox.updateStats {
                $0.discardedResponseBytes += discarded
                $0.latency.observe(now - entry.started)
                if answered {
                    $0.lastAnsweredAt = now
                    $0.failingSince = nil
                } else if $0.failingSince == nil {
                    $0.failingSince = now
                }
            }
            process(result, of: entry.attempt, hostIndex: entry.host, now: now)
        }
    }

    /// Milliseconds to sleep in `curl_multi_poll`: zero when something can start now, otherwise until the
    /// next backoff ends (capped, so a stop request is never kept waiting long even without a wakeup).
    private func pollTimeout(now: Double) -> Int {
        if readyHead < ready.count && running.count < maxInFlight { return 0 }
        var timeout = 1000.0
        for entry in delayed { timeout = min(timeout, (entry.due - now) * 1000) }
        return max(0, Int(timeout.rounded(.up)))
    }

    // MARK: used by the response handling

    func schedule(_ attempt: Attempt, after delay: Double, now: Double) {
        if delay <= 0 { ready.append(attempt) } else { delayed.append((now + delay, attempt)) }
    }

    /// Marks `count` items of the attempt's batch final and completes the batch when none are left.
    func resolve(_ progress: BatchProgress, count: Int) {
        progress.unresolved -= count
        if progress.unresolved == 0 { complete(progress) }
    }

    private func complete(_ progress: BatchProgress) {
        mailbox.finishedBatch()
        onComplete(progress.outcome)
    }
}
