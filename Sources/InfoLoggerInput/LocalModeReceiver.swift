import Config
import Inputs
import Logging
import Spool
#if canImport(Glibc)
import Glibc
#endif

/// `mode: local` — a drop-in for infoLoggerD on a node: applications (libInfoLogger, the Go client,
/// `o2-infologger-log`) connect to its Unix socket and write one record per line, with no reply. What is
/// read is in the spool under its `fsync` policy; there is no acknowledgement to withhold.
final class LocalModeReceiver: SpoolReceiver, @unchecked Sendable {
    let settings: InfoLoggerReceiverSettings
    private let threads = ReceiverThreads()

    init(settings: InfoLoggerReceiverSettings) { self.settings = settings }

    var isExhausted: Bool { true }

    func start(spool: Spool, context: InputContext) throws {
        let name = settings.input.socket
        let listener = try PosixSocket.listenUnix(name: name)
        context.logger.info("InfoLogger local socket listening",
                            metadata: ["input": "\(settings.input.id)", "socket": "\(name.hasPrefix("/") ? name : "@" + name)"])
        threads.spawn { [self] in
            defer {
                close(listener)
                if name.hasPrefix("/") { unlink(name) }
            }
            var clients = 0
            while !threads.isStopping {
                guard PosixSocket.waitReadable(listener, milliseconds: 200), let fd = PosixSocket.accept(listener) else { continue }
                settings.counters.connectionsAccepted.add(1, ordering: .relaxed)
                clients += 1
                let source = "infologger-local \(name) client \(clients)"
                threads.track(fd)
                threads.spawn { [self] in
                    defer { threads.closeTracked(fd) }
                    var spooler = RecordSpooler(spool: spool, context: context, settings: settings, source: source)
                    let end = LineReader(maxRecordBytes: settings.input.maxRecordBytes).run(fd, spooler: &spooler, threads: threads)
                    report(end, source: source, logger: context.logger)
                }
            }
        }
    }

    func stop() { threads.stop() }

    private func report(_ end: LineReader.End, source: String, logger: Logger) {
        switch end {
        case .closed, .stopped: return
        case .tooLong:
            settings.counters.protocolErrors.add(1, ordering: .relaxed)
            logger.error("InfoLogger record longer than max_record_bytes; closing this client connection",
                         metadata: ["source": "\(source)", "max_record_bytes": "\(settings.input.maxRecordBytes)"])
        case .failed(let error):
            if !threads.isStopping {
                logger.error("InfoLogger record not stored; closing this client connection",
                             metadata: ["source": "\(source)", "error": "\(error)"])
            }
        }
    }
}
