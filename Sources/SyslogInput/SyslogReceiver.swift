import Config
import ECS
import Inputs
import Listeners
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Instrumentation
import Spool
import SyslogFormat
import Synchronization

/// The network half of `type: syslog`: one SwiftNIO listener per `listen` address, all writing into the
/// input's spool through one `SpoolAppender` thread. `SpooledInput` reads the spool and ships it.
public final class SyslogReceiver: SpoolReceiver, @unchecked Sendable {
    public let settings: SyslogInputSettings
    public let stats = SyslogReceiverStats()
    /// The ports actually bound, in `listen` order (useful with port 0).
    public private(set) var boundPorts: [Int] = []
    /// Where malformed messages are also counted (the input's counters, for the run summary).
    public var inputCounters: InputCounters?

    static let malformedLog = LogThrottle(seconds: 10)
    static let dropLog = LogThrottle(seconds: 10)
    static let acceptLog = LogThrottle(seconds: 10)

    private var group: MultiThreadedEventLoopGroup?
    private var connections: ConnectionTable?
    private var channels: [Channel] = []
    private var appender: SpoolAppender?
    private var once = false
    private var logger = Logger(label: "syslog")

    public init(settings: SyslogInputSettings) { self.settings = settings }

    public var isExhausted: Bool { once }

    public func start(spool: Spool, context: InputContext) throws {
        once = context.once
        logger = context.logger
        let zone = try SyslogTimeZone.load(settings.timezone)
        let appender = SpoolAppender(highWater: settings.limits.maxBufferedBytes, logger: logger, counters: inputCounters,
                                     stats: stats.listener)
        appender.start(spool: spool, name: "syslog-spool-\(settings.id)")
        self.appender = appender
        let identity = SyslogIdentity(inputID: settings.id, startMicros: WallClock.microseconds())
        let indexPattern = context.indexPattern()
        let dataset = settings.dataset
        let agent = context.agent
        let patterns = context.patterns
        let makeEncoder: @Sendable () -> SyslogRecordEncoder = {
            SyslogRecordEncoder(parser: SyslogParser(zone: zone),
                                encoder: SyslogDocumentEncoder(dataset: dataset, agent: agent, patterns: patterns),
                                namer: IndexNamer(pattern: indexPattern, dataset: dataset), identity: identity)
        }
        let tlsContext = try settings.tls.map(Self.makeTLSContext)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        let table = ConnectionTable(limits: .init(maxConnections: settings.limits.maxConnections,
                                                  maxPerAddress: settings.limits.maxConnectionsPerAddress,
                                                  idleTimeoutSeconds: settings.limits.idleTimeoutSeconds),
                                    stats: stats.listener)
        table.startSweeping()
        connections = table
        do {
            for listener in settings.listen {
                let channel: Channel
                switch listener.transport {
                case .udp: channel = try bindUDP(listener, group: group, makeEncoder: makeEncoder, appender: appender)
                case .tcp: channel = try bindStream(listener, tls: nil, group: group, table: table, makeEncoder: makeEncoder, appender: appender)
                case .tls: channel = try bindStream(listener, tls: tlsContext, group: group, table: table, makeEncoder: makeEncoder, appender: appender)
                }
                channels.append(channel)
                boundPorts.append(channel.localAddress?.port ?? listener.port)
                logger.info("syslog listening", metadata: ["address": "\(listener.transport.rawValue)://\(listener.host):\(boundPorts.last!)"])
            }
        } catch {
            stop()
            throw SyslogReceiverError.bind("\(settings.listen[channels.count])", SyslogReceiverError.reason(error))
        }
    }

    public func stop() {
        for c in channels { try? c.close().wait() }
        channels = []
        connections?.stop()
        connections = nil
        try? group?.syncShutdownGracefully()
        group = nil
        appender?.stop()
        appender = nil
        let s = stats, l = stats.listener.snapshot()
        logger.info("syslog receiver stopped", metadata: [
            "received": "\(s.received.load(ordering: .relaxed))", "malformed": "\(s.malformed.load(ordering: .relaxed))",
            "truncated": "\(s.truncated.load(ordering: .relaxed))", "udp_dropped": "\(s.udpDropped.load(ordering: .relaxed))",
            "connections_refused": "\(l.refusedTotal + l.refusedPerAddress)", "connections_evicted": "\(l.evicted)",
            "connections_idle_closed": "\(l.idleClosed)", "accept_errors": "\(l.acceptErrors)", "pauses": "\(l.budgetPauses)",
        ])
    }

    /// Connection limits, idle timeouts, accept errors and memory-budget pauses of the TCP/TLS listeners.
    public var listenerStats: ListenerStats? { stats.listener }

    public var type: String { "syslog" }

    public func metrics() -> [Metric] { stats.metrics() + (appender?.metrics() ?? []) }

    /// Bytes received but not yet in the spool.
    public var queuedBytes: Int { appender?.queued ?? 0 }

    private func bindUDP(_ l: SyslogInputSettings.Listener, group: EventLoopGroup, makeEncoder: @escaping @Sendable () -> SyslogRecordEncoder,
                         appender: SpoolAppender) throws -> Channel {
        let stats = self.stats, logger = self.logger, maxBytes = settings.maxMessageBytes, counters = inputCounters
        return try DatagramBootstrap(group: group)
            .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .channelOption(ChannelOptions.socketOption(.so_rcvbuf), value: 8 << 20)
            .channelOption(ChannelOptions.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: maxBytes + 1))
            .channelOption(ChannelOptions.maxMessagesPerRead, value: 64)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        SyslogDatagramHandler(encoder: makeEncoder(), maxBytes: maxBytes, appender: appender, stats: stats,
                                              logger: logger, counters: counters))
                }
            }
            .bind(host: l.host, port: l.port).wait()
    }

    private func bindStream(_ l: SyslogInputSettings.Listener, tls: NIOSSLContext?, group: EventLoopGroup, table: ConnectionTable,
                            makeEncoder: @escaping @Sendable () -> SyslogRecordEncoder, appender: SpoolAppender) throws -> Channel {
        let stats = self.stats, logger = self.logger, maxBytes = settings.maxMessageBytes, counters = inputCounters
        let connectionBudget = settings.maxBufferedPerConnection, limits = settings.limits
        return try ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Self.acceptBackoff(table: table, logger: logger))
                }
            }
            .childChannelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            // Bursts of reads while the input's budget has room, one read per wake-up once it is tight: set per
            // input by `ReadBursts` (the handler registers the connection before its first read).
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: ReadBursts.burst)
            .childChannelInitializer { channel in
                let peer = channel.remoteAddress
                // The table calls this with its lock held, maybe from this loop: close later, never re-entrantly.
                let admission = table.admit(address: peer?.ipAddress ?? "?") { channel.eventLoop.execute { channel.close(promise: nil) } }
                guard case .admitted(let ticket) = admission else {
                    let perAddress: Bool
                    if case .refused(let p) = admission { perAddress = p } else { perAddress = false }
                    SyslogReceiver.dropLog.log(logger, .warning, perAddress ? "max_connections_per_address reached and no connection idle; connection refused"
                                                                  : "max_connections reached and no connection idle; connection refused",
                                               metadata: ["peer": "\(peer.map { "\($0)" } ?? "?")", "max_connections": "\(limits.maxConnections)",
                                                          "max_connections_per_address": "\(limits.maxConnectionsPerAddress)"])
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.addHandler(
                        SyslogStreamHandler(framer: SyslogFramer(maxBytes: maxBytes), encoder: makeEncoder(), appender: appender,
                                            stats: stats, ticket: ticket, table: table, connectionBudget: connectionBudget,
                                            logger: logger, counters: counters))
                }
            }
            .bind(host: l.host, port: l.port).wait()
    }

    /// Out of descriptors, `accept` fails until one is freed: pause the listener (50 ms doubling to 1 s) and
    /// count and log it, instead of NIO's silent default.
    static func acceptBackoff(table: ConnectionTable, logger: Logger) -> AcceptBackoffHandler {
        // Called on the listener's event loop only.
        var backoff = AcceptBackoff()
        return AcceptBackoffHandler(shouldForwardIOErrorCaught: false) { error in
            table.stats.acceptErrors.add(1, ordering: .relaxed)
            // Descriptors taken elsewhere: an idle connection's descriptor lets the waiting one in.
            let millis = table.evictLongestIdle() ? 10 : backoff.failed()
            SyslogReceiver.acceptLog.log(logger, .warning, "cannot accept a connection; pausing the listener",
                                         metadata: ["error": "\(error)", "pause_ms": "\(millis)"])
            return .milliseconds(Int64(millis))
        }
    }

    static func makeTLSContext(_ tls: SyslogInputSettings.TLS) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(tls.certificate).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: tls.key, format: .pem)
        var config = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        config.minimumTLSVersion = .tlsv12
        if let ca = tls.clientCA { config.trustRoots = .file(ca) }
        switch tls.clientAuth {
        case .none: config.certificateVerification = .none
        case .optional: config.certificateVerification = .optionalVerification
        case .required: config.certificateVerification = .noHostnameVerification
        }
        return try NIOSSLContext(configuration: config)
    }
}

public enum SyslogReceiverError: Error, CustomStringConvertible {
    case bind(String, String)

    /// NIO's socket errors read `bind(descriptor:ptr:bytes:): Address already in use (errno: 98)`; the
    /// operator needs the system's reason only.
    static func reason(_ error: Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        return "\(error)"
    }

    public var description: String {
        switch self {
        case let .bind(address, error): return "cannot listen on \(address): \(error)"
        }
    }
}
