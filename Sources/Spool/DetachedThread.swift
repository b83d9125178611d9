#if canImport(Glibc)
import Glibc
#endif

/// Runs a closure on a new detached pthread (the interval flusher), without pulling in Foundation.
enum DetachedThread {
    private final class Body { let run: @Sendable () -> Void; init(_ run: @escaping @Sendable () -> Void) { self.run = run } }

    static func start(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            Unmanaged<Body>.fromOpaque(arg!).takeRetainedValue().run()
            return nil
        }, box)
        if rc == 0 { pthread_detach(thread) } else { Unmanaged<Body>.fromOpaque(box).release() }
    }
}
