import Config
import Foundation
import Logging
import Pipeline

/// The delivery engine: takes batches, keeps up to `maxInFlight` `_bulk` requests going on its own thread,
/// retries what the cluster could not take yet, dead-letters what it will never take, and reports each
/// batch exactly once through `onComplete` when all its items are final.
///
/// At-least-once: a batch that has not completed when `stop()` is called never completes, so its
/// checkpoint is never persisted and the input reads it again next time. Deterministic `_id`s with
/// `create` turn the resent items into duplicates.
public final class BulkOutput: @unchecked Sendable {
    public let settings: OutputSettings
    private let logger: Logger
    private let mailbox = DeliveryMailbox()
    private let loop: DeliveryLoop
    private let lock = NSLock()
    private var started = false

    /// `onComplete` runs on the delivery thread: keep it short, and never call `submit` from it (that could
    /// wait for the very thread it runs on).
    public init(settings: OutputSettings, stateDirectory: String, logger: Logger,
                onComplete: @escaping @Sendable (BatchOutcome) -> Void) throws {
        try OutputSettingsCheck.validate(settings)
        self.settings = settings
        self.logger = logger
        loop = DeliveryLoop(settings: settings, stateDirectory: stateDirectory, logger: logger, mailbox: mailbox,
                            onComplete: onComplete)
    }

    public func start() {
        lock.lock()
        defer { lock.unlock() }
        guard !started else { return }
        started = true
        mailbox.willStartLoop()
        let loop = self.loop
        let thread = Thread { loop.run() }
        thread.name = "logbridge-bulk"
        thread.start()
    }

    /// Queues a batch. Blocks while `2 × maxInFlight` batches are unfinished, which bounds memory and
    /// pushes back on the input. After `stop()` the batch is ignored (and never completes).
    public func submit(_ batch: Batch) {
        _ = mailbox.submit(batch, limit: 2 * max(1, settings.maxInFlight))
    }

    /// Blocks until every submitted batch has completed (or the output was stopped).
    public func waitUntilIdle() {
        mailbox.waitUntilIdle()
    }

    /// Like `waitUntilIdle()`, giving up after `timeout` seconds; true when everything completed.
    public func waitUntilIdle(timeout: Double) -> Bool {
        mailbox.waitUntilIdle(deadline: Date(timeIntervalSinceNow: timeout))
    }

    /// Ends the delivery thread; unfinished batches are abandoned, not completed.
    public func stop() {
        mailbox.stopAndWait()
    }

    public var stats: BulkStats { mailbox.snapshot }
}
