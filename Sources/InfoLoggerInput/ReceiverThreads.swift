import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The lifecycle every receiver shares: threads that poll a stop flag, and a bounded wait for them on stop
/// (a thread blocked on a full spool is released when the spool closes right after).
final class ReceiverThreads: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let running = Atomic<Int>(0)
    /// Open connection sockets, shut down on stop so blocked reads return at once.
    private let sockets = Mutex<Set<Int32>>([])

    var isStopping: Bool { stopping.load(ordering: .acquiring) }

    func spawn(_ body: @escaping @Sendable () -> Void) {
        running.add(1, ordering: .relaxed)
        let box = Unmanaged.passRetained(Body { [self] in
            body()
            running.subtract(1, ordering: .releasing)
        }).toOpaque()
        var thread = pthread_t()
        if pthread_create(&thread, nil, { arg in
            Unmanaged<Body>.fromOpaque(arg!).takeRetainedValue().run()
            return nil
        }, box) == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<Body>.fromOpaque(box).release()
            running.subtract(1, ordering: .relaxed)
        }
    }

    func track(_ fd: Int32) { sockets.withLock { _ = $0.insert(fd) } }
    func closeTracked(_ fd: Int32) {
        sockets.withLock { _ = $0.remove(fd) }
        close(fd)
    }

    func stop(waitingUpTo seconds: Double = 2) {
        stopping.store(true, ordering: .releasing)
        sockets.withLock { for fd in $0 { shutdown(fd, Int32(SHUT_RDWR)) } }
        var waited = 0.0
        while running.load(ordering: .acquiring) > 0 && waited < seconds {
            usleep(10_000)
            waited += 0.01
        }
    }

    /// Sleeps `seconds` unless stopping; false when stopping.
    func pause(_ seconds: Double) -> Bool {
        var left = seconds
        while left > 0 {
            if isStopping { return false }
            usleep(UInt32(min(left, 0.1) * 1_000_000))
            left -= 0.1
        }
        return !isStopping
    }

    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
