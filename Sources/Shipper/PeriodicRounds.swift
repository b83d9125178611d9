import Foundation
import Instrumentation

/// A thread that runs `round` every `interval` seconds, and once more when asked to stop: the rhythm of the
/// pattern catalogue and of the health documents, which both write to the cluster off the inputs' path.
///
/// `round(last, write)`: `last` for the round at stop; `write` false when that round must not talk to the
/// cluster (the output already gave up on it, so a black-holed cluster cannot hold the stop).
final class PeriodicRounds: @unchecked Sendable {
    private let name: String
    private let interval: Double
    private let round: @Sendable (_ last: Bool, _ write: Bool) -> Void
    private let condition = NSCondition()
    private var stopping = false
    private var writeAtStop = true
    private var thread: Thread?

    init(name: String, interval: Double, round: @escaping @Sendable (_ last: Bool, _ write: Bool) -> Void) {
        self.name = name
        self.interval = interval
        self.round = round
    }

    var started: Bool { thread != nil }

    func start() {
        let t = Thread { [self] in loop() }
        t.name = name
        thread = t
        t.start()
    }

    /// Asks for the last round and waits for it until `deadline` (monotonic seconds). False when it is still
    /// running then (a write waiting on a slow cluster): the caller decides what to do without it.
    func stop(write: Bool, deadline: Double) -> Bool {
        condition.lock()
        stopping = true
        writeAtStop = write
        condition.broadcast()
        condition.unlock()
        guard let t = thread else { return true }
        while !t.isFinished && MonotonicClock.seconds() < deadline { usleep(2_000) }
        return t.isFinished
    }

    private func loop() {
        while true {
            condition.lock()
            if !stopping { _ = condition.wait(until: Date(timeIntervalSinceNow: interval)) }
            let last = stopping
            let write = !last || writeAtStop
            condition.unlock()
            round(last, write)
            if last { return }
        }
    }
}
