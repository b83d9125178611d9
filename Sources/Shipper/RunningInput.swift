import Foundation
import Inputs
import Pipeline
import Instrumentation
import Synchronization

/// One input of a run and everything the run keeps for it, under one lock: the acknowledgement window that
/// orders its completed batches, the acknowledged checkpoint not yet written, and when one was last written.
///
/// The delivery thread only records completions here (`acknowledged`); checkpoints are written by the run's
/// own loop (`takeDue`, then `persisted` or `failed`), so the `fsync`s of a checkpoint never hold up the
/// handling of `_bulk` answers.
final class RunningInput: Sendable {
    let input: any Input
    var id: String { input.id }

    private struct State {
        var window = AcknowledgementWindow()
        /// The newest acknowledged checkpoint not yet written, with its place in the input's sequence of them.
        var unsaved: (generation: Int, checkpoint: Checkpoint)?
        var generation = 0
        /// Monotonic seconds of the last write attempt; wall-clock seconds of the last write that succeeded.
        var lastAttempt = -Double.infinity
        var savedAt: Double?
        /// Monotonic seconds each batch in flight was handed to the output, for the health documents' lag.
        var submittedAt: [UInt64: Double] = [:]
        var health = HealthTally()
    }
    private let state = Mutex(State())

    init(_ input: any Input) { self.input = input }

    /// The input hands a batch to the output (input thread, before a back-pressure wait, which is lag too).
    func submitted(sequence: UInt64, at now: Double = MonotonicClock.seconds()) {
        state.withLock { $0.submittedAt[sequence] = now }
    }

    /// A batch of this input completed (delivery thread): counts it for the health document, moves the window,
    /// keeps the checkpoint it reached.
    func acknowledged(_ outcome: BatchOutcome, at now: Double = MonotonicClock.seconds()) {
        state.withLock { s in
            s.health.indexed += outcome.indexed + outcome.duplicates
            s.health.deadLettered += outcome.deadLettered
            s.health.retried += outcome.retried
            if let at = s.submittedAt.removeValue(forKey: outcome.sequence) { s.health.worstLag = max(s.health.worstLag, now - at) }
            guard let cp = s.window.complete(sequence: outcome.sequence, checkpoint: outcome.checkpoint) else { return }
            s.generation += 1
            s.unsaved = (s.generation, cp)
        }
    }

    /// The checkpoint to write now, if one waits and the last attempt is `interval` seconds old or more (all of
    /// them when `interval` is nil). Taken out of the state: `failed` puts it back unless a newer one arrived.
    func takeDue(interval: Double?, now: Double) -> (generation: Int, checkpoint: Checkpoint)? {
        state.withLock { s in
            guard let due = s.unsaved else { return nil }
            if let interval, now - s.lastAttempt < interval { return nil }
            s.unsaved = nil
            s.lastAttempt = now
            return due
        }
    }

    func persisted(at wallSeconds: Double) { state.withLock { $0.savedAt = wallSeconds } }

    func failed(_ entry: (generation: Int, checkpoint: Checkpoint)) {
        state.withLock { s in
            if (s.unsaved?.generation ?? 0) < entry.generation { s.unsaved = entry }
        }
    }

    /// What was acknowledged since the last call, and the batches still in flight (`worstLag` includes the oldest's
    /// age): one health sample's share of the output.
    func takeHealth(now: Double = MonotonicClock.seconds()) -> HealthTally {
        state.withLock { s in
            var out = s.health
            s.health = HealthTally()
            out.pendingBatches = s.submittedAt.count
            if let oldest = s.submittedAt.values.min() { out.worstLag = max(out.worstLag, now - oldest) }
            return out
        }
    }

    /// Wall-clock seconds of the last checkpoint this run wrote; nil before the first.
    var savedAt: Double? { state.withLock { $0.savedAt } }
}

/// One input's output figures between two health samples.
struct HealthTally: Sendable, Equatable {
    /// Created or already present (409 on `create`).
    var indexed = 0
    var deadLettered = 0
    var retried = 0
    /// Seconds: the longest a batch acknowledged in the interval waited from submission to its answer, or the
    /// age of the oldest batch still waiting, whichever is longer.
    var worstLag = 0.0
    var pendingBatches = 0
}
