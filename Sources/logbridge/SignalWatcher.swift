import Foundation

/// Turns SIGTERM/SIGINT/SIGHUP into a callback on a thread of its own. The signals are blocked in every thread
/// (set before any other thread starts, so threads inherit the mask) and collected with sigwait, so no
/// work happens inside a signal handler. It lives as long as the process.
final class SignalWatcher: @unchecked Sendable {
    private let thread: Thread

    /// Stop signals only (other commands): a second one exits at once.
    convenience init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        self.init(stop: signals, handler: handler)
    }

    /// - Parameters:
    ///   - stop: signals that ask for a graceful stop; a second one exits at once.
    ///   - reload: signals that may come any number of times (SIGHUP).
    init(stop: [Int32], reload: [Int32] = [], handler: @escaping @Sendable (Int32) -> Void) {
        var set = sigset_t()
        sigemptyset(&set)
        for s in stop + reload { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let waitSet = set
        thread = Thread {
            var s = waitSet
            var stops = 0
            while true {
                var sig: Int32 = 0
                guard sigwait(&s, &sig) == 0 else { continue }
                if stop.contains(sig) {
                    stops += 1
                    // A second stop signal means the operator does not want to wait for the graceful stop.
                    if stops > 1 { _exit(128 + sig) }
                }
                handler(sig)
            }
        }
        thread.name = "signals"
        thread.start()
    }
}
