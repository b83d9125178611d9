import Foundation

/// Turns SIGTERM/SIGINT into a callback on a thread of its own. The signals are blocked in every thread
/// (set before any other thread starts, so threads inherit the mask) and collected with sigwait, so no
/// work happens inside a signal handler. It lives as long as the process.
final class SignalWatcher: @unchecked Sendable {
    private let thread: Thread

    init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let waitSet = set
        thread = Thread {
            var s = waitSet
            var received = 0
            while true {
                var sig: Int32 = 0
                guard sigwait(&s, &sig) == 0 else { continue }
                received += 1
                // A second signal means the operator does not want to wait for the graceful stop.
                if received > 1 { _exit(128 + sig) }
                handler(sig)
            }
        }
        thread.name = "signals"
        thread.start()
    }
}
