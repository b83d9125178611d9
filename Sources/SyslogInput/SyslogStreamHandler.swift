import ECS
import Inputs
import Logging
import Spool
import NIOCore
import Synchronization

/// One TCP or TLS connection: frames the stream, encodes each message into a spool record and hands the
/// records of each read to the appender. When the appender is behind, the connection stops reading
/// (autoRead off) until it has caught up: the sender's TCP window closes, nothing is dropped.
final class SyslogStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var framer: SyslogFramer
    private var encoder: SyslogRecordEncoder
    private let appender: SpoolAppender
    private let stats: SyslogReceiverStats
    private let connections: ConnectionCount
    private let counters: InputCounters?
    private let logger: Logger
    private var origin = SyslogDocumentEncoder.Origin()
    private var peer = "?"
    private var frames = 0
    /// This read's records, spool headers included. Taken from the appender's pool when a read brings a message
    /// and handed over at the end of the read, so an idle connection holds no buffer (a farm keeps hundreds open).
    private var batch: SpoolWriteBatch?
    private var paused = false

    init(framer: SyslogFramer, encoder: SyslogRecordEncoder, appender: SpoolAppender, stats: SyslogReceiverStats,
         connections: ConnectionCount, logger: Logger, counters: InputCounters?) {
        self.framer = framer; self.encoder = encoder; self.appender = appender; self.stats = stats
        self.connections = connections; self.logger = logger; self.counters = counters
    }

    func channelActive(context: ChannelHandlerContext) {
        if let address = context.channel.remoteAddress {
            peer = "\(address)"
            if let ip = address.ipAddress { var b: [UInt8] = []; JSONBytes.appendString(ip, to: &b); origin.sourceIP = b }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { bytes in
            framer.feed(bytes) { frame, truncated in self.take(frame, truncated) }
        }
        flush(context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        framer.finish { frame, truncated in self.take(frame, truncated) }
        flush(context)
        connections.value.subtract(1, ordering: .relaxed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.warning("syslog connection error; closing it", metadata: ["peer": "\(peer)", "error": "\(error)"])
        context.close(promise: nil)
    }

    private func take(_ frame: UnsafeBufferPointer<UInt8>, _ truncated: Bool) {
        frames += 1
        stats.received.add(1, ordering: .relaxed)
        if truncated {
            stats.truncated.add(1, ordering: .relaxed)
            logger.warning("syslog message longer than max_message_size; truncated", metadata: ["peer": "\(peer)", "message_number": "\(frames)"])
        }
        if batch == nil { batch = appender.emptyBatch() }
        switch encoder.appendRecord(frame, truncated: truncated, origin: origin, to: &batch!) {
        case .ok: break
        case .malformed:
            stats.malformed.add(1, ordering: .relaxed)
            counters?.malformed.add(1, ordering: .relaxed)
            SyslogReceiver.malformedLog.log(logger, "syslog message could not be parsed or had invalid UTF-8; indexed with the raw text in event.original",
                                            ["peer": "\(peer)", "message_number": "\(frames)"])
        case .refused(let error):
            appender.lost(1)
            logger.error("cannot append a received message to the spool; dropped", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    private func flush(_ context: ChannelHandlerContext) {
        guard let full = batch else { return }
        batch = nil
        if full.isEmpty { appender.recycle(full); return }
        if !appender.offer(full) && !paused {
            paused = true
            stats.pauses.add(1, ordering: .relaxed)
            let channel = context.channel
            channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            let loop = context.eventLoop
            let handler = NIOLoopBound(self, eventLoop: loop)
            appender.whenDrained {
                loop.execute {
                    handler.value.paused = false
                    channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
                }
            }
        }
    }
}
