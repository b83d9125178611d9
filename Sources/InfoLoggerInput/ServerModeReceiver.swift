import Config
import ECS
import Inputs
import Listeners
import Logging
import Spool
#if canImport(Glibc)
import Glibc
import Reporting
#endif

/// `mode: server` — takes infoLoggerServer's place for infoLoggerD daemons. A frame is acknowledged only
/// once its document is on disk (appended and fsync'd): everything read in one burst is appended, made
/// durable by one `waitDurable` (group commit across connections) and acknowledged by one cumulative ACK.
/// Until the ACK, the message stays in infoLoggerD's own disk queue, so neither a LogBridge crash nor a
/// cluster outage loses it. A full spool blocks the append: reading and acknowledging stop with it.
///
/// Each connection has a thread; `limits` bound how many (idle ones are timed out, and evicted before a new
/// sender is refused), and the bytes of unfinished frames they hold together (`max_buffered`): a connection
/// starts with a 64 KiB buffer and reserves from the budget to grow it for a larger frame.
final class ServerModeReceiver: SpoolReceiver, @unchecked Sendable {
    let settings: InfoLoggerReceiverSettings
    let stats = ListenerStats()
    private let threads = ReceiverThreads()
    private var listener: Int32 = -1
    private var tee: TeeForwarder?
    private var table: ConnectionTable?
    private var budget: ByteBudget?
    private var logger = Logger(label: "infologger")
    /// The bound port, once started (`listen` port 0 picks one).
    private(set) var port = 0

    init(settings: InfoLoggerReceiverSettings) { self.settings = settings }

    var isExhausted: Bool { true }

    var listenerStats: ListenerStats? { stats }

    /// A connection's buffer before it needs the budget: far above the C++ client's 1 KiB records. Each read is
    /// committed and acknowledged as one burst, so this also sets how many commits a busy sender costs: 16 KiB
    /// halved `make bench`'s InfoLogger rate (~180k against ~340k msg/s with the 256 KiB of before, 1.4x the
    /// CPU); 64 KiB gave ~370-395k msg/s at 2.5-2.7 CPU-s per million, for 48 KiB more per connection.
    static let initialBuffer = 64 << 10

    func start(spool: Spool, context: InputContext) throws {
        let endpoint = settings.input.listen
        listener = try PosixSocket.listenTCP(host: endpoint.host, port: endpoint.port)
        port = PosixSocket.localPort(listener)
        if let target = settings.input.tee {
            let forwarder = TeeForwarder(target: target, capacity: settings.input.teeQueue, counters: settings.counters,
                                         logger: context.logger, threads: threads)
            forwarder.start()
            tee = forwarder
        }
        context.logger.info("InfoLogger server listening", metadata: [
            "input": "\(settings.input.id)", "listen": "\(endpoint.host):\(port)",
            "tee": "\(settings.input.tee.map { "\($0)" } ?? "none")"])
        let limits = settings.input.limits
        let table = ConnectionTable(limits: .init(maxConnections: limits.maxConnections, maxPerAddress: limits.maxConnectionsPerAddress,
                                                  idleTimeoutSeconds: limits.idleTimeoutSeconds), stats: stats)
        table.startSweeping()
        self.table = table
        budget = ByteBudget(limit: limits.maxBufferedBytes, stats: stats)
        logger = context.logger
        let listener = self.listener
        threads.spawn { [self] in acceptLoop(listener, table: table, spool: spool, context: context) }
    }

    func stop() {
        table?.stop()
        threads.stop()
    }

    private func acceptLoop(_ listener: Int32, table: ConnectionTable, spool: Spool, context: InputContext) {
        defer { close(listener) }
        var backoff = AcceptBackoff()
        let failureLog = LogThrottle(seconds: 5)
        while !threads.isStopping {
            guard PosixSocket.waitReadable(listener, milliseconds: 200) else { continue }
            let fd = Glibc.accept(listener, nil, nil)
            guard fd >= 0 else {
                let code = errno
                // Out of descriptors the pending connection stays queued and accept fails again at once: pause.
                guard AcceptBackoff.isResourceShortage(code) else { continue }
                stats.acceptErrors.add(1, ordering: .relaxed)
                // Descriptors taken elsewhere: an idle connection's descriptor lets the waiting one in.
                if table.evictLongestIdle() { continue }
                let millis = backoff.failed()
                failureLog.log(logger, .warning, key: "accept", "cannot accept an InfoLogger connection; pausing the listener",
                               metadata: ["input": "\(settings.input.id)", "error": "\(String(cString: strerror(code)))",
                                    "pause_ms": "\(millis)"])
                _ = threads.pause(Double(millis) / 1000)
                continue
            }
            backoff.succeeded()
            let peer = PeerName.of(fd)
            // The table shuts the socket down to evict or time it out; the serving thread then sees the end.
            let admission = table.admit(address: PeerName.host(of: peer)) { shutdown(fd, Int32(SHUT_RDWR)) }
            guard case .admitted(let ticket) = admission else {
                close(fd)
                failureLog.log(logger, .warning, key: "refused", "InfoLogger connection refused: connection limit reached and none idle",
                               metadata: ["input": "\(settings.input.id)", "peer": "\(peer)",
                                    "max_connections": "\(settings.input.limits.maxConnections)",
                                    "max_connections_per_address": "\(settings.input.limits.maxConnectionsPerAddress)"])
                continue
            }
            settings.counters.connectionsAccepted.add(1, ordering: .relaxed)
            threads.track(fd)
            threads.spawn { [self] in
                defer {
                    table.release(ticket)
                    threads.closeTracked(fd)
                }
                serve(fd, peer: peer, ticket: ticket, spool: spool, context: context)
            }
        }
    }

    private func serve(_ fd: Int32, peer: String, ticket: ConnectionTable.Ticket, spool: Spool, context: InputContext) {
        var spooler = RecordSpooler(spool: spool, context: context, settings: settings, source: "infologger-server " + peer)
        var parser = FrameParser(maxRecordBytes: settings.input.maxRecordBytes)
        let buffer = ReceiveBuffer(capacity: Self.initialBuffer, budget: budget)
        let logger = context.logger
        var ack: [UInt8] = []
        var client = "?"
        var waitingForBudget = false
        while !threads.isStopping && !ticket.isClosedByTable {
            if waitingForBudget {
                // Only the budget can let this connection go on: wait for it without polling a readable socket.
                usleep(20_000)
            } else {
                guard PosixSocket.waitReadable(fd, milliseconds: 200) else { continue }
            }
            let n = buffer.read(from: fd, reserving: 4 << 10)
            if n == ReceiveBuffer.noRoom {
                if !waitingForBudget { stats.budgetPauses.add(1, ordering: .relaxed) }
                waitingForBudget = true
                continue
            }
            waitingForBudget = false
            if n > 0 { ticket.touch() }
            if n <= 0 {
                if buffer.count > 0 {
                    logger.warning("InfoLogger connection closed inside a frame; infoLoggerD re-sends it",
                                   metadata: ["peer": "\(peer)", "client": "\(client)", "bytes": "\(buffer.count)"])
                }
                return
            }
            // The burst's frames are encoded into one batch: one append, one waitDurable, one ACK.
            // (`last` is the last frame in the batch.)
            var last: (minID: UInt64, majID: UInt64)? = nil
            var violation: FrameParser.Violation? = nil
            var end: SpoolPosition? = nil
            do {
                do {
                    while let (item, length) = try parser.next(buffer.bytes) {
                        switch item {
                        case .hello(let name):
                            client = name
                            guard PosixSocket.send(fd, Self.ready) else { return }
                        case .frame(let minID, let majID, let body):
                            let record = UnsafeBufferPointer(rebasing: buffer.bytes[body])
                            try spooler.add(record)
                            tee?.forward(record)
                            last = (minID, majID)
                        }
                        buffer.start += length
                    }
                } catch let v as FrameParser.Violation {
                    // The frames before the bad one are still stored and acknowledged.
                    violation = v
                }
                ticket.setWaiting(true)
                end = try spooler.commit()
            } catch {
                ticket.setWaiting(false)
                // The spool refused (closed on shutdown, I/O error, a record too large): the burst is not
                // acknowledged, so infoLoggerD keeps and re-sends it.
                if !threads.isStopping {
                    logger.error("InfoLogger message not stored; closing so infoLoggerD keeps and re-sends it",
                                 metadata: ["peer": "\(peer)", "error": "\(error)"])
                }
                // Frames encoded before a refused one are still stored and acknowledged, as far as the spool
                // takes them (after a failed commit the batch is empty and nothing is acknowledged).
                if let l = last, let stored = try? spooler.commit() {
                    acknowledge((l.minID, l.majID, stored), fd: fd, spool: spool, ack: &ack, logger: logger, peer: peer)
                }
                return
            }
            let acked = last.flatMap { l in end.map { (l.minID, l.majID, $0) } }
            let sent = acknowledge(acked, fd: fd, spool: spool, ack: &ack, logger: logger, peer: peer)
            ticket.setWaiting(false)
            guard sent else { return }
            if let violation {
                settings.counters.protocolErrors.add(1, ordering: .relaxed)
                logger.error("InfoLogger protocol error; closing this connection",
                             metadata: ["peer": "\(peer)", "client": "\(client)", "error": "\(violation)"])
                return
            }
        }
    }

    /// Makes the burst durable, then sends one cumulative ACK for its last frame. False when the connection must end.
    @discardableResult
    private func acknowledge(_ last: (minID: UInt64, majID: UInt64, end: SpoolPosition)?, fd: Int32, spool: Spool,
                             ack: inout [UInt8], logger: Logger, peer: String) -> Bool {
        guard let last else { return true }
        do {
            try spool.waitDurable(last.end)
        } catch {
            logger.error("InfoLogger burst not made durable; not acknowledged", metadata: ["peer": "\(peer)", "error": "\(error)"])
            return false
        }
        ack.removeAll(keepingCapacity: true)
        ack.append(contentsOf: Self.ackPrefix)
        JSONBytes.appendUnsigned(last.minID, to: &ack)
        ack.append(0x20)
        JSONBytes.appendUnsigned(last.majID, to: &ack)
        ack.append(0x0A)
        guard PosixSocket.send(fd, ack) else { return false }
        settings.counters.acksSent.add(1, ordering: .relaxed)
        return true
    }

    private static let ready = Array("READY\n".utf8)
    private static let ackPrefix = Array("ACK ".utf8)
}

/// `address:port` of a connection's peer, for log lines.
enum PeerName {
    static func of(_ fd: Int32) -> String {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &len) } }
        guard rc == 0 else { return "?" }
        var host = [CChar](repeating: 0, count: 64)
        var port = [CChar](repeating: 0, count: 8)
        let family = storage.ss_family
        let ok = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, len, &host, 64, &port, 8, NI_NUMERICHOST | NI_NUMERICSERV)
            }
        }
        if family == sa_family_t(AF_UNIX) { return "unix:pid?" }
        guard ok == 0 else { return "?" }
        let h = String(cString: host)
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + String(cString: port)
    }

    /// The address part of `of`'s answer, for per-address limits.
    static func host(of peer: String) -> String {
        guard let colon = peer.lastIndex(of: ":") else { return peer }
        var host = peer[..<colon]
        if host.first == "[" && host.last == "]" { host = host.dropFirst().dropLast() }
        return String(host)
    }
}
