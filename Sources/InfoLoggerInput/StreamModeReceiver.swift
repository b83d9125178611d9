import Config
import Inputs
import Logging
import Spool
#if canImport(Glibc)
import Glibc
#endif

/// `mode: stream` — a subscriber of infoLoggerServer's online port (6102), which pushes every message as a
/// protocol-1.4 line and reads nothing back. There is no acknowledgement, so a reconnection can miss
/// messages: each one after the first connection is counted as a gap and logged.
final class StreamModeReceiver: SpoolReceiver, @unchecked Sendable {
    let settings: InfoLoggerReceiverSettings
    private let threads = ReceiverThreads()

    init(settings: InfoLoggerReceiverSettings) { self.settings = settings }

    var isExhausted: Bool { true }

    func start(spool: Spool, context: InputContext) throws {
        guard let target = settings.input.connect else { throw PosixSocket.Failure(what: "mode stream needs connect", code: EINVAL) }
        threads.spawn { [self] in run(target, spool: spool, context: context) }
    }

    func stop() { threads.stop() }

    private func run(_ target: InfoLoggerInputSettings.Endpoint, spool: Spool, context: InputContext) {
        let logger = context.logger
        let source = "infologger-stream \(target)"
        var backoff = Backoff(maxSeconds: settings.input.reconnectMaxSeconds)
        var connectedBefore = false
        while !threads.isStopping {
            let fd: Int32
            do {
                fd = try PosixSocket.connectTCP(host: target.host, port: target.port, timeoutSeconds: 5)
            } catch {
                let wait = backoff.next()
                logger.warning("InfoLogger stream: cannot connect; retrying",
                               metadata: ["server": "\(target)", "error": "\(error)", "retry_in_s": "\(wait)"])
                guard threads.pause(wait) else { return }
                continue
            }
            backoff.reset()
            settings.counters.connectionsAccepted.add(1, ordering: .relaxed)
            if connectedBefore {
                settings.counters.gaps.add(1, ordering: .relaxed)
                logger.warning("InfoLogger stream reconnected; messages sent while disconnected were missed (gap counted)",
                               metadata: ["server": "\(target)", "gaps": "\(settings.counters.gaps.load(ordering: .relaxed))"])
            } else {
                logger.info("InfoLogger stream connected", metadata: ["server": "\(target)"])
            }
            connectedBefore = true
            threads.track(fd)
            var spooler = RecordSpooler(spool: spool, context: context, settings: settings, source: source)
            let end = LineReader(maxRecordBytes: settings.input.maxRecordBytes).run(fd, spooler: &spooler, threads: threads)
            threads.closeTracked(fd)
            switch end {
            case .stopped: return
            case .closed: logger.warning("InfoLogger stream closed by the server; reconnecting", metadata: ["server": "\(target)"])
            case .tooLong:
                settings.counters.protocolErrors.add(1, ordering: .relaxed)
                logger.error("InfoLogger stream line longer than max_record_bytes; reconnecting", metadata: ["server": "\(target)"])
            case .failed(let error):
                logger.error("InfoLogger stream record not stored; reconnecting", metadata: ["server": "\(target)", "error": "\(error)"])
            }
            guard threads.pause(backoff.next()) else { return }
        }
    }
}

/// Reconnection delays: 0.5 s doubling up to a maximum, like infoLoggerD's own (1, 2, 4 … 300 s).
struct Backoff {
    let maxSeconds: Double
    private var current = 0.5
    init(maxSeconds: Double) { self.maxSeconds = maxSeconds }
    mutating func next() -> Double {
        defer { current = min(current * 2, maxSeconds) }
        return min(current, maxSeconds)
    }
    mutating func reset() { current = 0.5 }
}
