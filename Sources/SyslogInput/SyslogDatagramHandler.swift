import ECS
import Inputs
import Logging
import Spool
import SyslogFormat
import NIOCore
import Instrumentation

/// A UDP socket: each datagram is one message. UDP cannot be paused, so when the appender is behind the
/// datagrams of that read are dropped and counted (`udp_dropped`) rather than queued without bound.
final class SyslogDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private var encoder: SyslogRecordEncoder
    private let maxBytes: Int
    private let appender: SpoolAppender
    private let stats: SyslogReceiverStats
    private let logger: Logger
    private let counters: InputCounters?
    /// The records of one read (up to 64 datagrams); taken from the appender's pool, handed over at its end.
    private var batch: SpoolWriteBatch?
    private var lastSender: SocketAddress? = nil
    private var origin = SyslogDocumentEncoder.Origin()

    init(encoder: SyslogRecordEncoder, maxBytes: Int, appender: SpoolAppender, stats: SyslogReceiverStats, logger: Logger,
         counters: InputCounters?) {
        self.encoder = encoder; self.maxBytes = maxBytes; self.appender = appender; self.stats = stats; self.logger = logger; self.counters = counters
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        if envelope.remoteAddress != lastSender {
            lastSender = envelope.remoteAddress
            origin.sourceIP = envelope.remoteAddress.ipAddress.map { ip in var b: [UInt8] = []; JSONBytes.appendString(ip, to: &b); return b }
        }
        stats.received.add(1, ordering: .relaxed)
        envelope.data.withUnsafeReadableBytes { raw in
            let all = raw.bindMemory(to: UInt8.self)
            let truncated = all.count > maxBytes
            if truncated { stats.truncated.add(1, ordering: .relaxed) }
            let frame = UnsafeBufferPointer(rebasing: all[0..<min(all.count, maxBytes)])
            if batch == nil { batch = appender.emptyBatch() }
            switch encoder.appendRecord(frame, truncated: truncated, origin: origin, to: &batch!) {
            case .ok: break
            case .malformed:
                stats.malformed.add(1, ordering: .relaxed)
                counters?.malformed.add(1, ordering: .relaxed)
                SyslogReceiver.malformedLog.log(logger, .warning, "syslog datagram could not be parsed or had invalid UTF-8; indexed with the raw text in event.original",
                                                metadata: ["peer": "\(envelope.remoteAddress)"])
            case .refused(let error):
                appender.lost(1)
                logger.error("cannot append a received datagram to the spool; dropped", metadata: ["peer": "\(envelope.remoteAddress)", "error": "\(error)"])
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard let full = batch else { context.fireChannelReadComplete(); return }
        batch = nil
        let count = full.count
        if full.isEmpty { appender.recycle(full); context.fireChannelReadComplete(); return }
        if !appender.offerOrDrop(full) {
            stats.udpDropped.add(count, ordering: .relaxed)
            counters?.dropped.add(count, ordering: .relaxed)
            SyslogReceiver.dropLog.log(logger, .warning, key: "udp", "spool appender is behind; UDP datagrams dropped (counted in udp_dropped)")
        }
        context.fireChannelReadComplete()
    }
}
