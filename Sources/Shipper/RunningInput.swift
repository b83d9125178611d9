import Foundation
import Inputs
import Pipeline
import Reporting
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
    }
    private let state = Mutex(State())

    init(_ input: any Input) { self.input = input }

    /// A batch of this input completed (delivery thread): moves the window, keeps the checkpoint it reached.
    func acknowledged(sequence: UInt64, checkpoint: Checkpoint?) {
        state.withLock { s in
            guard let cp = s.window.complete(sequence: sequence, checkpoint: checkpoint) else { return }
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

    /// Wall-clock seconds of the last checkpoint this run wrote; nil before the first.
    var savedAt: Double? { state.withLock { $0.savedAt } }
}
